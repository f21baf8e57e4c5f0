/**
 * Where a run's wall time goes between the SQL, read back from the local Data API after the run (ListStatements:
 * each statement's name and CreatedAt = submitted; DescribeStatement: the last UpdatedAt of a batch's sub-statements = ended). For the generated project (model i reads model
 * ⌊i/2⌋, bench/support/simple-models-project.ts):
 * - `firstSubmitMs`: execution start → the first model's submit (PlanRun, LockRun, the catalog snapshot, schemas);
 * - `dispatch`: for models 1–15 (levels 2–4 of the DAG, never short of one of 16 slots), the parent's end → the
 *   model's submit: the scheduler's per-level latency;
 * - `tailMs`: the last statement's end → the execution's end.
 */
import { DescribeStatementCommand, ListStatementsCommand, RedshiftDataClient, type StatementData } from '@aws-sdk/client-redshift-data';

export interface RunTimeline {
  firstSubmitMs: number;
  tailMs: number;
  dispatch: { count: number; medianMs: number; p90Ms: number; maxMs: number };
  /** Σ of dispatch latency along the deepest chain (model 0 → 1 → 3 → 7 …): what the critical path lost to it. */
  criticalPathDispatchMs: number;
}

export async function readRunTimeline(runId: string, startedAtMs: number, endedAtMs: number): Promise<RunTimeline> {
  const client = new RedshiftDataClient({});
  const statements: StatementData[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListStatementsCommand({ MaxResults: 100, NextToken: token, StatementName: `landfall/${runId}/`, Status: 'ALL' }));
    statements.push(...(page.Statements ?? []));
    token = page.NextToken;
  } while (token);
  // A batch's own UpdatedAt is not moved by its sub-statements' ends: each statement is described.
  const endOf = new Map<string, number>();
  for (let i = 0; i < statements.length; i += 16) {
    await Promise.all(statements.slice(i, i + 16).map(async (s) => {
      const d = await client.send(new DescribeStatementCommand({ Id: s.Id }));
      endOf.set(s.Id!, Math.max(d.UpdatedAt!.getTime(), ...(d.SubStatements ?? []).map((sub) => sub.UpdatedAt!.getTime())));
    }));
  }
  client.destroy();
  // `landfall/<run>/<model>/model/<step>…`: a model's first statement is its submit, its last one its end.
  const submitted = new Map<number, number>();
  const ended = new Map<number, number>();
  let lastEnd = 0;
  for (const s of statements) {
    const match = /\/model_(\d+)\/model\//.exec(s.StatementName ?? '');
    const end = endOf.get(s.Id!)!;
    lastEnd = Math.max(lastEnd, end);
    if (!match) continue;
    const i = Number(match[1]);
    submitted.set(i, Math.min(submitted.get(i) ?? Infinity, s.CreatedAt!.getTime()));
    ended.set(i, Math.max(ended.get(i) ?? 0, end));
  }
  const delays: number[] = [];
  const delayOf = new Map<number, number>();
  for (const [i, at] of submitted) {
    const parentEnd = i === 0 ? undefined : ended.get(Math.floor(i / 2));
    if (parentEnd === undefined) continue;
    delayOf.set(i, at - parentEnd);
    // Models 1–15 (the DAG's levels 2–4) never wait for one of the 16 slots: their delay is the scheduler's alone.
    if (i < 16) delays.push(at - parentEnd);
  }
  delays.sort((a, b) => a - b);
  const pick = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? 0;
  let criticalPathDispatchMs = 0;
  for (let i = 1; delayOf.has(i); i = 2 * i + 1) criticalPathDispatchMs += delayOf.get(i)!;
  return {
    firstSubmitMs: (submitted.get(0) ?? startedAtMs) - startedAtMs,
    tailMs: endedAtMs - lastEnd,
    dispatch: { count: delays.length, medianMs: pick(0.5), p90Ms: pick(0.9), maxMs: delays[delays.length - 1] ?? 0 },
    criticalPathDispatchMs,
  };
}
