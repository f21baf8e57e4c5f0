// Stands in for @smithy/core/event-streams in the Lambda bundles (esbuild alias in esbuild.config.js). The SDK loads
// event-stream support only for an operation with an event-stream member (HttpProtocol.loadEventStreamCapability);
// none of the operations the functions send has one (Redshift Data, S3 GetObject/PutObject/ListObjectsV2, DynamoDB,
// Step Functions, SNS, SQS, EventBridge, Secrets Manager), so the codec (~15 KiB minified) is dead code there.
// S3Client still builds its (unused) marshaller at construction: that part is kept, and any use of one fails loudly.
function notBundled() {
  throw new Error('AWS SDK event streams are not in this Lambda bundle (scripts/bundle/no-event-streams.mjs): remove the alias in esbuild.config.js to call an operation that streams events');
}
export const resolveEventStreamSerdeConfig = (input) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
export const eventStreamSerdeProvider = () => ({ serialize: notBundled, deserialize: notBundled });
export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}
