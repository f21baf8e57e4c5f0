/**
 * Resume a finished run that failed: every node that did not pass — failed, errored, skipped, or never finished
 * (the run crashed) — goes back to pending with a new attempt, so its statements get new client tokens and run
 * again; what passed stays as it is and is not rebuilt. The caller takes a new catalog snapshot (prepareRun)
 * before advancing, since the warehouse may have changed in the days between the failure and the redrive.
 */
import { restartNode } from './advance-run';
import { PASSING_STATUSES, type RunState } from './run-state';

export function replanUnfinished(input: RunState): { state: RunState; replanned: string[] } {
  const replanned: string[] = [];
  const nodes = input.nodes.map((node) => {
    if (PASSING_STATUSES.has(node.status)) return node;
    const copy = { ...node };
    restartNode(copy);
    replanned.push(node.id);
    return copy;
  });
  return { state: { ...input, nodes, done: replanned.length === 0, waitSeconds: 0 }, replanned };
}
