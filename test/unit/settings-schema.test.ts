/**
 * The `distroless.rules` setting's JSON schema in package.json is generated from the
 * rule registry: one property per rule id, with its summary and default, so VS Code
 * completes the ids, shows what each catches, and flags an id that does not exist.
 * `UPDATE_SCHEMA=1` rewrites package.json from the registry (npm run schema:update).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/engine/testing';
import { ruleDocUrl } from '../../server/src/engine/testing';
import { repoRoot } from '../support/paths';

const SEVERITIES = ['off', 'hint', 'information', 'warning', 'error'];

function expectedSchema(): Record<string, unknown> {
  const rules = RULES.map((r) => ({ id: r.id, summary: r.summary, severity: r.defaultSeverity as string }));
  return {
    type: 'object',
    scope: 'resource',
    default: {},
    properties: Object.fromEntries(rules.map((r) => [r.id, {
      type: 'string',
      enum: SEVERITIES,
      markdownDescription: `${r.summary} Default: \`${r.severity}\`. [Documentation](${ruleDocUrl(r.id)})`,
    }])),
    additionalProperties: false,
    markdownDescription: 'Severity per rule id (`off` turns a rule off), e.g. `{ "runs-as-root": "error", "go-binary-not-stripped": "off" }`. Overrides the project\'s `.distroless` configuration file. Rule ids complete here; each is described in [docs/rules.md](https://github.com/distroless-tools/distroless-vscode/blob/main/docs/rules.md).',
  };
}

test('package.json describes distroless.rules with every rule id from the registry', () => {
  const file = path.join(repoRoot(), 'package.json');
  const text = fs.readFileSync(file, 'utf8');
  const json = JSON.parse(text);
  const properties = json.contributes.configuration.properties;
  if (process.env.UPDATE_SCHEMA === '1') {
    properties['distroless.rules'] = expectedSchema();
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  }
  assert.deepEqual(properties['distroless.rules'], expectedSchema(), 'package.json is behind the rule registry: run npm run schema:update');
});
