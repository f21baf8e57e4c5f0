/** The engine's public API: compile a dbt project, plan a run, advance it. */
export { readProjectFiles } from './project/project-files';
export { compileManifest, type CompileOptions } from './project/compile-manifest';
export { buildGraph } from './graph/graph';
export { selectNodes } from './graph/select';
export { planRun, type RunRequest } from './run/plan-run';
export { prepareRun } from './run/prepare-run';
export { advanceRun, renderTests, type RunContext, type RunEvent } from './run/advance-run';
export { summarizeRun, type RunState, type RunNode } from './run/run-state';
export { dialects } from './dialects';
export { EngineError, ProjectError, SelectionError } from './errors';
export type { Manifest } from './manifest';
export type { Target, DialectName } from './target';
