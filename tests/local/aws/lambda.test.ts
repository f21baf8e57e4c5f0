/**
 * The local Lambda Invoke endpoint (src/local/aws/lambda.ts) through the production `@aws-sdk/client-lambda`:
 * what AWS documents for a synchronous Invoke, never more lenient.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import path from 'node:path';
import { LocalLambda, MAX_SYNC_PAYLOAD_BYTES, WARM_INVOKE_MS } from '../../../src/local/aws/lambda';
import { LATENCY_ENV } from '../../../src/local/data-api/redshift-latency';
import { startLocalCloud, type LocalCloud } from '../../../src/local/aws/local-cloud';
import { LocalS3 } from '../../../src/local/aws/s3';
import { clientConfig, makeStateDir } from './support';

describe('local Lambda Invoke', () => {
  let cloud: LocalCloud;
  let client: LambdaClient;
  let remove: () => void;
  let stateDir: string;
  const lambda = new LocalLambda()
    .register('echo', async (event) => ({ got: event }))
    .register('broken', async () => {
      const error = new Error('models/m.sql:3: unexpected end of template');
      error.name = 'ProjectError';
      throw error;
    })
    .register('huge', async () => 'x'.repeat(MAX_SYNC_PAYLOAD_BYTES + 1));

  beforeAll(async () => {
    ({ stateDir, remove } = makeStateDir());
    const s3 = new LocalS3(path.join(stateDir, 's3'));
    s3.createBucket('invoke-paths');
    cloud = await startLocalCloud({ lambda, s3 });
    client = new LambdaClient(clientConfig(cloud.url));
  });
  afterAll(async () => {
    await cloud.close();
    remove();
  });

  const invoke = (FunctionName: string, payload: unknown) =>
    client.send(new InvokeCommand({ FunctionName, InvocationType: 'RequestResponse', Payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)) }));

  it('answers a RequestResponse invocation by name or ARN with the function result', async () => {
    for (const name of ['echo', 'arn:aws:lambda:us-east-1:000000000000:function:echo', 'arn:aws:lambda:us-east-1:000000000000:function:echo:$LATEST']) {
      const output = await invoke(name, { a: 1 });
      expect(output.StatusCode).toBe(200);
      expect(output.FunctionError).toBeUndefined();
      expect(JSON.parse(Buffer.from(output.Payload!).toString('utf8'))).toEqual({ got: { a: 1 } });
    }
    expect(lambda.invocations.get('echo')).toBe(3);
    expect(lambda.firstEvents.get('echo')).toEqual({ a: 1 });
  });

  it('refuses an unknown function with ResourceNotFoundException (404)', async () => {
    await expect(invoke('nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    // A version qualifier the endpoint does not have is not $LATEST.
    await expect(invoke('arn:aws:lambda:us-east-1:000000000000:function:echo:7', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('answers a thrown error as X-Amz-Function-Error: Unhandled with its errorType and errorMessage', async () => {
    const output = await invoke('broken', {});
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(output.Payload!).toString('utf8'))).toMatchObject({ errorType: 'ProjectError', errorMessage: 'models/m.sql:3: unexpected end of template' });
  });

  it('refuses a request payload over 6 MB with RequestTooLargeException (413), and an oversize response as a function error', async () => {
    await expect(invoke('echo', { blob: 'y'.repeat(MAX_SYNC_PAYLOAD_BYTES) })).rejects.toMatchObject({ name: 'RequestTooLargeException', $metadata: { httpStatusCode: 413 } });
    const output = await invoke('huge', {});
    expect(output.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(output.Payload!).toString('utf8'))).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
  });

  it('refuses a payload that is not JSON and an asynchronous invocation', async () => {
    await expect(invoke('echo', '{not json')).rejects.toMatchObject({ name: 'InvalidRequestContentException' });
    await expect(client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from('{}') }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('leaves S3 paths to S3 on the same server', async () => {
    const s3 = new S3Client({ ...clientConfig(cloud.url), forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: 'invoke-paths', Key: '2015-03-31/functions/x/invocations', Body: 'kept' }));
    const object = await s3.send(new GetObjectCommand({ Bucket: 'invoke-paths', Key: '2015-03-31/functions/x/invocations' }));
    expect(await object.Body!.transformToString()).toBe('kept');
  });

  it('in latency mode adds a warm Invoke\'s latency: the answer waits for it (LANDFALL_DATA_API_LATENCY is the switch)', async () => {
    const saved = process.env[LATENCY_ENV];
    try {
      process.env[LATENCY_ENV] = 'redshift';
      expect(new LocalLambda().invokeMs).toBe(WARM_INVOKE_MS);
      process.env[LATENCY_ENV] = 'off';
      expect(new LocalLambda().invokeMs).toBe(0);
    } finally {
      if (saved === undefined) delete process.env[LATENCY_ENV];
      else process.env[LATENCY_ENV] = saved;
    }
    // A sleep the test releases: the Invoke must not answer before it has waited the configured delay.
    const waits: number[] = [];
    let release!: () => void;
    const slow = new LocalLambda({ invokeMs: 40, sleep: (ms) => { waits.push(ms); return new Promise<void>((resolve) => { release = resolve; }); } })
      .register('echo', async (event) => ({ got: event }));
    const slowCloud = await startLocalCloud({ lambda: slow });
    try {
      const order: string[] = [];
      const answered = new LambdaClient(clientConfig(slowCloud.url))
        .send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'RequestResponse', Payload: Buffer.from('{"a":1}') }))
        .then((output) => { order.push('answered'); return output; });
      while (waits.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(waits).toEqual([40]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(order).toEqual([]);
      order.push('latency elapsed');
      release();
      const output = await answered;
      expect(order).toEqual(['latency elapsed', 'answered']);
      expect(JSON.parse(Buffer.from(output.Payload!).toString('utf8'))).toEqual({ got: { a: 1 } });
    } finally {
      await slowCloud.close();
    }
  });
});
