/**
 * Reading the functions' configuration from environment variables, and building each adapter once per Lambda
 * container. Every `aws-*.ts` factory caches through {@link once}, so a handler pays only for the clients it imports
 * (one small factory per client keeps the other SDK clients out of its bundle), and the local runtime can forget
 * them all with {@link resetBuiltAdapters} after it changes the environment.
 */

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function positiveInteger(name: string): number {
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`environment variable ${name} must be a positive integer, got '${process.env[name]}'`);
  return value;
}

const resets: (() => void)[] = [];

/**
 * A builder run on the first call only; {@link resetBuiltAdapters} makes the next call build again.
 * @example
 * export const awsAlertTopic = once(() => ({ sns: new SNSClient({}), topicArn: required('LANDFALL_ALERT_TOPIC_ARN') }));
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  resets.push(() => {
    built = undefined;
  });
  return () => (built ??= { value: build() }).value;
}

/** Forget every adapter built so far (the local runtime calls this after changing the environment). */
export function resetBuiltAdapters(): void {
  for (const reset of resets) reset();
}
