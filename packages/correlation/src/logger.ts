/** The logging the correlation package needs; a pino Logger satisfies it. */
export interface CorrelationLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}
