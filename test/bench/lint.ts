/**
 * Cost of our diagnostics on top of the syntax checks the server always runs:
 * full diagnostics (engine lint + dockerfile-utils validate, as the server does)
 * against dockerfile-utils validate alone, same process, after a warm-up, median
 * of N runs. The target is a ratio of at most 1.2.
 */
import * as os from 'os';
import { validate } from 'dockerfile-utils';
import { validateSyntax } from '../../server/src/engine/testing';
import { lint } from '../../server/src/engine/testing';
import { corpusFiles } from '../support/corpus';

const RUNS = 15;
const WARMUP = 3;
const TODAY = new Date('2026-11-22T12:00:00Z');

/** A realistic multi-stage Dockerfile of about `lines` lines: builders with RUN chains, a runtime with COPY/ENV. */
export function generatedDockerfile(lines: number): string {
  const out: string[] = ['# syntax=docker/dockerfile:1', 'ARG GO_VERSION=1.23', 'ARG BASE=gcr.io/distroless/static-debian13:nonroot'];
  let stage = 0;
  while (out.length < lines - 12) {
    out.push(`FROM golang:\${GO_VERSION} AS build${stage}`, `WORKDIR /src/${stage}`, 'ENV GOFLAGS=-mod=readonly CGO_ENABLED=0');
    for (let i = 0; i < 20 && out.length < lines - 12; i++) {
      out.push(
        `RUN apt-get update && apt-get install -y --no-install-recommends pkg${i} \\`,
        `    && mkdir -p /out/${stage}/${i} && echo "step ${i}" > /out/${stage}/${i}/log \\`,
        `    && go build -trimpath -ldflags="-s -w" -o /out/${stage}/${i}/bin ./cmd/${i}`,
        `COPY config/${i}.yaml /etc/app/${i}.yaml`,
        `LABEL step${i}="${stage}-${i}"`,
      );
    }
    stage++;
  }
  out.push('FROM ${BASE}');
  for (let s = 0; s < stage && out.length < lines - 2; s++) out.push(`COPY --from=build${s} /out/${s} /opt/${s}`);
  out.push('USER nonroot:nonroot', 'ENTRYPOINT ["/opt/0/0/bin"]');
  return `${out.join('\n')}\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Both variants run alternately, so load from other processes on the machine hits
 * them alike; each sample is one pass over `texts`.
 */
function measure(label: string, texts: string[]): { full: number; validateOnly: number } {
  const validatePass = () => { for (const t of texts) validate(t); };
  // As the server does: lint first, then the syntax checks on the same text.
  const fullPass = () => { for (const t of texts) { const { model } = lint(t, { today: TODAY }); validateSyntax(t, model.dockerfile); } };
  for (let i = 0; i < WARMUP; i++) { validatePass(); fullPass(); }
  const v: number[] = [];
  const f: number[] = [];
  const clock = (run: () => void) => { const start = process.hrtime.bigint(); run(); return Number(process.hrtime.bigint() - start) / 1e6; };
  for (let i = 0; i < RUNS; i++) {
    v.push(clock(validatePass));
    f.push(clock(fullPass));
  }
  const validateOnly = median(v);
  const full = median(f);
  const lines = texts.reduce((n, t) => n + t.split('\n').length, 0);
  console.log(`${label.padEnd(24)} ${String(lines).padStart(6)} lines  validate ${validateOnly.toFixed(2).padStart(8)} ms  full ${full.toFixed(2).padStart(8)} ms  ratio ${(full / validateOnly).toFixed(2)}x`);
  return { full, validateOnly };
}

export async function benchLint(): Promise<void> {
  console.log(`lint benchmark: median of ${RUNS} runs after ${WARMUP} warm-up runs; ratio = (lint + validate) / validate, target <= 1.20x; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const files = corpusFiles();
  measure('corpus (all files)', files.map((f) => f.text));
  // The target was set on the flat corpus alone (realworld files have a folder).
  measure('corpus dockerfiles/ only', files.filter((f) => f.folder === undefined).map((f) => f.text));
  const sizes = [2000, 4000, 8000];
  const results = sizes.map((n) => ({ n, ...measure(`generated ${n} lines`, [generatedDockerfile(n)]) }));
  // Linearity: time per line should stay flat as the file grows.
  const perLine = results.map((r) => `${r.n}: ${((r.full / r.n) * 1000).toFixed(2)} µs/line`);
  console.log(`full diagnostics per line: ${perLine.join(', ')}`);
}

if (require.main === module) void benchLint();
