import { buildGraph } from '../../../src/engine/graph/graph';
import { selectWithSelector, type SelectorEntry } from '../../../src/engine/graph/selectors-file';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };
const files: ProjectFiles = {
  root: '/nowhere',
  project: { name: 'p', models: { p: { marts: { '+tags': ['marts'] } } } },
  models: [
    { file: 'models/stg_a.sql', relative: 'stg_a.sql', text: 'select 1 as id' },
    { file: 'models/stg_b.sql', relative: 'stg_b.sql', text: 'select 1 as id' },
    { file: 'models/marts/ab.sql', relative: 'marts/ab.sql', text: "select * from {{ ref('stg_a') }} join {{ ref('stg_b') }} using (id)" },
    { file: 'models/marts/top.sql', relative: 'marts/top.sql', text: "select * from {{ ref('ab') }}" },
  ],
  singularTests: [], macros: [], seeds: [], properties: [],
};
const graph = buildGraph(compileManifest(files, { target }));
const names = (ids: Set<string>) => [...ids].map((id) => id.split('.').pop()).sort();

const selectors: SelectorEntry[] = [
  { name: 'marts', definition: 'tag:marts' },
  { name: 'a_down_but_top', definition: { union: [{ method: 'fqn', value: 'stg_a', children: true }, { exclude: ['top'] }] } },
  { name: 'both', definition: { intersection: [{ tag: 'marts' }, { method: 'fqn', value: 'ab', parents: true }] } },
  { name: 'nested', definition: { union: [{ method: 'selector', value: 'both' }, 'stg_b'] } },
  { name: 'depth', definition: { method: 'fqn', value: 'top', parents: true, parents_depth: 1 } },
  { name: 'loop', definition: { method: 'selector', value: 'loop' } },
];

describe('selectWithSelector', () => {
  it('selects with a CLI-style string definition', () => {
    expect(names(selectWithSelector(graph, selectors, 'marts'))).toEqual(['ab', 'top']);
  });

  it('unions criteria and removes the exclude entries', () => {
    expect(names(selectWithSelector(graph, selectors, 'a_down_but_top'))).toEqual(['ab', 'stg_a']);
  });

  it('intersects criteria, including the method shorthand', () => {
    expect(names(selectWithSelector(graph, selectors, 'both'))).toEqual(['ab']);
  });

  it('reuses another selector and honours parents_depth', () => {
    expect(names(selectWithSelector(graph, selectors, 'nested'))).toEqual(['ab', 'stg_b']);
    expect(names(selectWithSelector(graph, selectors, 'depth'))).toEqual(['ab', 'top']);
  });

  it('names the unknown selector and the cycle', () => {
    expect(() => selectWithSelector(graph, selectors, 'nope')).toThrow("no selector named 'nope' in selectors.yml (defined: a_down_but_top, both, depth, loop, marts, nested)");
    expect(() => selectWithSelector(graph, selectors, 'loop')).toThrow('cycle: loop -> loop');
  });
});
