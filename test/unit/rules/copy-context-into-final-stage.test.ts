import { ruleTable } from '../../support/ruleTable';

ruleTable('copy-context-into-final-stage', [
  {
    name: 'COPY . . into the runtime stage of a multi-stage build, naming the build output',
    dockerfile: 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY . .\nCOPY --from=build /out/app /app\n',
    expect: [{ range: '5:5-5:8', message: 'COPY --from=build /out/app /out/app' }],
  },
  {
    name: 'ADD ./ of a compiled app with no output known',
    dockerfile: 'FROM rust:1.82 AS build\nRUN cargo build --release\nFROM gcr.io/distroless/cc-debian13:nonroot\nADD ./ /app\n',
    expect: [{ range: '3:4-3:11', message: 'COPY --from=build <path>' }],
  },
  {
    name: 'an interpreted app (Node) with no .dockerignore: advice that can be followed',
    dockerfile: 'FROM node:22 AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nCOPY --from=build /node_modules /app/node_modules\nCOPY . /app\nCMD ["/app/server.js"]\n',
    files: { 'package.json': '{}' },
    expect: [{ range: '4:5-4:11', message: 'there is no .dockerignore beside the Dockerfile: .git, tests, local environment files and any secrets in the folder end up in the image. For a Node.js app the source is what runs, so keep the copy but add a .dockerignore that leaves out .git, tests, .env and other secrets, or copy the named paths the app needs (e.g. COPY package.json package-lock.json src/ ./).' }],
  },
  {
    name: 'an interpreted app (Python) with a .dockerignore beside the Dockerfile: the author chose what the context holds',
    dockerfile: 'FROM python:3.13-slim AS build\nRUN pip install --target=/deps flask\nFROM gcr.io/distroless/python3-debian13:nonroot\nCOPY --from=build /deps /deps\nCOPY . /app\nCMD ["/app/main.py"]\n',
    files: { '.dockerignore': '.git\ntests/\n.env\n' },
    expect: [],
  },
  {
    name: 'Node installed on alpine and started with node (microservices-demo currencyservice): the source is the program, so no "copy the artifact" advice',
    dockerfile: 'FROM node:22-alpine AS builder\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm install --only=production\nFROM alpine:3.20\nRUN apk add --no-cache nodejs\nWORKDIR /usr/src/app\nCOPY --from=builder /usr/src/app/node_modules ./node_modules\nCOPY . .\nENTRYPOINT [ "node", "server.js" ]\n',
    files: { 'package.json': '{}' },
    expect: [{ range: '8:5-8:8', message: 'COPY . ships the whole context and no .dockerignore: add one without .git, .env\n' }],
  },
  {
    name: 'a Python app started by gunicorn on a plain OS image, with a .dockerignore: silent',
    dockerfile: 'FROM python:3.12 AS build\nRUN pip install --prefix=/install gunicorn\nFROM debian:13-slim\nCOPY --from=build /install /usr/local\nCOPY . /app\nCMD gunicorn app:server\n',
    files: { '.dockerignore': '.git\n' },
    expect: [],
  },
  {
    name: 'a Ruby app on the ruby image without a .dockerignore',
    dockerfile: 'FROM ruby:3.3 AS gems\nRUN bundle install\nFROM ruby:3.3-slim\nCOPY --from=gems /usr/local/bundle /usr/local/bundle\nCOPY . .\n',
    files: { 'Gemfile': 'source "https://rubygems.org"\n' },
    expect: [{ range: '4:5-4:8', message: 'For a Ruby app the source is what runs' }],
  },
  {
    name: 'a single-stage build has nothing to copy from',
    dockerfile: 'FROM node:22\nCOPY . .\n',
    expect: [],
  },
  {
    name: 'COPY . . in the build stage is where it belongs',
    dockerfile: 'FROM golang:1.23 AS build\nCOPY . .\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
  {
    name: 'COPY --from=build . . copies from a stage, not the context',
    dockerfile: 'FROM node:22 AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nCOPY --from=build /app/dist .\n',
    expect: [],
  },
  {
    name: 'when every other stage is an ancestor there is no separate build',
    dockerfile: 'FROM node:22 AS base\nRUN npm ci\nFROM base AS dev\nCOPY . .\n',
    expect: [],
  },
  {
    name: 'copying named files is fine',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY config.yaml /etc/app/\n',
    expect: [],
  },
]);
