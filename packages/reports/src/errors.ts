/** A report request that cannot be served as asked (unknown week, plant or flow owner). */
export class ReportError extends Error {
  override readonly name = 'ReportError';
}

/** A report definition file with problems, every one as `file: path: message`. */
export class ReportDefinitionError extends Error {
  override readonly name = 'ReportDefinitionError';
  constructor(
    readonly file: string,
    readonly issues: string[],
    options?: ErrorOptions,
  ) {
    super(`invalid report definitions in ${file}:\n${issues.join('\n')}`, options);
  }
}
