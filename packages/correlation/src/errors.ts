/** Flow files are invalid; `issues` are `flows/x.yaml: path: message` lines. */
export class FlowFileError extends Error {
  override readonly name = 'FlowFileError';
  constructor(
    readonly file: string,
    readonly issues: string[],
    options?: ErrorOptions,
  ) {
    super(`invalid flow definitions in ${file}:\n  ${issues.join('\n  ')}`, options);
  }
}

/** A pagination cursor that this server did not issue, or issued for other filters. */
export class CursorError extends Error {
  override readonly name = 'CursorError';
  constructor(options?: ErrorOptions) {
    super('the cursor is not valid for this query; start again without it', options);
  }
}

/** A flow id that no loaded flow file defines. */
export class UnknownFlowError extends Error {
  override readonly name = 'UnknownFlowError';
  constructor(readonly flow: string) {
    super(`no flow "${flow}" is defined in the flows directory`);
  }
}
