/**
 * PublishAlert: turn a finished run with failures into an email a person can act on — which model or
 * test failed, the database's error or the failing rows (a few samples), the SQL to reproduce it, what
 * was skipped, and a link to the execution — and publish it to the alerts topic.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { composeRunFailureAlert, type AlertEmail } from '../alerts';
import type { FailedNode, RunFailureReport, SkippedNode, TestFailure } from '../alerts/run-failure-report';
import { renderTests } from '../engine';
import { planFor } from '../engine/run/advance-run';
import { runQuery } from '../warehouse/run-query';
import type { RunDependencies, TransformRunPayload } from './transform-run';

const SAMPLE_ROWS = 5;

export async function buildFailureReport(payload: TransformRunPayload, deps: RunDependencies, region: string): Promise<RunFailureReport> {
  const { run } = payload;
  const { manifest } = deps;
  const failures: FailedNode[] = [];
  const skipped: SkippedNode[] = [];
  let passedModels = 0;
  let passedTests = 0;
  for (const node of run.nodes) {
    if (node.kind !== 'tests') {
      const source = manifest.models[node.id] ?? manifest.seeds[node.id];
      if (node.status === 'success') passedModels++;
      if (node.status === 'skipped') skipped.push({ kind: 'model', nodeId: node.id, name: node.name });
      if (node.status === 'error') {
        let compiledSql: string;
        try {
          compiledSql = planFor(node, run, deps).steps.map((s) => s.sqls.join(';\n')).join(';\n\n');
        } catch {
          compiledSql = source && 'rawSql' in source ? source.rawSql : '';
        }
        failures.push({ kind: 'model', nodeId: node.id, name: node.name, error: node.error ?? 'failed', compiledSql, file: source?.origin.file ?? node.id });
      }
      continue;
    }
    const rendered = new Map(safeRenderTests(node, payload, deps).map((t) => [t.id, t.sql]));
    for (const t of node.tests ?? []) {
      const test = manifest.tests[t.id]!;
      if (t.status === 'pass' || t.status === 'warn') passedTests++;
      if (t.status === 'skipped') skipped.push({ kind: 'test', nodeId: t.id, name: t.name });
      if (t.status === 'error') {
        failures.push({
          kind: 'test', nodeId: t.id, name: t.name, failures: 0, sampleRows: { columns: [], rows: [] }, model: node.name,
          error: node.error ?? 'the test failed to run', compiledSql: rendered.get(t.id) ?? test.rawSql, file: test.origin.file,
        });
      }
      if (t.status === 'fail') {
        const sql = rendered.get(t.id) ?? test.rawSql;
        failures.push({
          kind: 'test', nodeId: t.id, name: t.name, failures: t.failures, compiledSql: sql,
          file: test.origin.file, model: node.name,
          sampleRows: await sampleRows(deps, sql),
        });
      }
    }
  }
  return {
    runId: run.runId,
    executionArn: payload.execution.arn,
    region,
    trigger: {
      loader: payload.trigger.loader,
      connector: payload.trigger.connector,
      arrivedAt: payload.trigger.arrivedAt,
      description: payload.trigger.description,
    },
    failures,
    skipped,
    passed: { models: passedModels, tests: passedTests },
    project: manifest.projectName,
    replayHint: `npx landfall replay ${payload.execution.name}`,
  };
}

function safeRenderTests(node: TransformRunPayload['run']['nodes'][number], payload: TransformRunPayload, deps: RunDependencies) {
  try {
    return renderTests(node, payload.run, deps.manifest);
  } catch {
    return [];
  }
}

async function sampleRows(deps: RunDependencies, sql: string): Promise<TestFailure['sampleRows']> {
  try {
    const result = await runQuery(deps.warehouse, `select * from (\n${sql}\n) as failing_rows limit ${SAMPLE_ROWS}`);
    return { columns: result.columns.map((c) => c.name), rows: result.rows };
  } catch (error) {
    return { columns: ['could not fetch sample rows'], rows: [[(error as Error).message]] };
  }
}

/** Compose and publish. Returns what was sent, for the execution's output. */
export async function publishRunAlert(
  payload: TransformRunPayload,
  deps: RunDependencies & { sns: SNSClient; topicArn: string; region: string },
): Promise<AlertEmail & { messageId?: string }> {
  const email = composeRunFailureAlert(await buildFailureReport(payload, deps, deps.region));
  const result = await deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, Subject: email.subject, Message: email.body }));
  return { ...email, messageId: result.MessageId };
}
