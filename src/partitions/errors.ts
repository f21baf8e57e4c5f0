/** Base error of monthly partition maintenance (rotation, backfill). */
export class PartitionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PartitionError';
  }
}

/** The model named for a rotation or backfill is not a monthly-partitioned model of the project. */
export class NotPartitionedModelError extends PartitionError {
  constructor(readonly model: string, known: string[]) {
    super(`'${model}' is not a monthly-partitioned model (partitioned models: ${known.join(', ') || 'none'})`);
    this.name = 'NotPartitionedModelError';
  }
}
