import { ruleTable } from '../../support/ruleTable';

ruleTable('node-version-mismatch', [
  {
    name: 'node_modules from node:20 into nodejs22; the variant is kept',
    dockerfile: 'FROM node:20-alpine AS build\nWORKDIR /app\nRUN npm ci --omit=dev\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nCOPY --from=build /app/node_modules ./node_modules\n',
    expect: [{ range: '4:18-4:50', message: 'Node 20', fixed: 'FROM node:22-alpine AS build\nWORKDIR /app\nRUN npm ci --omit=dev\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nCOPY --from=build /app/node_modules ./node_modules\n' }],
  },
  {
    name: 'the whole install directory',
    dockerfile: 'FROM node:24.1.0-bookworm AS build\nWORKDIR /app\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13\nCOPY --from=build /app /app\n',
    expect: [{ range: '4:18-4:27', fixed: 'FROM node:22-bookworm AS build\nWORKDIR /app\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13\nCOPY --from=build /app /app\n' }],
  },
  {
    name: 'built output only (no node_modules) is fine',
    dockerfile: 'FROM node:20 AS build\nWORKDIR /app\nRUN npm ci && npm run build\nFROM gcr.io/distroless/nodejs22-debian13\nCOPY --from=build /app/dist /app/dist\n',
    expect: [],
  },
  {
    name: 'matching majors',
    dockerfile: 'FROM node:22-slim AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13\nCOPY --from=build /node_modules /node_modules\n',
    expect: [],
  },
  {
    name: 'an ARG-resolved builder is fixed in the ARG',
    dockerfile: 'ARG BUILDER=node:18\nFROM ${BUILDER} AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs24-debian13\nCOPY --from=build /node_modules /node_modules\n',
    expect: [{ range: '4:18-4:45', fixed: 'ARG BUILDER=node:24\nFROM ${BUILDER} AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs24-debian13\nCOPY --from=build /node_modules /node_modules\n' }],
  },
]);
