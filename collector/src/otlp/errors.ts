/** One refused item of an OTLP request: the field (relative to the item) and why. */
export class OtlpItemError extends Error {
  override readonly name = 'OtlpItemError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A request that cannot be read at all (OTLP/HTTP 400, gRPC INVALID_ARGUMENT): nothing in it is kept. */
export class OtlpRequestError extends Error {
  override readonly name = 'OtlpRequestError';
}
