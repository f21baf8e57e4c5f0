import type { ModelNode } from '../manifest';
import type { Materializer } from './plan';
import { dropLeftovers, stagedFor } from './staging';

/**
 * A table: built under the run's staging name, then swapped in, all in one transaction — readers see the old
 * table until the commit and the new one after it, never a missing or half-built table.
 */
export const planTable: Materializer<ModelNode> = (input) => {
  const { node, sql, dialect, existing } = input;
  const cleanup = dropLeftovers(input, node.relation.schema);
  // Nothing to replace: create it where it belongs (readers see no table until the statement commits).
  if (!existing) return { steps: [{ sqls: [...cleanup, dialect.createTableAs(node.relation, sql, node.config)] }] };
  const staged = stagedFor(input, node.relation, 'new');
  return {
    steps: [{
      sqls: [
        ...cleanup,
        dialect.drop(staged, 'table'),
        dialect.createTableAs(staged, sql, node.config),
        ...dialect.swap(staged, node.relation, 'table', existing?.kind, input.runId),
      ],
    }],
  };
};
