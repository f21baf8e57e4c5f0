/** Base error of the ingest module (routes from source meta, S3 batch loads). */
export class IngestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestError';
  }
}

/** A source's `meta.landfall.s3` is incomplete or invalid. Deterministic: fix the dbt project. */
export class InvalidS3RouteError extends IngestError {
  constructor(
    readonly sourceId: string,
    readonly problems: readonly string[],
  ) {
    super(`${sourceId}: meta.landfall.s3 is invalid: ${problems.join('; ')}`);
    this.name = 'InvalidS3RouteError';
  }
}

/** A value that would go into SQL text as a literal (an S3 URL, an IAM role ARN) has characters it must not. */
export class UnsafeLiteralError extends IngestError {
  constructor(readonly value: string) {
    super(`refusing to put ${JSON.stringify(value)} in SQL text: only letters, digits and . _ - / : = @ are allowed`);
    this.name = 'UnsafeLiteralError';
  }
}
