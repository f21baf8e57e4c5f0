/**
 * `landfall loads ls` — the load ledger's quarantine: S3 objects whose own COPY failed (bucket, key, line, column,
 * error, when). `landfall loads retry KEY` — load a quarantined object again once it (or its table) is fixed: a
 * transform run with the input the quarantine alert prints,
 *   {"command":"build","select":["source:<source>.<table>+"],"reason":"retry of …","loads":[{"bucket","key","etag"}]}
 * started on the running `landfall serve` (or an in-process stack). In AWS start the transform state machine with
 * that input (Step Functions console → Start execution); `--print-input` prints it for one key.
 */
import { StartExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { formatTextTable } from '../alerts';
import { s3RouteForObject, s3RoutesOf } from '../ingest/s3-routes';
import { runQuery } from '../engine/warehouse/run-query';
import { commonOptions, compileFrom, openCliWarehouse } from './command-context';
import { parseFlags, UsageError } from './options';
import { connectLocalStepFunctions } from './cli-local-stack';
import { TRANSFORM_STATE_MACHINE } from '../local/local-stack';
import { terminalSafe } from './terminal-text';

interface QuarantineRow { bucket: string; key: string; version: string; line: string; column: string; error: string; at: string }

const QUARANTINE_SQL = 'SELECT bucket, object_key, object_version, line_number, column_number, error_message, quarantined_at FROM landfall.load_quarantine ORDER BY quarantined_at DESC';

async function quarantine(options: ReturnType<typeof commonOptions>): Promise<QuarantineRow[]> {
  const { warehouse, close } = await openCliWarehouse(options);
  try {
    const { rows } = await runQuery(warehouse, QUARANTINE_SQL);
    return rows.map(([bucket, key, version, line, column, error, at]) => ({
      bucket: String(bucket), key: String(key), version: String(version ?? ''), line: line === null ? '' : String(line), column: column === null ? '' : String(column), error: String(error), at: String(at),
    }));
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) return [];
    throw error;
  } finally {
    await close();
  }
}

export async function loadsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { bucket: { type: 'string' }, 'print-input': { type: 'boolean' } }, true);
  const options = commonOptions(values);
  const [sub = 'ls', key] = positionals;
  const write = (line: string) => process.stdout.write(`${terminalSafe(line)}\n`);
  const rows = await quarantine(options);
  if (sub === 'ls') {
    if (options.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
    else if (rows.length === 0) write('No quarantined objects: every object delivered so far loaded (or is waiting for its run).');
    else write(formatTextTable({ columns: ['bucket', 'key', 'line', 'column', 'error', 'quarantined at'], rows: rows.map((r) => [r.bucket, r.key, r.line, r.column, r.error.slice(0, 120), r.at]) }));
    return 0;
  }
  if (sub !== 'retry') throw new UsageError(`loads takes 'ls' or 'retry KEY', got '${sub}'`);
  if (!key) throw new UsageError('loads retry takes the key of a quarantined object (see `landfall loads ls`)');
  const matches = rows.filter((r) => r.key === key && (values.bucket === undefined || r.bucket === values.bucket));
  if (matches.length === 0) throw new UsageError(`no quarantined object has the key ${JSON.stringify(key)}${values.bucket ? ` in bucket ${values.bucket}` : ''} (landfall loads ls)`);
  if (new Set(matches.map((m) => m.bucket)).size > 1) throw new UsageError(`${key} is quarantined in several buckets: say which with --bucket`);
  const object = matches[0]!;
  const route = s3RouteForObject(s3RoutesOf(compileFrom(options)), object.bucket, object.key);
  if (!route) throw new UsageError(`s3://${object.bucket}/${object.key} is under no S3 route of the project any more: nothing to load it into`);
  const input = {
    command: 'build', select: [route.selector], reason: `retry of quarantined s3://${object.bucket}/${object.key}`,
    loads: [{ bucket: object.bucket, key: object.key, ...(object.version && { etag: object.version }) }],
  };
  if (values['print-input']) {
    process.stdout.write(`${JSON.stringify(input)}\n`);
    return 0;
  }
  const local = await connectLocalStepFunctions(options, write);
  const { sfn, stack, running } = local;
  try {
    const stateMachineArn = running ? `arn:aws:states:us-east-1:000000000000:stateMachine:${TRANSFORM_STATE_MACHINE}` : stack!.transformStateMachineArn;
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `loads-retry-${Date.now()}`, input: JSON.stringify(input) }));
    write(`Retrying s3://${object.bucket}/${object.key}: execution ${started.executionArn}`);
    if (!stack) return 0;
    const finished = await stack.stepFunctions.waitForExecution(started.executionArn!);
    const still = (await quarantine(options)).some((r) => r.key === object.key && r.bucket === object.bucket);
    write(`Execution ${finished.name}: ${finished.status}; the object is ${still ? 'still quarantined (landfall loads ls shows why)' : 'loaded and out of the quarantine'}.`);
    return finished.status === 'SUCCEEDED' && !still ? 0 : 1;
  } finally {
    await local.close();
  }
}
