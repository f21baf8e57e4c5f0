import { stagingRelation } from '../dialects/dialect';
import type { ModelNode } from '../manifest';
import type { Materializer } from './plan';

/**
 * A table: built under a staging name, then swapped in, all in one transaction — readers see the old
 * table until the commit and the new one after it, never a missing or half-built table.
 */
export const planTable: Materializer<ModelNode> = ({ node, sql, dialect, existing }) => {
  // Nothing to replace: create it where it belongs (readers see no table until the statement commits).
  if (!existing) return { steps: [{ sqls: [dialect.createTableAs(node.relation, sql, node.config)] }] };
  const staged = stagingRelation(node.relation);
  return {
    steps: [{
      sqls: [
        dialect.drop(staged, 'table'),
        dialect.createTableAs(staged, sql, node.config),
        ...dialect.swap(staged, node.relation, 'table', existing?.kind),
      ],
    }],
  };
};
