/**
 * The rotation state machine (state-machines/rotate-partitions.asl.json) as three core functions, one
 * per Task state; handlers in `functions/` only parse, call these, and return.
 *
 *   PlanRotation         → planRotationRun: the month and the models to rotate
 *   RotateModel          → rotateModelTask: one model (failures are reported, not thrown)
 *   PublishRotationAlert → publishRotationAlert: email which models did not rotate
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import type { Dialect } from '../engine/dialects';
import type { Manifest } from '../engine/manifest';
import { type Month, monthOf } from '../engine/materializations/partitioned/months';
import type { RunLocks } from '../runtime/run-locks';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { PartitionError } from './errors';
import { partitionedModels, rotateModelPartitions, type RotationResult } from './rotation';

export interface RotationDependencies {
  manifest: Manifest;
  dialect: Dialect;
  warehouse: Warehouse;
}

export const RotationInputSchema = z.strictObject({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM').optional(),
  models: z.array(z.string().min(1)).default([]),
});

/** The input of the PlanRotation state, as its Parameters build it. */
export interface PlanRotationInput {
  input: unknown;
  execution: { arn: string; name: string; startTime?: string };
}

export interface RotationPayload {
  execution: { arn: string; name: string };
  month: Month;
  /** One item per model for the Map state; `runId` (the execution name) scopes the model's staging names. */
  models: { month: Month; model: string; runId: string }[];
}

export class InvalidRotationInputError extends PartitionError {
  constructor(issues: string[]) {
    super(`The rotation input must look like {"month": "2026-12", "models": ["fct_transfers"]} (both optional): ${issues.join('; ')}`);
    this.name = 'InvalidRotationInputError';
  }
}

/**
 * @example
 * planRotationRun({ input: {}, execution: { arn, name, startTime: '2026-12-01T03:00:00Z' } }, deps) // { month: '2026-12', models: [...] }
 */
export function planRotationRun(request: PlanRotationInput, deps: Pick<RotationDependencies, 'manifest'>): RotationPayload {
  const parsed = RotationInputSchema.safeParse(request.input ?? {});
  if (!parsed.success) throw new InvalidRotationInputError(parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`));
  const month = parsed.data.month ?? monthOf(request.execution.startTime ? new Date(request.execution.startTime) : new Date());
  const models = partitionedModels(deps.manifest, parsed.data.models).map((m) => ({ month, model: m.name, runId: request.execution.name }));
  return { execution: { arn: request.execution.arn, name: request.execution.name }, month, models };
}

/**
 * PlanRotation with the run locks: the rotation takes the locks of the models it rotates, as a transform run
 * does (run-locks.ts), so it never swaps a month table while a run builds that model. Throws RunLockedError
 * (the state machine retries it) while a live execution builds one of them. The locks are released when a
 * later run finds this execution closed (DescribeExecution), or by the run-finished rule.
 *
 * @example
 * await planLockedRotation({ input: {}, execution }, { manifest, locks }) // { month, models }
 */
export async function planLockedRotation(request: PlanRotationInput, deps: Pick<RotationDependencies, 'manifest'> & { locks?: RunLocks }): Promise<RotationPayload> {
  const payload = planRotationRun(request, deps);
  const keys = partitionedModels(deps.manifest, payload.models.map((m) => m.model)).map((m) => m.uniqueId);
  await deps.locks?.acquire(keys, request.execution);
  return payload;
}

/** RotateModel: one model; the result says whether it failed, for the SummarizeRotation state. */
export async function rotateModelTask(item: { month: Month; model: string; runId?: string }, deps: RotationDependencies): Promise<RotationResult & { failed: boolean }> {
  const [node] = partitionedModels(deps.manifest, [item.model]);
  const result = await rotateModelPartitions(node!, item.month, { ...deps, runId: item.runId });
  return { ...result, failed: result.status === 'failed' };
}

/** The alert email of a rotation with failures. */
export function composeRotationAlert(summary: { month: Month; results: RotationResult[]; execution?: { arn: string } }): { subject: string; body: string } {
  const failed = summary.results.filter((r) => r.status === 'failed');
  const lines = [
    `The monthly partition rotation for ${summary.month} did not finish for ${failed.length} of ${summary.results.length} models.`,
    'Their views still read every month table that exists; nothing was dropped without first being removed from the view.',
    '',
    ...failed.flatMap((r) => [`FAILED  ${r.model}`, `  ${r.error ?? 'unknown error'}`, '']),
    ...summary.results.filter((r) => r.status !== 'failed').map((r) => `ok      ${r.model} (${r.status})`),
    '',
    'Rotation is idempotent: once fixed, run `npx landfall rotate --month ' + summary.month + '` or start the state machine again with the same input.',
    ...(summary.execution ? ['', `Execution: ${summary.execution.arn}`] : []),
  ];
  return { subject: `[landfall] partition rotation ${summary.month} failed: ${failed.map((r) => r.model).join(', ')}`.slice(0, 99), body: lines.join('\n') };
}

export async function publishRotationAlert(
  summary: { month: Month; results: RotationResult[]; execution?: { arn: string } },
  deps: { sns: SNSClient; topicArn: string },
): Promise<{ subject: string; messageId?: string }> {
  const email = composeRotationAlert(summary);
  const sent = await deps.sns.send(new PublishCommand({
    TopicArn: deps.topicArn, Subject: email.subject, Message: email.body,
    // `audience` lets the alert topic's filter policies route it to the team (src/alerts/alert-subscriptions.ts).
    MessageAttributes: { audience: { DataType: 'String', StringValue: 'all' }, kind: { DataType: 'String', StringValue: 'alert' } },
  }));
  return { subject: email.subject, messageId: sent.MessageId };
}
