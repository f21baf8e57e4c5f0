/**
 * The best lag an arrival could have (bench/freshness-lag.ts, issue 18): the coalescing window, then its downstream
 * closure built with nothing else in the way — every model as soon as its parents are, as many at once as the DAG
 * allows — so the closure's critical path: the longest chain, by each model's modelled warehouse time (the SQL's
 * `landfall-sim-ms`, or the Data API's least statement time) plus the commit (redshift-latency.ts), of a load COPY
 * (Firehose objects) and the models downstream of the arrival's staging model. Run start-up (plan, locks, catalog
 * snapshot), Lambda and Step Functions time are left out: the floor is below anything a scheduler can reach, and the
 * measured lag minus the floor is what scheduling, slots and the machine cost.
 */
import type { SimulatedArrival } from './freshness-lag-simulation';
import type { ModelledModel } from './freshness-lag-project';

/** What a statement costs at least besides its modelled time (redshift-latency.ts: least statement time, commit). */
export interface StatementCosts {
  minStatementMs: number;
  commitMs: number;
}

/** The staging model an arrival's loader writes under (freshness-lag-project.ts names them so). */
export function stagingModelOf(arrival: Pick<SimulatedArrival, 'loader' | 'index'>): string {
  if (arrival.loader === 'fivetran') return `stg_app_${String(arrival.index).padStart(2, '0')}`;
  if (arrival.loader === 'dms') return `stg_erp_${arrival.index}`;
  return 'stg_stream';
}

/**
 * The longest chain, simulated ms, from `model` to any model downstream of it (both ends included), each model
 * costing max(its modelled time, the least statement time) plus a commit.
 *
 * @example
 * criticalPathMs({ a: { parents: [], buildMs: 1000 }, b: { parents: ['a'], buildMs: 5000 } }, 'a', { minStatementMs: 200, commitMs: 1000 }) // 8000
 */
export function criticalPathMs(dag: Record<string, ModelledModel>, model: string, costs: StatementCosts): number {
  const children = new Map<string, string[]>();
  for (const [name, m] of Object.entries(dag)) for (const p of m.parents) children.set(p, [...(children.get(p) ?? []), name]);
  const memo = new Map<string, number>();
  const longest = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const own = Math.max(costs.minStatementMs, dag[name]?.buildMs ?? 0) + costs.commitMs;
    const below = Math.max(0, ...(children.get(name) ?? []).map(longest));
    memo.set(name, own + below);
    return own + below;
  };
  if (!(model in dag)) throw new Error(`no model ${model} in the simulated project`);
  return longest(model);
}

/** Each arrival's floor, simulated ms: the coalescing window, a COPY for objects a load node copies, the critical path. */
export function arrivalFloorsMs(arrivals: readonly SimulatedArrival[], dag: Record<string, ModelledModel>, windowMs: number, costs: StatementCosts): number[] {
  const byModel = new Map<string, number>();
  const copyMs = costs.minStatementMs + costs.commitMs;
  return arrivals.map((a) => {
    const model = stagingModelOf(a);
    if (!byModel.has(model)) byModel.set(model, criticalPathMs(dag, model, costs));
    return windowMs + (a.loader === 's3' ? copyMs : 0) + byModel.get(model)!;
  });
}
