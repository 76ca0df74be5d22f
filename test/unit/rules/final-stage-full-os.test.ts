import { ruleTable } from '../../support/ruleTable';

ruleTable('final-stage-full-os', [
  {
    name: 'a toolchain image ships, with the matching distroless image named',
    dockerfile: 'FROM node:22\nCOPY . .\nCMD ["node", "server.js"]\n',
    expect: [{ range: '0:5-0:12', message: 'nodejs22-debian13:nonroot' }],
  },
  {
    name: 'an OS image that ships a Go binary is pointed at static',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
    expect: [{ range: '2:5-2:16', message: 'static-debian13:nonroot' }],
  },
  {
    name: 'through an ARG default, from a mirror',
    dockerfile: 'ARG BASE_PREFIX=mirror.gcr.io/library/\nFROM ${BASE_PREFIX}python:3.12-slim\n',
    expect: [{ range: '1:5-1:35', message: 'python3-debian13' }],
  },
  {
    name: 'a stage built on a general-purpose stage',
    dockerfile: 'FROM debian:13 AS base\nFROM base\n',
    expect: [{ range: '1:5-1:9' }],
  },
  {
    name: '.NET runtime keeps its product on the chiseled tag (as the conversion writes it), not aspnet',
    dockerfile: 'FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /source\nCOPY . .\nRUN dotnet publish -o /app\nFROM mcr.microsoft.com/dotnet/runtime:9.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT ["./dotnetapp"]\n',
    expect: [{ range: '4:5-4:41', message: 'ship the artifact on runtime:9.0-noble-chiseled', fixed: 'FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /source\nCOPY . .\nRUN dotnet publish -o /app\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/runtime:9.0-noble-chiseled\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT ["./dotnetapp"]\n' }],
  },
  {
    name: '.NET runtime-deps (a self-contained app) is pointed at runtime-deps chiseled',
    dockerfile: 'FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish --self-contained -r linux-x64 -o /app\nFROM mcr.microsoft.com/dotnet/runtime-deps:10.0-alpine\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT ["./myapp"]\n',
    expect: [{ range: '4:5-4:54', message: 'ship the artifact on runtime-deps:10.0-noble-chiseled\n', fixed: 'FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish --self-contained -r linux-x64 -o /app\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT ["./myapp"]\n' }],
  },
  {
    name: 'nginx serving pages built by a Node stage: the files are what nginx serves, so no Node runtime is suggested',
    dockerfile: 'FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm run build\nFROM nginx:1\nCOPY --from=build /app/dist/ /usr/share/nginx/html\n',
    expect: [{ range: '4:5-4:12', severity: 'information', message: 'Ships on nginx:1, a full OS with no distroless equivalent: use its smallest variant\n' }],
  },
  {
    name: 'a quoted image is read without its quotes (BuildKit reads FROM as a shell word)',
    dockerfile: 'FROM "ubuntu:24.04"\nCOPY app /app\n',
    expect: [{ range: '0:5-0:19', message: 'Ships on ubuntu:24.04, a full OS' }],
  },
  {
    name: 'a quoted distroless image is distroless',
    dockerfile: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app\nFROM "gcr.io/distroless/static-debian13:nonroot"\nCOPY --from=build /app /app\n',
    expect: [],
  },
  {
    name: 'distroless, chiseled and Chainguard images are fine',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\n',
    expect: [],
  },
  {
    name: 'chiseled .NET',
    dockerfile: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled\n',
    expect: [],
  },
  {
    name: 'only the --target stage counts',
    dockerfile: 'FROM golang:1.23 AS build\nFROM gcr.io/distroless/static-debian13:nonroot AS prod\nFROM debian:13 AS debug\n',
    options: { target: 'prod' },
    expect: [],
  },
  {
    name: 'an image with an unresolvable variable is not guessed at',
    dockerfile: 'ARG BASE\nFROM $BASE\n',
    expect: [],
  },
  {
    name: 'a Docker Official Image the table knows is a full OS (ruby): no distroless runtime to name, so information',
    dockerfile: 'FROM ruby:3.3\nCOPY . /app\nCMD ["ruby", "/app/main.rb"]\n',
    expect: [{ range: '0:5-0:13', severity: 'information', message: 'No distroless image carries what ruby runs' }],
  },
  {
    name: 'a service image (nginx) serving files',
    dockerfile: 'FROM nginx:1.27-alpine\nCOPY site /usr/share/nginx/html\n',
    expect: [{ range: '0:5-0:22', severity: 'information', message: 'nginx' }],
  },
  {
    name: 'an image the table does not know is not claimed to be a full OS',
    dockerfile: 'FROM myorg/runtime:2\nCOPY app /app\n',
    expect: [],
  },
  {
    name: 'Windows images: there is no distroless Windows image',
    dockerfile: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY app.exe C:/app/\nCMD ["C:/app/app.exe"]\n',
    expect: [],
  },
  {
    name: '.NET distroless on Azure Linux with an architecture suffix is already minimal',
    dockerfile: 'FROM mcr.microsoft.com/dotnet/runtime-deps:9.0-azurelinux3.0-distroless-amd64\nCOPY app /app\nENTRYPOINT ["/app/app"]\n',
    expect: [],
  },
]);
