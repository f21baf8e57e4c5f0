/**
 * dbt's node ids without a venv: the ids and parent map dbt-core 1.10.23 wrote for two compat projects
 * (`dbt parse`, fixtures/dbt-core-1.10.23-ids.json; regenerate it with `dbt parse` in each project when they change)
 * against landfall's manifest.json for the same projects. Generic test ids carry dbt-core's hash of the test's name
 * and arguments, so this fails when an argument, a name or the hashing drifts.
 */
import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { manifestArtifact } from '../../src/artifacts/manifest-artifact';
import { hashableRepr, pythonRepr, pythonStr } from '../../src/artifacts/dbt-ids';
import expected from './fixtures/dbt-core-1.10.23-ids.json';

const PROJECTS = path.resolve(__dirname, '..', 'compat', 'projects');

describe("dbt-core's node ids", () => {
  for (const name of Object.keys(expected) as (keyof typeof expected)[]) {
    it(`${name}: every node id, source id and parent as dbt-core 1.10.23 wrote them`, () => {
      const manifest = compileManifest(readProjectFiles(path.join(PROJECTS, name)), { target: { name: 'dev', type: 'postgres', schema: 'x', database: 'landfall' }, cliVars: { raw_schema: 'raw' } });
      const artifact = manifestArtifact({ manifest, invocationId: 'ids', generatedAt: new Date() }) as { nodes: object; sources: object; unit_tests: object; parent_map: Record<string, string[]> };
      expect(Object.keys(artifact.nodes).sort()).toEqual(expected[name].nodes);
      expect(Object.keys(artifact.sources).sort()).toEqual(expected[name].sources);
      expect(Object.keys(artifact.unit_tests).sort()).toEqual(expected[name].unit_tests);
      const sortedParents = (map: Record<string, string[]>) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k, [...v].sort()]));
      expect(sortedParents(artifact.parent_map)).toEqual(sortedParents(expected[name].parent_map));
    });
  }

  it("prints Python's repr and str as dbt's hash input needs them", () => {
    expect(pythonRepr("{{ get_where_subquery(ref('orders')) }}")).toBe(`"{{ get_where_subquery(ref('orders')) }}"`);
    expect(pythonRepr('plain')).toBe("'plain'");
    expect(pythonRepr(`both ' and "`)).toBe(`'both \\' and "'`);
    expect(pythonRepr('tab\there\\')).toBe("'tab\\there\\\\'");
    // Escapes on the fast path's edges: control characters, DEL, backslash, a quote of either kind; printable non-ASCII as it is.
    expect(pythonRepr('a\x00b\x1fc\x7fd')).toBe("'a\\x00b\\x1fc\\x7fd'");
    expect(pythonRepr("it's")).toBe(`"it's"`);
    expect(pythonRepr('say "hi"')).toBe(`'say "hi"'`);
    expect(pythonRepr('é😀')).toBe("'é😀'");
    expect(pythonRepr('\r\n')).toBe("'\\r\\n'");
    expect([pythonStr(true), pythonStr(null), pythonStr(3), pythonStr(1.5), pythonStr(2e21)]).toEqual(['True', 'None', '3', '1.5', '2e+21']);
    // dict keys sorted, lists kept in order, leaves str()-ed: repr({'kwargs': {'values': ['a', 1]}, 'name': 'x', 'namespace': 'None'})
    expect(hashableRepr({ name: 'x', namespace: null, kwargs: { values: ['a', 1] } })).toBe("{'kwargs': {'values': ['a', '1']}, 'name': 'x', 'namespace': 'None'}");
  });
});
