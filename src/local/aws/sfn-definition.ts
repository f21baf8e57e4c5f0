/**
 * What the local service reads from, and derives from, a state machine definition: Wait seconds, Retry
 * intervals and Task resources per state (Map and Parallel bodies included), the timeouts scaled for tests,
 * and the definition a redrive runs.
 */
type States = Record<string, Record<string, unknown>>;
interface Definition {
  StartAt: string;
  States: States;
  TimeoutSeconds?: number;
  [key: string]: unknown;
}

export interface DefinitionFacts {
  /** Wait state → its static `Seconds` (undefined for SecondsPath/Timestamp/TimestampPath). */
  waits: Map<string, number | undefined>;
  /** State → `IntervalSeconds` of each of its retriers. */
  retriers: Map<string, number[]>;
  /** Task state → its Resource. */
  taskResources: Map<string, string>;
  /** The names of the top-level states (redrive restarts at one of these). */
  topLevelStates: Set<string>;
}

export function readDefinition(definition: object): DefinitionFacts {
  const facts: DefinitionFacts = { waits: new Map(), retriers: new Map(), taskResources: new Map(), topLevelStates: new Set(Object.keys((definition as Definition).States ?? {})) };
  walk(definition as Definition, (name, state) => {
    if (state.Type === 'Wait') facts.waits.set(name, typeof state.Seconds === 'number' ? state.Seconds : undefined);
    if (state.Type === 'Task' && typeof state.Resource === 'string') facts.taskResources.set(name, state.Resource);
    if (Array.isArray(state.Retry)) facts.retriers.set(name, (state.Retry as { IntervalSeconds?: number }[]).map((retrier) => retrier.IntervalSeconds ?? 1));
  });
  return facts;
}

/**
 * The definition executions run: `TimeoutSeconds` (the state machine's and every Task's) last `scaleMs`
 * milliseconds per second, so a test sees `States.Timeout` without waiting; and a Task with no timeout of its
 * own whose Lambda timeout is known gets twice that plus 5 s (room for the task gate on a loaded machine), because aws-local-stepfunctions would
 * otherwise cut every Task at 60 s, while in AWS a Lambda task runs until the function's own timeout
 * (which then fails it first, with the Lambda error). The original is returned when nothing changes.
 */
export function withScaledTimeouts(definition: object, scaleMs: number, lambdaTimeouts: Record<string, number> = {}): object {
  if (scaleMs === 1000 && Object.keys(lambdaTimeouts).length === 0) return definition;
  // A JSON round trip, not structuredClone: aws-local-stepfunctions only resolves nested Parameters templates
  // in objects of its own realm (isPlainObj), and structuredClone builds them in Node's main realm (Jest's vm).
  const copy = JSON.parse(JSON.stringify(definition)) as Definition;
  const factor = scaleMs / 1000;
  if (typeof copy.TimeoutSeconds === 'number') copy.TimeoutSeconds *= factor;
  walk(copy, (name, state) => {
    if (state.Type !== 'Task') return;
    if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined && lambdaTimeouts[name] !== undefined) state.TimeoutSeconds = lambdaTimeouts[name] * 2 + 5;
    if (typeof state.TimeoutSeconds === 'number') state.TimeoutSeconds *= factor;
  });
  return copy;
}

/** The hidden state a redriven run starts at: it hands the unsuccessful state its original input. */
export const REDRIVE_ENTRY_STATE = 'Landfall.RedriveEntry';

/**
 * The definition a redrive runs: the same states, entered at `restartState` with `restartInput`, through a
 * hidden Pass state, so that the run's own input (and `$$.Execution.Input`) stay the execution's input.
 */
export function redriveDefinition(definition: object, restartState: string, restartInput: unknown): object {
  const original = definition as Definition;
  const entry =
    restartInput && typeof restartInput === 'object'
      ? { Type: 'Pass', Result: restartInput, Next: restartState }
      : { Type: 'Pass', Result: { value: restartInput }, OutputPath: '$.value', Next: restartState };
  return { ...original, StartAt: REDRIVE_ENTRY_STATE, States: { ...original.States, [REDRIVE_ENTRY_STATE]: entry } };
}

function walk(definition: { States?: States }, visit: (name: string, state: Record<string, unknown>) => void): void {
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    visit(name, state);
    const processor = (state.ItemProcessor ?? state.Iterator) as { States?: States } | undefined;
    if (processor) walk(processor, visit);
    for (const branch of (state.Branches as { States?: States }[] | undefined) ?? []) walk(branch, visit);
  }
}
