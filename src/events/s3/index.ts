/** S3 Object Created events (Firehose deliveries): parse, identify the object version, build the landfall arrival. */
export { parseObjectCreated, dataArrivedFromS3, objectVersionOf, S3ObjectCreatedEventSchema, S3_EVENT_SOURCE, OBJECT_CREATED } from './object-created';
export type { LandedObject, S3ObjectCreatedEvent } from './object-created';
export { skippedObjectReason, FIREHOSE_ERROR_OUTPUT_TYPES } from './skipped-objects';
