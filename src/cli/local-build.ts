/**
 * `landfall build|run|test|seed` without Step Functions: the same engine (plan, prepare, advance) driven
 * by a loop in this process, through the same Redshift Data API client — at the local endpoint, or at
 * a real Redshift when `LANDFALL_REDSHIFT_CLUSTER`/`LANDFALL_REDSHIFT_WORKGROUP` are set.
 */
import { advanceRun, planRun, prepareRun, type Manifest, type RunRequest, type RunState } from '../engine';
import type { Dialect } from '../engine/dialects';
import type { Warehouse } from '../warehouse/warehouse';
import { printRunEvent } from './progress';

export async function runToCompletion(
  manifest: Manifest,
  request: RunRequest,
  deps: { dialect: Dialect; warehouse: Warehouse; write?: (line: string) => void },
): Promise<RunState> {
  const ctx = {
    manifest,
    dialect: deps.dialect,
    warehouse: deps.warehouse,
    onEvent: deps.write ? (e: Parameters<typeof printRunEvent>[0]) => printRunEvent(e, manifest, deps.write!) : undefined,
  };
  let state = planRun(manifest, request);
  if (state.done) return state;
  state = await prepareRun(state, ctx);
  let pause = 5;
  for (;;) {
    const before = state.nodes.filter((n) => n.status === 'running').length;
    state = await advanceRun(state, ctx);
    if (state.done) return state;
    const after = state.nodes.filter((n) => n.status === 'running').length;
    // Poll quickly while statements are short; back off (to 1 s) while they run long.
    pause = after !== before || state.waitSeconds === 1 ? 5 : Math.min(pause * 2, 1000);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
