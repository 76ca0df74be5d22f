/** The hover at a diagnostic (server/src/lsp/diagnostics.ts): the rule's link and the explanation, whole or its opening clause. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { explanationHover, toDiagnostic } from '../../server/src/lsp/diagnostics';
import { lint } from '../../server/src/engine/testing';
import { FACTS_DATE } from '../support/ruleTable';

const TEXT = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD /app --serve\n';
const URL = 'https://github.com/distroless-tools/distroless-vscode/blob/main/docs/rules.md#shell-form-in-shellless-stage';

test('the message is one line; the hover at it has the rule\'s link and the whole explanation; none elsewhere', () => {
  const { diagnoses } = lint(TEXT, { today: FACTS_DATE });
  const [shellForm] = diagnoses.filter((d) => d.ruleId === 'shell-form-in-shellless-stage');
  assert.ok(shellForm);
  assert.equal(toDiagnostic(shellForm).message, 'CMD in shell form needs /bin/sh, which this image lacks: use exec form');
  const value = (explanationHover(diagnoses, { line: 2, character: 6 })?.contents as { value: string }).value;
  assert.equal(value, `[shell-form-in-shellless-stage](${URL}): CMD /app --serve is in shell form, which Docker runs as /bin/sh -c "…"; this image has no shell, so the container fails to start with "/bin/sh: no such file or directory". Use exec form: CMD ["/app", "--serve"].`);
  assert.equal((explanationHover(diagnoses, { line: 2, character: 6 }, true)?.contents as { value: string }).value, `[shell-form-in-shellless-stage](${URL}): CMD /app --serve is in shell form, which Docker runs as /bin/sh -c "…" …`);
  assert.equal(explanationHover(diagnoses, { line: 1, character: 2 }), undefined);
});
