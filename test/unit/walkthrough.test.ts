/** The Get Started walkthrough in package.json: 3 to 5 steps, each one action and a theme-aware image that exists. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));

test('one walkthrough with 3 to 5 steps: lint, fix, convert, debug shell, fix on save', () => {
  const walkthroughs = pkg.contributes.walkthroughs as Array<{ id: string; steps: Array<{ id: string }> }>;
  assert.equal(walkthroughs.length, 1);
  const steps = walkthroughs[0].steps;
  assert.ok(steps.length >= 3 && steps.length <= 5);
  assert.deepEqual(steps.map((s) => s.id), ['lint', 'fix', 'convert', 'debug', 'fixOnSave']);
});

test('each step has exactly one action, a declared command or the view it opens, and completes on it', () => {
  const declared = new Set((pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command));
  const views = new Set(Object.values(pkg.contributes.views as Record<string, Array<{ id: string }>>).flat().map((v) => `${v.id}.focus`));
  for (const step of pkg.contributes.walkthroughs[0].steps as Array<{ id: string; description: string; completionEvents: string[] }>) {
    const links = [...step.description.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
    assert.equal(links.length, 1, `${step.id}: one action`);
    assert.ok(declared.has(links[0]) || views.has(links[0]), `${step.id}: ${links[0]} exists`);
    assert.ok(step.completionEvents.length > 0, `${step.id} completes`);
  }
});

test('fix and convert are ticked by their effect (a context key the extension sets), not by a click on their link', () => {
  const steps = pkg.contributes.walkthroughs[0].steps as Array<{ id: string; completionEvents: string[] }>;
  const events = Object.fromEntries(steps.map((s) => [s.id, s.completionEvents]));
  assert.deepEqual(events.fix, ['onContext:distroless.walkthrough.fixApplied']);
  assert.deepEqual(events.convert, ['onContext:distroless.walkthrough.conversionShown']);
  const source = fs.readFileSync(path.join(repoRoot(), 'client', 'src', 'walkthrough.ts'), 'utf8');
  for (const key of ['distroless.walkthrough.fixApplied', 'distroless.walkthrough.conversionShown']) assert.ok(source.includes(`'${key}'`), `walkthrough.ts sets ${key}`);
});

test('every step image has light, dark and high-contrast variants that exist and are SVG', () => {
  for (const step of pkg.contributes.walkthroughs[0].steps as Array<{ id: string; media: { image: Record<string, string>; altText: string } }>) {
    assert.deepEqual(Object.keys(step.media.image).sort(), ['dark', 'hc', 'hcLight', 'light'], step.id);
    assert.notEqual(step.media.image.light, step.media.image.dark, `${step.id}: the themes differ`);
    for (const file of Object.values(step.media.image)) {
      const text = fs.readFileSync(path.join(repoRoot(), file), 'utf8');
      assert.match(text, /^<svg [^>]*viewBox=/, file);
    }
    assert.ok(step.media.altText.length > 20, `${step.id} has alt text`);
  }
});
