/**
 * The quarantine alert at the end of a run (src/runtime/quarantine-alert.ts): PublishAlert / UpdateIncidents email
 * each load node that set objects aside, once per node ending: the marker they store beside the run state keeps a
 * retried task or a redriven run's end from emailing the same quarantine again; a node that loads again (a new
 * ending) is emailed again; a failed load node is not (its objects were not set aside as a quarantine).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Manifest, RunState } from '../../src/engine';
import { publishQuarantineAlerts, quarantinesToAlert } from '../../src/runtime/quarantine-alert';

const SOURCE = 'source.p.events.product_events';
const manifest = {
  projectName: 'p',
  sources: {
    [SOURCE]: {
      uniqueId: SOURCE, sourceName: 'events', name: 'product_events', relation: { schema: 'raw', identifier: 'product_events' },
      meta: { landfall: { s3: { bucket: 'landing', prefix: 'firehose/product_events/' } } },
    },
  },
} as unknown as Manifest;

type RunNode = RunState['nodes'][number];
const quarantined = [{ bucket: 'landing', key: 'firehose/product_events/bad.json', size: 10, error: 'Invalid JSON', line: 3, column: 1 }];
const loadNode = (id: string, status: RunNode['status'], finishedAt: string, objects = quarantined) =>
  ({ id, name: id, kind: 'load', status, dependsOn: [], finishedAt, load: { sourceId: SOURCE, objects: [], quarantined: objects } }) as unknown as RunNode;

function recordingTopic() {
  const sent: PublishCommand['input'][] = [];
  const sns = { send: async (command: PublishCommand) => { sent.push(command.input); return {}; } } as unknown as SNSClient;
  return { sent, topic: { sns, topicArn: 'arn:aws:sns:us-east-1:000000000000:alerts' } };
}

describe('quarantine alert at the end of the run', () => {
  it('emails each succeeded load node with objects set aside once, and again only when it ends again', async () => {
    const { sent, topic } = recordingTopic();
    const run = { nodes: [loadNode('load.a', 'success', '2026-12-05T10:00:00Z'), loadNode('load.b', 'error', '2026-12-05T10:00:01Z'), loadNode('load.c', 'success', '2026-12-05T10:00:02Z', [])] };

    const first = await publishQuarantineAlerts(run, manifest, topic, undefined);
    expect(first).toEqual({ 'load.a': '2026-12-05T10:00:00Z' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ TopicArn: topic.topicArn, Subject: '[p] 1 S3 object quarantined: events.product_events' });
    expect(sent[0]!.Message).toContain('s3://landing/firehose/product_events/bad.json');
    expect(sent[0]!.Message).toContain('line 3, column 1');
    expect(sent[0]!.MessageAttributes?.kind).toEqual({ DataType: 'String', StringValue: 'loader' });

    // A retried PublishAlert, or the end of a redriven attempt in which the node did not run again: nothing.
    expect(await publishQuarantineAlerts(run, manifest, topic, first)).toBe(first);
    expect(sent).toHaveLength(1);

    // The node ran again (a replay of the same state with a new ending): emailed again.
    const again = { nodes: [loadNode('load.a', 'success', '2026-12-05T11:00:00Z')] };
    expect(quarantinesToAlert(again, first).map((n) => n.id)).toEqual(['load.a']);
    expect(await publishQuarantineAlerts(again, manifest, topic, first)).toEqual({ 'load.a': '2026-12-05T11:00:00Z' });
    expect(sent).toHaveLength(2);
  });

  it('still names the objects when the source has no S3 route in this project version (a replayed older state)', async () => {
    const { sent, topic } = recordingTopic();
    const stray = { ...loadNode('load.x', 'success', '2026-12-05T10:00:00Z'), load: { sourceId: 'source.p.gone.t', objects: [], quarantined } } as unknown as RunNode;
    expect(await publishQuarantineAlerts({ nodes: [stray] }, manifest, topic, undefined)).toEqual({ 'load.x': '2026-12-05T10:00:00Z' });
    expect(sent[0]!.Subject).toBe('[p] 1 S3 object quarantined: source.p.gone.t');
    expect(sent[0]!.Message).toContain('s3://landing/firehose/product_events/bad.json');
  });
});
