/**
 * What the alert email for a failed transform run is composed from. The run's orchestration fills it
 * in from the run results; {@link composeRunFailureAlert} turns it into a subject and a body.
 */

/** A value in a sample row, as the warehouse returns it. */
export type SampleCell = string | number | boolean | null;

/** What started the run: the arrival that triggered it. */
export interface RunTrigger {
  /** `fivetran`, `dms`, `s3`, `schedule`, `manual`, ... */
  loader: string;
  /** The connector, replication task or bucket prefix that delivered the data. */
  connector?: string;
  /** ISO-8601 time the arrival event was received. */
  arrivedAt: string;
  /** Free text, e.g. `sync_end b4703f73 of ftar_pg`. */
  description?: string;
}

/** A model whose SQL the database refused. */
export interface ModelFailure {
  kind: 'model';
  /** dbt unique id, e.g. `model.landfall.fct_orders`. */
  nodeId: string;
  name: string;
  /** The database's error text, e.g. `ERROR: relation "raw.orders" does not exist`. */
  error: string;
  compiledSql: string;
  /** Path of the model's source file in the project, e.g. `models/marts/fct_orders.sql`. */
  file: string;
}

/** A data test that returned failing rows. */
export interface TestFailure {
  kind: 'test';
  nodeId: string;
  name: string;
  /** Number of failing rows. */
  failures: number;
  /** Some failing rows (only the first five are shown). Columns may be names or `{ name }` objects. */
  sampleRows: { columns: ReadonlyArray<string | { name: string }>; rows: ReadonlyArray<ReadonlyArray<SampleCell>> };
  compiledSql: string;
  file: string;
  /** The model the test checks. */
  model: string;
  /** Set when the test's SQL itself failed (e.g. a missing relation): the database's error text. */
  error?: string;
}

/** A COPY of landed S3 objects into a source table (a load node of the run) that failed. */
export interface LoadFailure {
  kind: 'load';
  /** The run's node id, e.g. `load:source.landfall.events.product_events`. */
  nodeId: string;
  /** The run node's name, e.g. `load.events.product_events`. */
  name: string;
  /** The source table loaded, as dbt names it: `events.product_events`. */
  source: string;
  /** Landed objects the load was to COPY. */
  objects: number;
  /** The table the COPY writes into, e.g. `"raw"."product_events"`. */
  copyTarget: string;
  /** The database's error text. */
  error: string;
  /** The file declaring the source, e.g. `models/staging/events/_sources.yml`. */
  file: string;
}

export type FailedNode = ModelFailure | TestFailure | LoadFailure;

/** A node that did not run because something upstream failed. */
export interface SkippedNode {
  kind: 'model' | 'test' | 'load';
  nodeId: string;
  name: string;
  /** The failed node it was skipped for (a model's name, or the model whose tests failed). */
  cause?: string;
}

/** An open or resolved incident as an email lists it (see src/incidents). */
export interface IncidentLine {
  kind: string;
  name: string;
  /** ISO-8601: when it started failing. */
  since: string;
  /** Runs or checks that saw it failing. */
  occurrences: number;
  detail?: string;
  owners: string[];
  /** ISO-8601, for a resolved one. */
  resolvedAt?: string;
}

export interface RunFailureReport {
  /** Short run identifier shown in the subject, e.g. `2026-11-27T02:10`. */
  runId: string;
  /** ARN of the Step Functions execution that ran the transform. */
  executionArn: string;
  region: string;
  trigger: RunTrigger;
  failures: FailedNode[];
  skipped: SkippedNode[];
  passed: { models: number; tests: number };
  /** Subject prefix; default `landfall`. */
  project?: string;
  /** An extra way to replay the run, shown after the AWS CLI commands (e.g. the local CLI command). */
  replayHint?: string;
  /** Incidents that resolved in this run and those still open (the failures above are the new ones). */
  incidents?: { resolved: IncidentLine[]; stillOpen: IncidentLine[] };
  /** The run's page on the docs site, when there is one. */
  runPageUrl?: string;
}

/** A failed loader sync (e.g. a Fivetran `sync_end` whose status is not SUCCESSFUL). */
export interface LoaderFailure {
  /** `fivetran`, `dms`, ... */
  loader: string;
  connectorId: string;
  /** The loader's status, e.g. `FAILURE_WITH_TASK`. */
  status: string;
  /** The loader's reason text, when it gave one. */
  reason?: string;
  /** ISO-8601 time of the failure. */
  at: string;
  project?: string;
}

/** The composed email. */
export interface AlertEmail {
  /** At most 99 characters, no line breaks or control characters: safe as an SNS Subject. */
  subject: string;
  /** Plain text, at most 262,144 UTF-8 bytes (SNS's message limit) unless a smaller budget is given. */
  body: string;
}
