/**
 * The stack's dead-letter queues are empty: a message there is an arrival or an event that was never
 * processed. GetQueueAttributes only (ApproximateNumberOfMessages, …NotVisible, …Delayed).
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type CheckResult, describeError, fail, pass } from './check-result';

const COUNTS = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;

export async function checkDeadLetterQueues(sqs: SQSClient, queueUrls: string[]): Promise<CheckResult[]> {
  if (queueUrls.length === 0) return [pass('dead-letter queues', 'the stack has none')];
  const results: CheckResult[] = [];
  for (const queueUrl of queueUrls) {
    const name = queueUrl.split('/').pop() ?? queueUrl;
    const check = `dead-letter queue ${name}`;
    try {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...COUNTS] }));
      const total = COUNTS.reduce((sum, key) => sum + Number(Attributes[key] ?? 0), 0);
      results.push(total === 0
        ? pass(check, 'empty')
        : fail(check, `${total} message(s) waiting`,
          `read them (aws sqs receive-message --queue-url ${queueUrl} --max-number-of-messages 10 --attribute-names All), fix the cause (the function's logs say why), then redrive them from the SQS console ("Start DLQ redrive") or purge them`));
    } catch (error) {
      results.push(fail(check, `GetQueueAttributes failed (${describeError(error)})`, 'your credentials need sqs:GetQueueAttributes on the queue'));
    }
  }
  return results;
}
