import {
  DATA_ARRIVED_DETAIL_TYPE,
  DataArrivedDetailSchema,
  DataArrivedEventSchema,
  dataArrivedFromFivetran,
  LANDFALL_EVENT_SOURCE,
  landfallEventFromFivetran,
  LOADER_FAILED_DETAIL_TYPE,
  LoaderFailedDetailSchema,
  LoaderFailedEventSchema,
  loaderFailedFromFivetran,
  toPutEventsEntry,
} from '../../src/events/arrival';
import type { FivetranArrival, FivetranFailure } from '../../src/events/fivetran/classify';
import { readEventsJson } from './support';

const arrival: FivetranArrival = {
  kind: 'arrival',
  connectorId: 'wetransfer_app_db',
  groupId: 'landfall_warehouse',
  syncId: '6f1c2a9e-4b7d-4e0a-9c35-2d8e71f0b4a1',
  syncedAt: '2026-11-27T01:00:08.638Z',
  connectorName: 'app_postgres',
};

const failure: FivetranFailure = {
  kind: 'failure',
  connectorId: 'wetransfer_app_db',
  groupId: 'landfall_warehouse',
  syncId: 'c3e8a0f2-7d15-4b9c-a6e4-81b2f5d9e303',
  status: 'FAILURE_WITH_TASK',
  reason: 'boom',
  taskType: 'reconnect_warehouse',
  failedAt: '2026-11-27T03:00:42.917Z',
};

describe('dataArrivedFromFivetran', () => {
  it('builds a Data Arrived event keyed by the sync id', () => {
    expect(dataArrivedFromFivetran(arrival)).toEqual({
      source: 'landfall',
      detailType: 'Data Arrived',
      detail: {
        loader: 'fivetran',
        arrivalId: 'fivetran:6f1c2a9e-4b7d-4e0a-9c35-2d8e71f0b4a1',
        arrivedAt: '2026-11-27T01:00:08.638Z',
        connector: {
          connectorId: 'wetransfer_app_db',
          groupId: 'landfall_warehouse',
          syncId: '6f1c2a9e-4b7d-4e0a-9c35-2d8e71f0b4a1',
          connectorName: 'app_postgres',
        },
      },
    });
  });

  it('builds a detail its own schema accepts', () => {
    expect(DataArrivedDetailSchema.parse(dataArrivedFromFivetran(arrival).detail)).toEqual(dataArrivedFromFivetran(arrival).detail);
  });

  it('omits connectorName when Fivetran sent none', () => {
    const { connectorName: _dropped, ...withoutName } = arrival;
    expect(dataArrivedFromFivetran(withoutName).detail.connector).not.toHaveProperty('connectorName');
  });
});

describe('loaderFailedFromFivetran', () => {
  it('builds a Loader Failed event with the status, reason and task', () => {
    expect(loaderFailedFromFivetran(failure)).toEqual({
      source: LANDFALL_EVENT_SOURCE,
      detailType: LOADER_FAILED_DETAIL_TYPE,
      detail: {
        loader: 'fivetran',
        failureId: 'fivetran:c3e8a0f2-7d15-4b9c-a6e4-81b2f5d9e303',
        failedAt: '2026-11-27T03:00:42.917Z',
        connector: { connectorId: 'wetransfer_app_db', groupId: 'landfall_warehouse', syncId: 'c3e8a0f2-7d15-4b9c-a6e4-81b2f5d9e303' },
        status: 'FAILURE_WITH_TASK',
        reason: 'boom',
        taskType: 'reconnect_warehouse',
      },
    });
  });

  it('leaves out a reason and task Fivetran did not send', () => {
    const { reason: _r, taskType: _t, ...bare } = failure;
    const detail = loaderFailedFromFivetran(bare).detail;
    expect(detail).not.toHaveProperty('reason');
    expect(detail).not.toHaveProperty('taskType');
    expect(LoaderFailedDetailSchema.safeParse(detail).success).toBe(true);
  });
});

describe('landfallEventFromFivetran', () => {
  it('picks the event type from the classification', () => {
    expect(landfallEventFromFivetran(arrival)?.detailType).toBe(DATA_ARRIVED_DETAIL_TYPE);
    expect(landfallEventFromFivetran(failure)?.detailType).toBe(LOADER_FAILED_DETAIL_TYPE);
  });

  it('emits nothing for an ignored webhook', () => {
    expect(landfallEventFromFivetran({ kind: 'ignored', eventType: 'test_event', reason: 'test_event' })).toBeUndefined();
  });
});

describe('toPutEventsEntry', () => {
  it('serialises the detail as JSON text for PutEvents', () => {
    const entry = toPutEventsEntry(dataArrivedFromFivetran(arrival), 'landfall-bus');
    expect(entry).toEqual({
      EventBusName: 'landfall-bus',
      Source: 'landfall',
      DetailType: 'Data Arrived',
      Detail: JSON.stringify(dataArrivedFromFivetran(arrival).detail),
    });
  });
});

describe('DataArrivedDetailSchema', () => {
  it('accepts the DMS and S3 loaders in the same shape', () => {
    expect(
      DataArrivedDetailSchema.safeParse({
        loader: 'dms',
        arrivalId: 'dms:arn:aws:dms:us-east-1:123456789012:task:E2FD:2023-08-22T02:58:34Z',
        arrivedAt: '2023-08-22T02:58:34Z',
        connector: { taskArn: 'arn:aws:dms:us-east-1:123456789012:task:E2FD', eventId: 'DMS-EVENT-0079' },
      }).success,
    ).toBe(true);
    expect(
      DataArrivedDetailSchema.safeParse({
        loader: 's3',
        arrivalId: 's3:landing/firehose/orders/x.gz',
        arrivedAt: '2026-11-27T01:00:00Z',
        connector: { bucket: 'landing', key: 'firehose/orders/x.gz', deliveryStream: 'orders' },
      }).success,
    ).toBe(true);
  });

  it('refuses a connector that belongs to another loader', () => {
    const result = DataArrivedDetailSchema.safeParse({
      loader: 'dms',
      arrivalId: 'fivetran:1',
      arrivedAt: '2026-11-27T01:00:00Z',
      connector: { connectorId: 'wetransfer_app_db', groupId: 'g', syncId: '1' },
    });
    expect(result.success).toBe(false);
  });

  it('refuses an arrival time that is not an ISO timestamp', () => {
    const detail = { ...dataArrivedFromFivetran(arrival).detail, arrivedAt: 'timestamp' };
    expect(DataArrivedDetailSchema.safeParse(detail).success).toBe(false);
  });
});

describe('the landfall event samples', () => {
  it('events/samples/landfall/data-arrived.json is a valid Data Arrived event', () => {
    expect(DataArrivedEventSchema.safeParse(readEventsJson('samples/landfall/data-arrived.json')).success).toBe(true);
  });

  it('events/samples/landfall/loader-failed.json is a valid Loader Failed event', () => {
    expect(LoaderFailedEventSchema.safeParse(readEventsJson('samples/landfall/loader-failed.json')).success).toBe(true);
  });

  it('a Data Arrived event is not a Loader Failed event', () => {
    expect(LoaderFailedEventSchema.safeParse(readEventsJson('samples/landfall/data-arrived.json')).success).toBe(false);
  });
});
