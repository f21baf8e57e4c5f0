/**
 * Every bucket an S3 route reads from sends its events to EventBridge: without the bucket's
 * `EventBridgeConfiguration`, S3 emits no "Object Created" event and no delivery ever starts a load
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/enable-event-notifications-eventbridge.html).
 * GetBucketNotificationConfiguration only.
 */
import { GetBucketNotificationConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import { type CheckResult, describeError, fail, pass } from './check-result';

export async function checkBucketNotifications(s3: S3Client, buckets: string[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const bucket of [...new Set(buckets)].sort()) {
    const check = `bucket ${bucket}`;
    try {
      const configuration = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
      results.push(configuration.EventBridgeConfiguration
        ? pass(check, 'sends events to EventBridge')
        : fail(check, 'EventBridge notifications are off: no S3 delivery will start a load',
          `S3 console → ${bucket} → Properties → Amazon EventBridge → Edit → On (or add "EventBridgeConfiguration": {} to the bucket's existing notification configuration and put-bucket-notification-configuration it back; a put replaces the whole configuration)`));
    } catch (error) {
      const name = (error as { name?: string }).name;
      results.push(fail(check, `GetBucketNotificationConfiguration failed (${describeError(error)})`,
        name === 'NoSuchBucket' ? `create the bucket, or fix meta.landfall.s3.bucket of the routed source` : 'your credentials need s3:GetBucketNotification on the bucket'));
    }
  }
  return results;
}
