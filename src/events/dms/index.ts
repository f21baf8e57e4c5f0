/** AWS DMS events: parse the EventBridge envelope, classify it, build the landfall event. */
export { parseDmsEvent, DmsEventSchema, DmsEventDetailSchema, DMS_EVENT_SOURCE, DMS_TASK_STATE_CHANGE, DMS_REPLICATION_STATE_CHANGE } from './dms-event';
export type { DmsEvent } from './dms-event';
export { classifyDmsEvent, landfallEventFromDms, DMS_EVENT_IDS, FULL_LOAD_STOP_REASONS } from './classify';
export type { DmsClassification } from './classify';
