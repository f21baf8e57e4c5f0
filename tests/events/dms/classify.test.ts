import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataArrivedDetailSchema, LoaderFailedDetailSchema } from '../../../src/events/arrival';
import { classifyDmsEvent, landfallEventFromDms, parseDmsEvent } from '../../../src/events/dms';
import { AwsEventShapeError } from '../../../src/events/errors';
import { compilePattern } from '../../../src/events/pattern-matcher';
import { EVENTS_DIR, readEventsJson } from '../support';

const TASK_ARN = 'arn:aws:dms:eu-west-1:123456789012:task:E2FDDWUKQJV7UCIKU3GCEWAXX6HYE5OKAILG7AA';
const CONFIG_ARN = 'arn:aws:dms:eu-west-1:123456789012:replication-config:KXQ4ZC3VJ5GWDNMT2HRE7OLIBY';
const sample = (file: string) => readEventsJson(`samples/dms/${file}`);
const landfallEventFor = (file: string) => landfallEventFromDms(classifyDmsEvent(parseDmsEvent(sample(file))));

describe('DMS events', () => {
  describe('classifyDmsEvent', () => {
    it.each(['task-stopped-full-load-finished.json', 'task-stopped-full-load-finished-documented-shape.json'])(
      'treats a task stopped after its full load (%s) as an arrival for the task in resources[0]',
      (file) => {
        expect(classifyDmsEvent(parseDmsEvent(sample(file)))).toEqual({
          kind: 'arrival',
          taskArn: TASK_ARN,
          eventId: 'DMS-EVENT-0079',
          arrivedAt: '2026-11-27T02:58:34Z',
          stopReason: 'FULL_LOAD_ONLY_FINISHED',
        });
      },
    );

    it('treats a stop after the full load with cached changes applied (STOPPED_AFTER_CACHED_EVENTS) as an arrival', () => {
      expect(classifyDmsEvent(parseDmsEvent(sample('task-stopped-after-cached-events.json')))).toMatchObject({
        kind: 'arrival', taskArn: TASK_ARN, stopReason: 'STOPPED_AFTER_CACHED_EVENTS',
      });
    });

    it('treats a DMS Serverless replication stopped after its full load as an arrival of the replication config', () => {
      expect(classifyDmsEvent(parseDmsEvent(sample('serverless-replication-stopped-full-load.json')))).toMatchObject({
        kind: 'arrival', taskArn: CONFIG_ARN, stopReason: 'FULL_LOAD_ONLY_FINISHED',
      });
      const userStop = { ...(sample('serverless-replication-stopped-full-load.json') as object), detail: { eventType: 'REPLICATION_STOPPED', detailMessage: 'Stop Reason NORMAL' } };
      expect(classifyDmsEvent(parseDmsEvent(userStop)).kind).toBe('ignored');
    });

    it.each(['NORMAL', 'STOPPED_AT_SERVER_TIME', 'STOPPED_AFTER_DDL_APPLY', 'RECYCLE_TASK', 'STOPPED_DUE_TO_LOW_DISK'])('ignores a task stop with Stop Reason %s', (reason) => {
      const event = { ...(sample('task-stopped-after-cached-events.json') as { detail: object }) };
      const stopped = { ...event, detail: { ...event.detail, detailMessage: `Replication task stopped. Stop Reason ${reason}` } };
      expect(classifyDmsEvent(parseDmsEvent(stopped)).kind).toBe('ignored');
    });

    it('counts a stop that names no reason as an arrival (an extra build beats a stale table)', () => {
      expect(classifyDmsEvent(parseDmsEvent(sample('task-stopped-no-reason.json')))).toMatchObject({ kind: 'arrival', taskArn: TASK_ARN });
    });

    it('ignores a task a user stopped (Stop Reason NORMAL) and a task that started', () => {
      expect(classifyDmsEvent(parseDmsEvent(sample('task-stopped-by-user.json')))).toEqual({
        kind: 'ignored',
        reason: 'task stopped with Stop Reason NORMAL, not after a full load',
      });
      expect(classifyDmsEvent(parseDmsEvent(sample('task-started.json'))).kind).toBe('ignored');
    });

    it.each(['task-failed.json', 'task-failed-documented-shape.json'])('treats %s as a REPLICATION_TASK_FAILED failure', (file) => {
      expect(classifyDmsEvent(parseDmsEvent(sample(file)))).toEqual({
        kind: 'failure',
        taskArn: TASK_ARN,
        eventId: 'DMS-EVENT-0078',
        status: 'REPLICATION_TASK_FAILED',
        reason: 'Last Error  ODBC general error. Stop Reason RECOVERABLE_ERROR Error Level RECOVERABLE',
        failedAt: '2026-11-27T02:50:12Z',
      });
    });

    it('treats a DMS Serverless REPLICATION_FAILED as a failure of the replication config', () => {
      expect(classifyDmsEvent(parseDmsEvent(sample('serverless-replication-failed.json')))).toMatchObject({
        kind: 'failure',
        taskArn: CONFIG_ARN,
        status: 'REPLICATION_FAILED',
        reason: expect.stringContaining('Unable to connect to the source endpoint'),
      });
    });

    it('ignores other DMS Serverless state changes', () => {
      expect(classifyDmsEvent(parseDmsEvent(sample('serverless-replication-initializing.json'))).kind).toBe('ignored');
    });
  });

  describe('parseDmsEvent', () => {
    it('refuses an event without a resource ARN', () => {
      const event = { ...(sample('task-failed.json') as object), resources: [] };
      expect(() => parseDmsEvent(event)).toThrow(AwsEventShapeError);
    });

    it('refuses an event from another source', () => {
      const event = { ...(sample('task-failed.json') as object), source: 'aws.s3' };
      expect(() => parseDmsEvent(event)).toThrow(/aws\.dms event has an unexpected shape: source/);
    });
  });

  describe('landfallEventFromDms', () => {
    it('builds a valid Data Arrived event deduplicated on task ARN and event time', () => {
      const event = landfallEventFor('task-stopped-full-load-finished.json');
      expect(event?.detailType).toBe('Data Arrived');
      expect(DataArrivedDetailSchema.parse(event?.detail)).toEqual({
        loader: 'dms',
        arrivalId: `dms:${TASK_ARN}:2026-11-27T02:58:34Z`,
        arrivedAt: '2026-11-27T02:58:34Z',
        connector: { taskArn: TASK_ARN, eventId: 'DMS-EVENT-0079' },
      });
    });

    it('gives both shapes of the same stop the same dedupe key', () => {
      const real = landfallEventFor('task-stopped-full-load-finished.json');
      const documented = landfallEventFor('task-stopped-full-load-finished-documented-shape.json');
      expect(real?.detail).toEqual(documented?.detail);
    });

    it.each(['task-failed.json', 'serverless-replication-failed.json'])('builds a valid Loader Failed event from %s', (file) => {
      const event = landfallEventFor(file);
      expect(event?.detailType).toBe('Loader Failed');
      expect(() => LoaderFailedDetailSchema.parse(event?.detail)).not.toThrow();
    });

    it('emits nothing for ignored events', () => {
      expect(landfallEventFor('task-started.json')).toBeUndefined();
    });
  });

  describe('events/rules/dms-task-state-change.json', () => {
    const rule = compilePattern(readEventsJson('rules/dms-task-state-change.json'));
    const expected: Record<string, boolean> = {
      'task-stopped-full-load-finished.json': true,
      'task-stopped-full-load-finished-documented-shape.json': true,
      'task-stopped-no-reason.json': true,
      'task-stopped-by-user.json': true,
      'task-failed.json': true,
      'task-failed-documented-shape.json': true,
      'serverless-replication-failed.json': true,
      'task-stopped-after-cached-events.json': true,
      'serverless-replication-stopped-full-load.json': true,
      'task-started.json': false,
      'serverless-replication-initializing.json': false,
    };

    it('has an expectation for every DMS sample', () => {
      expect(readdirSync(join(EVENTS_DIR, 'samples', 'dms')).sort()).toEqual(Object.keys(expected).sort());
    });

    it.each(Object.entries(expected))('matches %s: %s', (file, matches) => {
      expect(rule.matches(sample(file))).toBe(matches);
    });
  });
});
