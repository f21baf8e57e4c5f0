/**
 * The engine's run-time API: plan a run over a compiled manifest and advance it. Parsing a project lives
 * in `./compile` so the functions' bundles never include the project parser.
 */
export { buildGraph } from './graph/graph';
export { selectNodes } from './graph/select';
export { planRun, type RunRequest } from './run/plan-run';
export { prepareRun } from './run/prepare-run';
export { advanceRun, type RunContext, type RunEvent } from './run/advance-run';
export { renderTests } from './run/tests-node';
export { inProcessRenderer } from './run/render-in-process';
export type { RenderPort } from './run/render-port';
export { summarizeRun, type RunState, type RunNode } from './run/run-state';
export { replanUnfinished } from './run/redrive-run';
export { dialects } from './dialects';
export { EngineError, ProjectError, SelectionError } from './errors';
export type { Manifest } from './manifest';
export type { Target, DialectName } from './target';
