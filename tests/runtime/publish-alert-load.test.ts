/** A failed load node in the alert: named a load of its source with its objects, the COPY target instead of SQL. */
import { composeRunFailureAlert, composeSubject } from '../../src/alerts';
import type { Manifest } from '../../src/engine/manifest';
import type { RunNode } from '../../src/engine/run/run-state';
import { loadFailureOf } from '../../src/runtime/publish-alert';
import { sampleReport } from '../alerts/fixtures';

const manifest = {
  sources: {
    'source.shop.events.product_events': {
      uniqueId: 'source.shop.events.product_events', resourceType: 'source', sourceName: 'events', name: 'product_events',
      origin: { file: 'models/staging/events/_sources.yml' }, relation: { schema: 'raw', identifier: 'product_events' }, meta: {}, tags: [],
    },
  },
} as unknown as Manifest;

const loadNode = (status: RunNode['status']): RunNode => ({
  id: 'load:source.shop.events.product_events', kind: 'load', name: 'load.events.product_events', dependsOn: [], status,
  error: status === 'error' ? 'ERROR: Load into table \'product_events\' failed. Check \'sys_load_error_detail\' for details.' : undefined,
  load: { sourceId: 'source.shop.events.product_events', objects: [{ bucket: 'b', key: 'k1' }, { bucket: 'b', key: 'k2' }, { bucket: 'b', key: 'k3' }] },
});

describe('a failed load in the run failure alert', () => {
  it('is a load of its source with its objects count and COPY target, not a model with empty SQL', () => {
    const failure = loadFailureOf(loadNode('error'), manifest)!;
    expect(failure).toMatchObject({ kind: 'load', source: 'events.product_events', objects: 3, copyTarget: '"raw"."product_events"', file: 'models/staging/events/_sources.yml' });
    expect(loadFailureOf(loadNode('success'), manifest)).toBeUndefined();

    const report = sampleReport({ failures: [failure] });
    const { body } = composeRunFailureAlert(report);
    expect(body.split('\n')[0]).toMatch(/^Run \S+ failed: 1 load, 0 models and 0 tests failed,/);
    expect(body).toContain('FAILURE 1 of 1: load of events.product_events (3 objects)');
    expect(body).toContain('COPY into: "raw"."product_events"');
    expect(body).toContain('The database refused the COPY of 3 landed objects:');
    expect(body).toContain("    ERROR: Load into table 'product_events' failed.");
    expect(body).not.toContain('model load.events');
    expect(body).not.toContain('Reproduce it with this compiled SQL');
    expect(composeSubject(report)).toMatch(/^\[landfall\] 1 load failed: events\.product_events \(run /);
  });
});
