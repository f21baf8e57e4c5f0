/**
 * Where a transform run's state lives between Task states: outside the Step Functions payload, which keeps
 * only a pointer and what the Choice and Wait states read. One gzip JSON object per execution, keyed by the
 * execution name (a redrive keeps the name, so it finds the state again; a new execution starts fresh).
 *
 * AWS: an S3 bucket (serverless.yml: encrypted, public access blocked, objects expire after 21 days — longer
 * than the 14 days a redrive is allowed). Locally: the same S3 client against the local S3 endpoint.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunState } from '../engine';
import { isObjectMissing } from '../aws/s3-errors';
import type { ReproduceSql } from './reproduce-sql';
import type { QuarantineAlerted } from './quarantine-alert';

/** What the state machine passes around instead of the state itself. */
export interface RunStatePointer {
  bucket: string;
  key: string;
}

/** The stored document: the engine's run state and what the runtime needs beside it. */
export interface StoredRun<Trigger = unknown> {
  version: 1;
  execution: { arn: string; name: string };
  trigger: Trigger;
  /** The `$$.Execution.RedriveCount` this state was (re)planned for: a larger count means a redrive to resume. */
  redriveCount: number;
  /** The engine state, without the fields that change on every step and travel in the payload instead. */
  run: Omit<RunState, 'iterations' | 'waitSeconds'>;
  /** Planned (PlanRun) or replanned (a redriven EndFailedRun), not yet prepared: the first AdvanceRun takes the catalog snapshot. */
  unprepared?: true;
  /** The failed nodes' SQL for the alert, rendered by AdvanceRun when they failed (reproduce-sql.ts). */
  reproduceSql?: ReproduceSql;
  /** Load nodes whose quarantine PublishAlert / UpdateIncidents emailed, by node: the `finishedAt` emailed for (quarantine-alert.ts). */
  quarantineAlerted?: QuarantineAlerted;
}

export interface RunStateStore {
  pointerFor(executionName: string): RunStatePointer;
  read<T>(pointer: RunStatePointer): Promise<StoredRun<T>>;
  /** Writes the document; returns its gzip size in bytes. */
  write(pointer: RunStatePointer, stored: StoredRun<unknown>): Promise<number>;
}

export class RunStateNotFoundError extends Error {
  constructor(pointer: RunStatePointer, options?: { cause?: unknown }) {
    super(`no run state at s3://${pointer.bucket}/${pointer.key}: it expired (older than the bucket's lifecycle rule) or was never written`, options);
    this.name = 'RunStateNotFoundError';
  }
}

/** The object key of an execution's state: one folder per execution, so a lifecycle rule or a person can find it. */
export function runStateKey(prefix: string, executionName: string): string {
  if (!/^[^/]{1,80}$/.test(executionName)) throw new Error(`execution name '${executionName}' cannot name a run state object`);
  return `${prefix.replace(/\/?$/, '/')}${executionName}/run-state.json.gz`;
}

export function encodeStoredRun(stored: StoredRun<unknown>): Buffer {
  return gzipSync(JSON.stringify(stored), { level: 6 });
}

export function decodeStoredRun<T>(bytes: Uint8Array, where: string): StoredRun<T> {
  let parsed: StoredRun<T>;
  try {
    parsed = JSON.parse(gunzipSync(bytes).toString('utf8')) as StoredRun<T>;
  } catch (error) {
    throw new Error(`${where} is not a gzip JSON run state: ${(error as Error).message}`, { cause: error });
  }
  if (parsed?.version !== 1 || !parsed.run || !Array.isArray(parsed.run.nodes)) throw new Error(`${where} is not a version 1 run state`);
  return parsed;
}

/**
 * @example
 * const store = new S3RunStateStore(new S3Client({}), 'landfall-prod-run-state', 'runs/');
 * const pointer = store.pointerFor('arrivals-2026-12-05T03-00'); // s3://landfall-prod-run-state/runs/arrivals-…/run-state.json.gz
 */
export class S3RunStateStore implements RunStateStore {
  /** `bucket` may be a function, read at first use: functions that never touch run states need no bucket configured. */
  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string | (() => string),
    readonly prefix = 'runs/',
  ) {}

  get bucket(): string {
    return typeof this.bucketName === 'function' ? this.bucketName() : this.bucketName;
  }

  pointerFor(executionName: string): RunStatePointer {
    return { bucket: this.bucket, key: runStateKey(this.prefix, executionName) };
  }

  async read<T>(pointer: RunStatePointer): Promise<StoredRun<T>> {
    let bytes: Uint8Array;
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: pointer.bucket, Key: pointer.key }));
      bytes = await object.Body!.transformToByteArray();
    } catch (error) {
      if (isObjectMissing(error)) throw new RunStateNotFoundError(pointer, { cause: error });
      throw error;
    }
    return decodeStoredRun<T>(bytes, `s3://${pointer.bucket}/${pointer.key}`);
  }

  async write(pointer: RunStatePointer, stored: StoredRun<unknown>): Promise<number> {
    const body = encodeStoredRun(stored);
    await this.client.send(new PutObjectCommand({ Bucket: pointer.bucket, Key: pointer.key, Body: body, ContentType: 'application/gzip' }));
    return body.length;
  }
}
