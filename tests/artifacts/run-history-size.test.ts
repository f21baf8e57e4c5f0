/** A project too large to render its dbt manifest in a 512 MB function records its run without one. */
import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { planRun } from '../../src/engine/run/plan-run';
import { MAX_MANIFEST_NODES, runHistoryRecord } from '../../src/artifacts/run-history';

it(`records results without a manifest above ${MAX_MANIFEST_NODES} nodes, and with one below`, () => {
  const manifest = compileManifest(readProjectFiles(path.resolve(__dirname, '..', 'compat', 'projects', 'jaffle_mart')), { target: { name: 'dev', type: 'postgres', schema: 'x', database: 'dev' } });
  const run = planRun(manifest, { runId: 'r', command: 'build', select: [], exclude: [], fullRefresh: false, vars: {} });
  const input = { run, execution: { arn: 'arn', name: 'r' }, trigger: { kind: 'console' as const, description: 'test' } };
  const small = runHistoryRecord({ ...input, manifest });
  expect(small.manifest?.key).toMatch(/^history\/manifests\/[0-9a-f]{64}\.json\.gz$/);
  expect(small.entry.manifestKey).toBe(small.manifest?.key);
  const [one] = Object.values(manifest.tests);
  const tests = Object.fromEntries(Array.from({ length: MAX_MANIFEST_NODES }, (_, i) => [`test.jaffle_mart.copy_${i}`, { ...one!, uniqueId: `test.jaffle_mart.copy_${i}`, name: `copy_${i}` }]));
  const large = runHistoryRecord({ ...input, manifest: { ...manifest, tests: { ...manifest.tests, ...tests } } });
  expect(large.manifest).toBeUndefined();
  expect(large.entry.manifestKey).toBeNull();
  expect(large.runResults.metadata.env).not.toHaveProperty('LANDFALL_MANIFEST_KEY');
});
