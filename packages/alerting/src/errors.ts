/** Alert rule or route files are invalid; `issues` are `alert-rules/x.yaml: path: message` lines. */
export class AlertRuleFileError extends Error {
  override readonly name = 'AlertRuleFileError';
  constructor(
    readonly file: string,
    readonly issues: string[],
    options?: ErrorOptions,
  ) {
    super(`invalid alert rules in ${file}:\n  ${issues.join('\n  ')}`, options);
  }
}
