import type { ModelNode } from '../manifest';
import type { Materializer } from './plan';
import { dropLeftovers, stagedFor } from './staging';

/**
 * A view: replaced in place where the dialect can (PostgreSQL: `create or replace`, falling back to a swap when the
 * columns changed), otherwise staged under the run's name and swapped in one transaction (Redshift, as
 * dbt-redshift does: a replacing view must keep the identical columns); created directly when absent.
 */
export const planView: Materializer<ModelNode> = (input) => {
  const { node, sql, dialect, existing } = input;
  const cleanup = dropLeftovers(input, node.relation.schema);
  const staged = stagedFor(input, node.relation, 'new');
  const inPlace = dialect.replaceViewInPlace(node.relation, sql, node.config, existing?.kind, staged);
  // Replaced in place, the view keeps its grants (see grants.ts).
  if (inPlace) return { steps: [{ sqls: [...cleanup, inPlace] }], keepsRelation: existing !== undefined };
  // Nothing to replace: create it where it belongs (one statement instead of a staged swap).
  if (!existing) return { steps: [{ sqls: [...cleanup, dialect.createView(node.relation, sql, node.config)] }] };
  return {
    steps: [{
      sqls: [
        ...cleanup,
        dialect.drop(staged, 'view'),
        dialect.createView(staged, sql, node.config),
        ...dialect.swap(staged, node.relation, 'view', existing?.kind, input.runId),
      ],
    }],
  };
};
