/**
 * A person whose kubectl points at a cluster runs "Distroless: Debug Pod…", picks the
 * shell-less pod in the quick pick, and gets a terminal attached to an ephemeral container
 * that runs as the target's uid in a namespace enforcing restricted Pod Security; a
 * notification says how (identity, where the target's files are, the profile). They run a
 * command, end the shell with `exit 3`, and the editor says the debug container exited with 3
 * (kubectl attach itself ends with 0).
 *
 * The cluster is test/support/kubeApiServer.ts (a 1.32 API server with Pod Security
 * admission and a stand-in kubelet that runs the ephemeral container as a process here),
 * driven by the real kubectl on PATH (the Google Cloud SDK dispatcher picks kubectl.1.32
 * for it), as test/unit/kubernetes-kubectl.test.ts does for the CLI.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KubeApiServer, PodObject, startKubeApiServer } from '../../support/kubeApiServer';
import { REPO_ROOT } from '../support';
import { Journey, JourneySkipped, runFromPalette, STEP_TIMEOUT_MS } from './workbench';

const POD = 'api-6c9f8d7b5-x2kqp';
const NAMESPACE = 'payments';
/** kubectl debug waits for the container to leave ContainerCreating; the attach then starts the shell. */
const ATTACH_TIMEOUT_MS = 60_000;

function kubectlOnPath(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
    return true;
  } catch {
    return false;
  }
}

export const debugPodJourney: Journey = {
  name: 'debug-pod',
  async run({ page, kubeconfig, screenshot }) {
    if (!kubectlOnPath()) {
      if (process.env.CI === 'true') throw new Error('CI=true but kubectl is not on PATH');
      throw new JourneySkipped('needs kubectl on PATH');
    }
    const pod = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'kubernetes', 'restricted.json'), 'utf8')) as PodObject;
    let server: KubeApiServer | undefined;
    try {
      server = await startKubeApiServer({
        serverVersion: '1.32.4',
        namespaces: { [NAMESPACE]: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
        pods: [pod],
      });
      // kubectl's current context, in the pod's namespace: what `kubectl config set-context --current --namespace` leaves.
      fs.writeFileSync(kubeconfig, fs.readFileSync(server.kubeconfig, 'utf8').replace('namespace: default', `namespace: ${NAMESPACE}`), { mode: 0o600 });

      await runFromPalette(page, 'Debug Pod');
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: POD });
      await row.filter({ hasText: `${NAMESPACE} · api` }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      assert.equal(await page.locator('.quick-input-list .monaco-list-row').count(), 1, 'one running pod, one row');
      await screenshot('pick-pod');
      await page.keyboard.press('Enter');

      const terminal = page.locator('.terminal-wrapper.active');
      await terminal.waitFor({ state: 'visible', timeout: ATTACH_TIMEOUT_MS });
      const tab = page.locator('.terminal-tabs-entry, .single-terminal-tab, .terminal-tab').filter({ hasText: `kubectl debug ${POD} (65532)` });
      await tab.first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      const notice = page.locator('.notification-toast').filter({ hasText: 'Profile: restricted.' });
      await notice.waitFor({ state: 'visible', timeout: ATTACH_TIMEOUT_MS });
      const said = (await notice.locator('.notification-list-item-message').innerText()).trim();
      // The dispatcher's line only where kubectl on PATH is the Google Cloud SDK's (for this server it runs kubectl.1.32).
      const dispatcher = /^kubectl on PATH is the Google Cloud SDK's dispatcher; for this cluster it runs kubectl v1\.32\.\d+(?:-dispatcher)?\. /;
      assert.equal(
        said.replace(dispatcher, ''),
        "Namespace payments enforces the restricted Pod Security Standard: profile restricted. Debug container runs as 65532:65532 (uid from the pod's securityContext, gid from the pod's securityContext). The target's files are under /proc/1/root. Profile: restricted.",
      );

      const rows = terminal.locator('.xterm-rows');
      await rows.filter({ hasText: /If you don't see a command prompt/ }).waitFor({ state: 'visible', timeout: ATTACH_TIMEOUT_MS });
      // Its top left corner: the notification may cover the middle of the panel.
      await terminal.click({ position: { x: 20, y: 20 } });
      await page.keyboard.type('echo inside-$((40+2))');
      await page.keyboard.press('Enter');
      // The shell's output, not the typed line: only the shell turns $((40+2)) into 42.
      await rows.filter({ hasText: /inside-42/ }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await screenshot('terminal');

      // What kubectl sent and what admission decided: the target's identity, admitted by restricted.
      assert.equal(server.patches.length, 1);
      const patch = server.patches[0]!;
      assert.equal(patch.decision, 'admitted');
      const container = (patch.body as { spec: { ephemeralContainers: Array<Record<string, unknown>> } }).spec.ephemeralContainers[0]!;
      assert.deepEqual(container.securityContext, {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        runAsGroup: 65532,
        runAsNonRoot: true,
        runAsUser: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      assert.equal(container.targetContainerName, 'api');

      await page.keyboard.type('exit 3');
      await page.keyboard.press('Enter');
      const exited = page.locator('.notification-toast').filter({ hasText: `Debug container ${String(container.name)} exited with code 3.` });
      await exited.waitFor({ state: 'visible', timeout: ATTACH_TIMEOUT_MS });
      await screenshot('exit-code');
    } finally {
      await server?.close();
    }
  },
};
