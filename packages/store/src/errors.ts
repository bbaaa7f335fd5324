/** The embedded data directory is owned by another process (chDB locks it). */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
    options?: ErrorOptions,
  ) {
    super(
      `the data directory ${dataDir} is in use by another Linewatch process (pid ${ownerPid}); in embedded mode exactly one process owns the data (stop the other process, or use a ClickHouse server: docs/deployment.md)`,
      options,
    );
  }
}

/** The store could not be reached or a statement failed; `retryable` says whether trying again may help. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A migration failed; the message names it. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly version: number,
    readonly migration: string,
    options?: ErrorOptions,
  ) {
    super(
      `migration ${version} (${migration}) failed: ${(options?.cause as Error | undefined)?.message ?? 'unknown'}`,
      options,
    );
  }
}
