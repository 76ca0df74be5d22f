/**
 * What a newcomer meets first (issue 16): one-line headlines for every rule, the
 * ignore and documentation actions on every diagnostic, the Containers view's welcome
 * content when no engine answers, and the Get Started walkthrough.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  applyAction, closeAllEditors, diagnosticOf, EVENT_TIMEOUT_MS, EXTENSION_ID, extensionApi, fixtureCopy, fixtureText,
  openDockerfile, quickFixesAt, ruleOf, waitForDiagnostics, waitForRule, workspaceRoot,
} from './helpers';
import { evaluateWhen } from '../../support/whenClause';

const HEADLINE_MAX = 100;

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is installed`);
  return found;
}

/** Every `<!-- expect: ... -->` example of the rules documentation the extension ships. */
function documentedExamples(): Array<{ section: string; expect: string[]; dockerfile: string }> {
  const doc = fs.readFileSync(path.join(extension().extensionPath, 'docs', 'rules.md'), 'utf8').split('\n');
  const out: Array<{ section: string; expect: string[]; dockerfile: string }> = [];
  let section = '';
  for (let i = 0; i < doc.length; i++) {
    const heading = /^## (.+)$/.exec(doc[i]!);
    if (heading) section = heading[1]!.trim();
    if (doc[i]!.trim() !== '```dockerfile') continue;
    const marker = /^<!-- expect: (.*) -->$/.exec(doc[i - 1]?.trim() ?? '');
    const end = doc.indexOf('```', i + 1);
    if (marker && marker[1]!.trim() !== 'none') {
      out.push({ section, expect: marker[1]!.split(',').map((s) => s.trim()), dockerfile: `${doc.slice(i + 1, end).join('\n')}\n` });
    }
    i = end;
  }
  return out;
}


describe('a newcomer\'s first minutes', () => {
  afterEach(closeAllEditors);

  it('every rule\'s diagnostic is a one-line headline of at most 100 characters, the why in the hover at it', async function () {
    this.timeout(240_000);
    const examples = documentedExamples();
    const seen = new Set<string>();
    let n = 0;
    for (const example of examples) {
      const file = path.join(workspaceRoot(), '.scratch', `headlines-${process.pid}`, String(++n), 'Dockerfile');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, example.dockerfile);
      const uri = vscode.Uri.file(file);
      await openDockerfile(uri);
      const diagnostics = await waitForDiagnostics(uri, (ours) => example.expect.every((id) => ours.some((d) => ruleOf(d) === id)));
      for (const d of diagnostics) {
        const id = ruleOf(d) ?? '?';
        seen.add(id);
        assert.ok(!d.message.includes('\n'), `${id}: the message is one line: ${d.message}`);
        assert.ok(d.message.length <= HEADLINE_MAX, `${id} (docs section ${example.section}): ${d.message.length} characters: ${d.message}`);
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, d.range.start);
        const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
        assert.ok(hoverText.includes(`[${id}](`), `${id}: the hover at the diagnostic explains it: ${hoverText}`);
      }
      await closeAllEditors();
    }
    const rules = (extension().packageJSON as { contributes: { configuration: { properties: Record<string, { properties: Record<string, unknown> }> } } })
      .contributes.configuration.properties['distroless.rules']!.properties;
    assert.deepEqual([...seen].filter((id) => id in rules).sort(), Object.keys(rules).sort(), 'every rule was seen in VS Code');
  });

  it('every diagnostic offers ignore for this instruction, ignore in this file and its documentation', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    const editor = await openDockerfile(uri);
    const rule = 'shell-form-in-shellless-stage';
    const diagnostic = diagnosticOf(await waitForRule(uri, rule), rule);
    const actions = await quickFixesAt(uri, diagnostic.range);
    const titles = actions.map((a) => a.title);
    for (const title of [`Ignore ${rule} for this instruction`, `Ignore ${rule} in this file`, `Show documentation for ${rule}`]) {
      assert.ok(titles.includes(title), `"${title}" offered; got ${titles.join(' | ')}`);
    }
    const docs = actions.find((a) => a.title === `Show documentation for ${rule}`)!;
    assert.equal(docs.command?.command, 'distroless.showRuleDocumentation');
    assert.deepEqual(docs.command?.arguments, [rule]);

    await applyAction(actions.find((a) => a.title === `Ignore ${rule} for this instruction`)!);
    assert.equal(editor.document.getText(), fixtureText('scratch-shell-form/Dockerfile').replace('CMD /app --serve', `# distroless-ignore ${rule}\nCMD /app --serve`));
    await waitForRule(uri, rule, false);
  });

  it('Show documentation opens the rules page shipped in the extension in Markdown preview', async () => {
    await vscode.commands.executeCommand('distroless.showRuleDocumentation', 'runs-as-root');
    const deadline = Date.now() + EVENT_TIMEOUT_MS;
    let tab: vscode.Tab | undefined;
    while (Date.now() < deadline) {
      tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType));
      if (tab) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(tab, 'a Markdown preview tab opened');
    assert.match(tab.label, /rules\.md/);
  });

  it('an unreachable engine shows the welcome content (no view message) naming the setting as the address source', async function () {
    this.timeout(60_000);
    const config = vscode.workspace.getConfiguration('distroless');
    const before = config.inspect<string>('docker.host')?.globalValue;
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    await config.update('docker.host', 'tcp://127.0.0.1:9', vscode.ConfigurationTarget.Global);
    try {
      const api = await extensionApi();
      await vscode.commands.executeCommand('distroless.retryEngine');
      const deadline = Date.now() + EVENT_TIMEOUT_MS;
      let state = api.containersWelcome();
      while (Date.now() < deadline && state.engineState !== 'unreachable') {
        await api.containersView.getChildren();
        await new Promise((r) => setTimeout(r, 200));
        state = api.containersWelcome();
      }
      assert.equal(state.engineState, 'unreachable');
      assert.equal(state.engineSource, 'setting');
      assert.deepEqual(await api.containersView.getChildren(), []);
      assert.equal(api.containersWelcome().viewMessage, undefined, 'a view message would hide the welcome content');
      const welcome = (extension().packageJSON as { contributes: { viewsWelcome: Array<{ view: string; contents: string; when: string }> } }).contributes.viewsWelcome
        .filter((w) => w.view === 'distroless.containers' && evaluateWhen(w.when, { 'distroless.engineState': state.engineState, 'distroless.engineSource': state.engineSource }));
      assert.equal(welcome.length, 1);
      assert.match(welcome[0]!.contents, /address in the \[engine host setting\]/);
      assert.match(welcome[0]!.contents, /\[Retry\]\(command:distroless\.retryEngine\)/);
    } finally {
      await config.update('docker.host', before, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('distroless.retryEngine');
    }
  });

  it('the Get Started walkthrough is contributed and opens', async () => {
    const walkthroughs = (extension().packageJSON as { contributes: { walkthroughs: Array<{ id: string; steps: unknown[] }> } }).contributes.walkthroughs;
    assert.deepEqual(walkthroughs.map((w) => w.id), ['distroless.getStarted']);
    assert.equal(walkthroughs[0]!.steps.length, 5);
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#distroless.getStarted`, false);
    const deadline = Date.now() + EVENT_TIMEOUT_MS;
    let labels: string[] = [];
    while (Date.now() < deadline) {
      labels = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
      if (labels.some((l) => /Welcome|Get Started|Walkthrough/i.test(l))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(labels.some((l) => /Welcome|Get Started|Walkthrough/i.test(l)), `the walkthrough editor opened; tabs: ${labels.join(', ')}`);
  });
});
