import { stagingRelation } from '../dialects/dialect';
import type { ModelNode } from '../manifest';
import type { Materializer } from './plan';

/**
 * A view: replaced in place where the dialect can (Redshift late binding: one statement, one commit),
 * otherwise staged under a temporary name and swapped in one transaction; created directly when absent.
 */
export const planView: Materializer<ModelNode> = ({ node, sql, dialect, existing }) => {
  const inPlace = dialect.replaceViewInPlace(node.relation, sql, node.config, existing?.kind);
  // Replaced in place, the view keeps its grants (see grants.ts).
  if (inPlace) return { steps: [{ sqls: [inPlace] }], keepsRelation: existing !== undefined };
  // Nothing to replace: create it where it belongs (one statement instead of a staged swap).
  if (!existing) return { steps: [{ sqls: [dialect.createView(node.relation, sql, node.config)] }] };
  const staged = stagingRelation(node.relation);
  return {
    steps: [{
      sqls: [
        dialect.drop(staged, 'view'),
        dialect.createView(staged, sql, node.config),
        ...dialect.swap(staged, node.relation, 'view', existing?.kind),
      ],
    }],
  };
};
