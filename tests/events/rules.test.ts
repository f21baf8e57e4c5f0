/**
 * The rule files under events/rules against the Fivetran samples, taken the whole way a webhook travels:
 * raw body → parse → classify → landfall event → EventBridge envelope → rule pattern.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { landfallEventFromFivetran, type LandfallEvent } from '../../src/events/arrival';
import { classifyFivetranEvent, parseFivetranWebhook } from '../../src/events/fivetran';
import { compilePattern, validatePattern } from '../../src/events/pattern-matcher';
import { EVENTS_DIR, readEventsFile, readEventsJson } from './support';

const dataArrivedRule = compilePattern(readEventsJson('rules/data-arrived.json'));
const loaderFailedRule = compilePattern(readEventsJson('rules/loader-failed.json'));

/** What a rule target receives once landfall has put `event` on its bus. */
function asDelivered(event: LandfallEvent): Record<string, unknown> {
  return {
    version: '0',
    id: '00000000-0000-4000-8000-000000000000',
    'detail-type': event.detailType,
    source: event.source,
    account: '123456789012',
    time: '2026-11-27T01:00:09Z',
    region: 'eu-west-1',
    resources: [],
    detail: event.detail,
  };
}

function landfallEventFor(sampleFile: string): LandfallEvent | undefined {
  return landfallEventFromFivetran(classifyFivetranEvent(parseFivetranWebhook(readEventsFile(`samples/fivetran/${sampleFile}`))));
}

describe('events/rules', () => {
  it.each(readdirSync(join(EVENTS_DIR, 'rules')))('%s is a valid event pattern', (file) => {
    expect(() => validatePattern(readEventsJson(`rules/${file}`))).not.toThrow();
  });

  it.each([
    ['sync-end-successful.json', { dataArrived: true, loaderFailed: false }],
    ['sync-end-successful-legacy-group-id.json', { dataArrived: true, loaderFailed: false }],
    ['sync-end-failed.json', { dataArrived: false, loaderFailed: true }],
  ])('routes the Fivetran sample %s to the right rule', (file, expected) => {
    const event = landfallEventFor(file);
    expect(event).toBeDefined();
    const delivered = asDelivered(event!);
    expect({ dataArrived: dataArrivedRule.matches(delivered), loaderFailed: loaderFailedRule.matches(delivered) }).toEqual(expected);
  });

  it.each(['test-event.json', 'sync-start.json'])('emits no event at all for the Fivetran sample %s', (file) => {
    expect(landfallEventFor(file)).toBeUndefined();
  });

  it('builds from sync-end-successful.json exactly the detail of samples/landfall/data-arrived.json', () => {
    const sample = readEventsJson('samples/landfall/data-arrived.json') as { detail: unknown };
    expect(landfallEventFor('sync-end-successful.json')?.detail).toEqual(sample.detail);
  });

  it('builds from sync-end-failed.json exactly the detail of samples/landfall/loader-failed.json', () => {
    const sample = readEventsJson('samples/landfall/loader-failed.json') as { detail: unknown };
    expect(landfallEventFor('sync-end-failed.json')?.detail).toEqual(sample.detail);
  });

  it('matches each landfall sample with its own rule only', () => {
    const arrived = readEventsJson('samples/landfall/data-arrived.json');
    const failed = readEventsJson('samples/landfall/loader-failed.json');
    expect([dataArrivedRule.matches(arrived), loaderFailedRule.matches(arrived)]).toEqual([true, false]);
    expect([dataArrivedRule.matches(failed), loaderFailedRule.matches(failed)]).toEqual([false, true]);
  });

  it('does not start a run for an event from another source that copies the detail-type', () => {
    const arrived = readEventsJson('samples/landfall/data-arrived.json') as Record<string, unknown>;
    expect(dataArrivedRule.matches({ ...arrived, source: 'com.example.fivetran' })).toBe(false);
  });
});
