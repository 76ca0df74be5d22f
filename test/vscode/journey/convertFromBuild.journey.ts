/**
 * A person opens the Dockerfile of a Go server started by a wrapper script (the grounded
 * fixture test/fixtures/apps/go-wrapper, which the text-only conversion refuses) and runs
 * "Distroless: Convert from Build…". The progress notification names the build step; they
 * press Cancel while `go build` runs: the notification says nothing is left, and the engine
 * agrees (no build container, no layer), the file is unchanged and no diff opens. They run it
 * again to the end: the diff proposes the conversion read from the built image (the script
 * became ENV lines and an exec-form ENTRYPOINT); they apply and save, and the file on disk
 * is exactly that conversion.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { buildStandins } from '../../docker/standins';
import { REPO_ROOT } from '../support';
import { editorText, Journey, journeyEngine, quickOpen, runFromPalette, STEP_TIMEOUT_MS, waitForEditorText, waitForFileText } from './workbench';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'apps', 'go-wrapper');
const RUNTIME = 'gcr.io/distroless/static-debian13:nonroot';
/** `go build` with a cold cache (--build removes its layers): about 70 s on a loaded two-core machine. */
const BUILD_TIMEOUT_MS = 8 * 60_000;
/** Marks every layer and step container of the build that is cancelled, so the engine can be asked for exactly those. */
const RUN_LABEL = 'io.distroless.test.journey-build';
const PROGRESS = 'Building Dockerfile to convert it';
const CANCELLED = 'Convert from Build cancelled; the image and container it made are removed. Dockerfile is unchanged.';

/** What `distroless convert --build` gives for the fixture (test/docker/convert-grounded.test.ts asserts its tail and runs it). */
const CONVERTED = `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o server .
EXPOSE 8080
ENTRYPOINT ["./start.sh"]

# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).
# The original ran as root in /src, which root owns; here the app runs as a non-root user: if it writes there (a pid or cache file), make the directory its own with COPY --from=build --chown=65532:65532 /src /src before WORKDIR (verify reports such a write as permission denied).
FROM ${RUNTIME}
EXPOSE 8080
WORKDIR /src
COPY --from=build /src/server /app
ENV GREETING="hello from go behind a wrapper"
ENV PORT=8080
ENTRYPOINT ["/app"]
`;

async function leftovers(docker: Docker, label: string): Promise<string[]> {
  const filters = { label: [label] };
  const containers = await docker.listContainers({ all: true, filters });
  const images = await docker.listImages({ all: true, filters });
  return [...containers.map((c) => `container ${c.Id.slice(0, 12)} (${c.Command}, ${c.State})`), ...images.map((i) => `image ${i.Id}`)];
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export const convertFromBuildJourney: Journey = {
  name: 'convert-from-build',
  timeoutMs: 2 * BUILD_TIMEOUT_MS + 2 * 60_000,
  async run({ page, workspace, screenshot }) {
    const docker = (await journeyEngine()).docker;
    // golang:1.22 is a local stand-in: Docker Hub is not reachable here.
    await buildStandins();

    // Two copies of the fixture: one to cancel, whose build is labelled with this run's id (a LABEL
    // right after FROM marks every later layer and step container), and the fixture itself.
    const run = `${process.pid}-${Date.now()}`;
    const cancelDir = path.join(workspace, 'grounded-cancel');
    const buildDir = path.join(workspace, 'grounded-go-wrapper');
    fs.cpSync(FIXTURE, cancelDir, { recursive: true });
    fs.cpSync(FIXTURE, buildDir, { recursive: true });
    const fixture = fs.readFileSync(path.join(FIXTURE, 'Dockerfile'), 'utf8');
    const cancelText = fixture.replace(/^(FROM .*\n)/, `$1LABEL ${RUN_LABEL}=${run}\n`);
    assert.notEqual(cancelText, fixture);
    fs.writeFileSync(path.join(cancelDir, 'Dockerfile'), cancelText);
    const runLabel = `${RUN_LABEL}=${run}`;

    try {
      // Cancel while `go build` runs.
      await quickOpen(page, 'grounded-cancel/Dockerfile');
      await waitForEditorText(page, `LABEL ${RUN_LABEL}=${run}`);
      await runFromPalette(page, 'Convert from Build');
      const progress = page.locator('.notification-toast').filter({ hasText: PROGRESS });
      await progress.filter({ hasText: /Step \d+\/\d+ : RUN go build -o server \./ }).waitFor({ state: 'visible', timeout: BUILD_TIMEOUT_MS });
      // The step's container exists: the build is under way, not finished.
      await poll('the go build step container', async () => ((await docker.listContainers({ all: true, filters: { label: [runLabel] } })).length > 0 ? true : undefined), 60_000);
      await screenshot('building');
      await progress.locator('.monaco-button').filter({ hasText: /^Cancel$/ }).click();
      await page.locator('.notification-toast').filter({ hasText: CANCELLED }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await progress.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
      assert.deepEqual(await leftovers(docker, runLabel), [], 'nothing the cancelled build made is left once it says so');
      assert.equal(await page.locator('.monaco-diff-editor').count(), 0, 'no conversion is proposed');
      assert.equal(fs.readFileSync(path.join(cancelDir, 'Dockerfile'), 'utf8'), cancelText, 'the file on disk is unchanged');
      assert.match(await editorText(page), new RegExp(`^FROM golang:1\\.22\\nLABEL ${RUN_LABEL.replace(/\./g, '\\.')}=${run}\\nWORKDIR /src\\n`), 'the editor is unchanged');
      await screenshot('cancelled');

      // To the end: the conversion read from the image, applied and saved.
      await quickOpen(page, 'grounded-go-wrapper/Dockerfile');
      await waitForEditorText(page, 'ENTRYPOINT ["./start.sh"]');
      await runFromPalette(page, 'Convert from Build');
      const proposed = page.locator('.monaco-diff-editor .editor.modified .view-lines');
      await proposed.filter({ hasText: 'ENTRYPOINT ["/app"]' }).waitFor({ state: 'visible', timeout: BUILD_TIMEOUT_MS });
      await page.locator('.notification-toast').filter({ hasText: `Convert Dockerfile to a go build on ${RUNTIME}?` }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await screenshot('proposed');
      assert.equal(fs.readFileSync(path.join(buildDir, 'Dockerfile'), 'utf8'), fixture, 'nothing is written before Apply');
      await page.locator('.editor-actions .action-label[aria-label="Apply Conversion"]').click();
      await page.locator('.monaco-diff-editor').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
      await waitForEditorText(page, `FROM ${RUNTIME}`);
      await page.keyboard.press('Control+S');
      await waitForFileText(path.join(buildDir, 'Dockerfile'), CONVERTED, STEP_TIMEOUT_MS);
    } finally {
      // Only after a failure is there anything to remove; never what another run made.
      for (const c of await docker.listContainers({ all: true, filters: { label: [runLabel] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      for (const i of await docker.listImages({ all: true, filters: { label: [runLabel] } })) await docker.getImage(i.Id).remove({ force: true }).catch(() => undefined);
    }
  },
};
