/** Where a rule's documentation lives; diagnostics and SARIF link there. */
export const PROJECT_URL = 'https://github.com/distroless-tools/distroless-vscode';

export function ruleDocUrl(ruleId: string): string {
  return `${PROJECT_URL}/blob/main/docs/rules.md#${ruleId}`;
}
