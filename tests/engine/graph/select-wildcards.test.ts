import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../../src/engine/compile';
import { SelectionError } from '../../../src/engine/errors';
import { fnmatch } from '../../../src/engine/graph/fnmatch';
import { buildGraph } from '../../../src/engine/graph/graph';
import { selectNodes } from '../../../src/engine/graph/select';
import { selectWithSelector } from '../../../src/engine/graph/selectors-file';
import dbtLists from './wildcards-dbt-1.12.6.json';

const manifest = compileManifest(readProjectFiles(path.join(__dirname, '..', '..', 'fixtures', 'projects', 'wildcards')), {
  target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' },
});
const graph = buildGraph(manifest);

/** Ids as the recorded file writes them: `model.stg_orders`, `model.dim_ver.v1`, `test.unique_…` (no project, no hash). */
function listed(select: string[], exclude: string[] = []): string[] {
  const named = select[0]?.startsWith('--selector ') ? select[0].slice('--selector '.length) : undefined;
  const chosen = named ? selectWithSelector(graph, manifest.selectors ?? [], named) : selectNodes(graph, select, exclude);
  const ids = [...chosen].map((id) => {
    const [type, , ...rest] = id.split('.');
    return `${type}.${(type === 'test' ? rest.slice(0, 1) : rest).join('.')}`;
  });
  return [...new Set(ids)].sort();
}

const recorded = Object.entries(dbtLists).filter(([selector]) => selector !== '_about') as [string, string[]][];

describe('Selection by wildcards and selector:, as dbt-core 1.12.6 lists them (wildcards-dbt-1.12.6.json)', () => {
  it('has recorded answers for every operator and method the file names', () => {
    expect(recorded.length).toBeGreaterThanOrEqual(47);
  });

  it.each(recorded)('selects `%s` as dbt-core 1.12.6 does', (selector, expected) => {
    expect(listed([selector])).toEqual(expected);
  });

  it('matches a dotless wildcard against the node\'s own name at any depth, and the versioned model by its name', () => {
    // dbt-core 1.10 lists only the root-level stg_root and seed for stg_* (the rest of the fqn must match from the folder).
    expect(listed(['stg_*']).filter((id) => id.startsWith('model.'))).toEqual(['model.stg_customers', 'model.stg_deep_thing', 'model.stg_order_items', 'model.stg_orders', 'model.stg_root']);
    expect(listed(['dim_v*'])).toEqual(['model.dim_ver.v1', 'model.dim_ver.v2']); // the name, not the `v2` leaf
    expect(listed(['v?'])).toEqual([]); // nor the version part
    // A dotted selector keeps the fqn rule: `staging.stg_*` does not reach marts/deep/deeper/stg_deep_thing.
    expect(listed(['staging.stg_*'])).not.toContain('model.stg_deep_thing');
    expect(listed(['deep'])).toEqual([]); // a bare folder name below marts is no fqn prefix (as in dbt)
  });

  it('applies graph operators to every node the wildcard matched', () => {
    expect(listed(['stg_deep_*+'])).toEqual(['model.stg_deep_thing']);
    expect(listed(['1+stg_deep_*'])).toEqual(['model.fct_orders', 'model.stg_deep_thing']);
    expect(listed(['+stg_deep_*'])).toEqual(expect.arrayContaining(['model.stg_customers', 'model.stg_orders', 'source.raw.customers', 'source.raw.stg_raw_orders']));
    expect(listed(['@stg_customers*'])).toEqual(expect.arrayContaining(['model.dim_ver.v2', 'model.stg_deep_thing', 'model.stg_orders', 'source.raw.customers']));
    expect(listed(['stg_*'], ['stg_order*'])).not.toContain('model.stg_orders');
  });

  it('refuses a malformed pattern, naming the selector and where it breaks', () => {
    expect(() => selectNodes(graph, ['stg_['])).toThrow(SelectionError);
    expect(() => selectNodes(graph, ['stg_['])).toThrow("selector 'stg_[': the '[' at position 5 of 'stg_[' opens a character class that is never closed");
    expect(() => selectNodes(graph, ['+tag:[z-a]*'])).toThrow("selector '+tag:[z-a]*': the range 'z-a' in '[z-a]*' is reversed");
    expect(() => selectNodes(graph, ['fct_orders', 'package:wild[card'])).toThrow(/package:wild\[card.*never closed/);
    // Values compared as text are not patterns: a `[` there is not an error.
    expect(listed(['config.materialized:[view'])).toEqual([]);
  });
});

describe('The selector: method (dbt-core 1.12)', () => {
  it('takes a named selection as it stands: no tests come back that the selection excluded, even for nodes operators add', () => {
    expect(listed(['selector:staging_untested']).some((id) => id.startsWith('test.'))).toBe(false);
    expect(listed(['tag:staging']).some((id) => id.startsWith('test.'))).toBe(true);
    expect(listed(['+selector:staging_untested']).some((id) => id.startsWith('test.'))).toBe(false);
    // A test one hop below is a child like any other: `+1` reaches it (dbt-core 1.12.6 lists it too).
    expect(listed(['selector:staging_untested+1'])).toContain('test.unique_stg_orders_order_id');
  });

  it('refuses a name no selector has, listing the defined ones, and a selection that reaches itself', () => {
    expect(() => selectNodes(graph, ['selector:nope'])).toThrow("'selector:nope' matches no selector in selectors.yml (defined: orders_lineage, orders_lineage_and_children, staging_all, staging_untested)");
    expect(() => selectNodes(graph, ['selector:staging_['])).toThrow(/never closed/);
    const cyclic = { ...graph, selectors: [{ name: 'a', definition: 'selector:b' }, { name: 'b', definition: { method: 'selector', value: 'a', parents: true } }] };
    expect(() => selectNodes(cyclic, ['selector:a'])).toThrow(/selectors refer to each other in a cycle: .*a -> b|b -> a/);
  });
});

describe('Function: fnmatch', () => {
  it('reads *, ?, [abc], [a-z], [!abc] and a leading ] as Python\'s fnmatch does, case-sensitively', () => {
    expect(fnmatch('proj.staging.stg_orders', '*stg_*')).toBe(true); // * crosses dots
    expect(fnmatch('models/a/b.sql', 'models/*.sql')).toBe(true); // and slashes
    expect(fnmatch('stg_orders', 'stg_order?')).toBe(true);
    expect(fnmatch('stg_order', 'stg_order?')).toBe(false);
    expect(fnmatch('stg_b', 'stg_[a-c]')).toBe(true);
    expect(fnmatch('stg_d', 'stg_[a-c]')).toBe(false);
    expect(fnmatch('stg_d', 'stg_[!a-c]')).toBe(true);
    expect(fnmatch('a]', 'a[]]')).toBe(true);
    expect(fnmatch('a-', 'a[a-]')).toBe(true); // a trailing - is literal
    expect(fnmatch('STG_ORDERS', 'stg_*')).toBe(false);
  });

  it('treats every other character literally', () => {
    expect(fnmatch('a.b', 'a.b')).toBe(true);
    expect(fnmatch('axb', 'a.b')).toBe(false);
    expect(fnmatch('delete+insert', 'delete+insert')).toBe(true);
    expect(fnmatch('x(1)', 'x(1)')).toBe(true);
    expect(fnmatch('a^$b', 'a^$b')).toBe(true);
    expect(fnmatch('a\\b', 'a\\b')).toBe(true);
    expect(fnmatch('[', '[[]')).toBe(true);
  });
});
