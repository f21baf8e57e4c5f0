/**
 * The Fivetran webhook reads its signing secret from Secrets Manager (the real SDK client against the local endpoint):
 * once per container, again once when a signature does not match — a rotated secret is accepted without a redeploy —
 * and never more than once a minute however many badly signed requests arrive.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signFivetranBody } from '../../src/events/fivetran/signature';
import { LocalEventBus } from '../../src/local/aws/event-bus';
import { type LocalCloud, startLocalCloud } from '../../src/local/aws/local-cloud';
import { LocalSecretsManager } from '../../src/local/aws/secrets-manager';
import { SecretsManagerWebhookSecret, WebhookSecretError } from '../../src/runtime/fivetran-webhook-secret';
import { HttpError } from '../../src/runtime/lambda/middleware';
import { receiveFivetranWebhook } from '../../src/runtime/receive-fivetran-webhook';

const SECRET_NAME = 'landfall/fivetran-webhook-secret';
const body = Buffer.from(JSON.stringify(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'events', 'samples', 'fivetran', 'sync-end-successful.json'), 'utf8'))));

let cloud: LocalCloud;
let secrets: LocalSecretsManager;
let eventBus: LocalEventBus;
let clients: { secretsManager: SecretsManagerClient; eventBridge: EventBridgeClient };

beforeAll(async () => {
  secrets = new LocalSecretsManager();
  eventBus = new LocalEventBus({ stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-secret-')) });
  cloud = await startLocalCloud({ eventBus, extraRoutes: { 'secretsmanager.': (q, r) => void secrets.handle(q, r) } });
  const config = { endpoint: cloud.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  clients = { secretsManager: new SecretsManagerClient(config), eventBridge: new EventBridgeClient(config) };
});
afterAll(async () => {
  await eventBus.whenIdle();
  await cloud.close();
});

function receive(secret: SecretsManagerWebhookSecret, signedWith: string) {
  return receiveFivetranWebhook(
    { rawBody: body, headers: { 'x-fivetran-signature-256': signFivetranBody(body, signedWith) } },
    { eventBridge: clients.eventBridge, eventBusName: 'default', secret },
  );
}

describe('Fivetran webhook secret from Secrets Manager', () => {
  it('reads the secret once per container and accepts requests signed with it', async () => {
    secrets.putSecretString(SECRET_NAME, 'first-secret');
    const before = secrets.readCount(SECRET_NAME);
    const secret = new SecretsManagerWebhookSecret(clients.secretsManager, SECRET_NAME);
    for (let i = 0; i < 3; i++) await expect(receive(secret, 'first-secret')).resolves.toMatchObject({ status: 'accepted' });
    expect(secrets.readCount(SECRET_NAME) - before).toBe(1);
  });

  it('after a rotation, re-reads once on the first mismatch and accepts the new secret without a redeploy', async () => {
    let now = 0;
    secrets.putSecretString(SECRET_NAME, 'before-rotation');
    const secret = new SecretsManagerWebhookSecret(clients.secretsManager, SECRET_NAME, { now: () => now });
    await expect(receive(secret, 'before-rotation')).resolves.toMatchObject({ status: 'accepted' });
    secrets.putSecretString(SECRET_NAME, 'after-rotation');
    now = 120_000;
    const before = secrets.readCount(SECRET_NAME);
    await expect(receive(secret, 'after-rotation')).resolves.toMatchObject({ status: 'accepted' });
    await expect(receive(secret, 'after-rotation')).resolves.toMatchObject({ status: 'accepted' });
    expect(secrets.readCount(SECRET_NAME) - before).toBe(1);
  });

  it('refuses a wrong signature with 401 and re-reads at most once a minute under a flood of them', async () => {
    let now = 0;
    secrets.putSecretString(SECRET_NAME, 'the-secret');
    const secret = new SecretsManagerWebhookSecret(clients.secretsManager, SECRET_NAME, { now: () => now });
    await secret.current();
    now = 61_000;
    const before = secrets.readCount(SECRET_NAME);
    for (let i = 0; i < 5; i++) {
      await expect(receive(secret, 'forged')).rejects.toEqual(new HttpError(401, 'X-Fivetran-Signature-256 does not match the body (HMAC-SHA256 with the webhook secret)'));
    }
    expect(secrets.readCount(SECRET_NAME) - before).toBe(1);
  });

  it('a missing secret or secret id fails with a message naming it', async () => {
    const missing = new SecretsManagerWebhookSecret(clients.secretsManager, 'landfall/no-such-secret');
    await expect(missing.current()).rejects.toThrow(/cannot read the Fivetran webhook secret landfall\/no-such-secret: ResourceNotFoundException: Secrets Manager can't find the specified secret/);
    expect(() => new SecretsManagerWebhookSecret(clients.secretsManager, '')).toThrow(WebhookSecretError);
  });
});
