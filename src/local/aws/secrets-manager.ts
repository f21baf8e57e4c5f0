/**
 * A local Secrets Manager endpoint: AWS JSON 1.1 with `X-Amz-Target: secretsmanager.<Operation>`, so
 * `@aws-sdk/client-secrets-manager` runs unchanged (mount `handle` under `extraRoutes['secretsmanager.']` of
 * the local cloud and set `AWS_ENDPOINT_URL_SECRETS_MANAGER`). Operations: GetSecretValue (by name, full ARN, or
 * the ARN without its 6-character suffix, as AWS accepts) and PutSecretValue (a new AWSCURRENT version, which is
 * how a rotation looks to a reader). Unknown secrets answer ResourceNotFoundException with AWS's message.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalAwsError, UnknownOperationError } from './errors';
import { type JsonProtocol, readRequestBody, sendJsonError, sendJsonResult } from './wire';

const SECRETS_MANAGER_PROTOCOL: JsonProtocol = { version: '1.1', errorNamespace: 'com.amazonaws.secretsmanager' };

export class SecretNotFoundError extends LocalAwsError {
  constructor() {
    super('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    this.name = 'SecretNotFoundError';
  }
}

interface StoredSecret {
  name: string;
  arn: string;
  versionId: string;
  value: string;
  createdDate: Date;
  /** How many times GetSecretValue read it (tests check caching with this). */
  reads: number;
}

export interface LocalSecretsManagerOptions {
  region?: string;
  accountId?: string;
}

export class LocalSecretsManager {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly region: string;
  private readonly accountId: string;

  constructor(options: LocalSecretsManagerOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
  }

  /** Creates the secret or stores a new current version of it; returns its ARN. */
  putSecretString(name: string, value: string): string {
    const existing = this.secrets.get(name);
    const suffix = randomUUID().replace(/-/g, '').slice(0, 6);
    const secret: StoredSecret = {
      name,
      arn: existing?.arn ?? `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`,
      versionId: randomUUID(),
      value,
      createdDate: new Date(),
      reads: existing?.reads ?? 0,
    };
    this.secrets.set(name, secret);
    return secret.arn;
  }

  /** GetSecretValue calls served for this secret so far. */
  readCount(name: string): number {
    return this.secrets.get(name)?.reads ?? 0;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const text = await readRequestBody(request);
      const body = (text.trim() === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
      if (operation === 'GetSecretValue') return sendJsonResult(response, SECRETS_MANAGER_PROTOCOL, this.getSecretValue(body));
      if (operation === 'PutSecretValue') return sendJsonResult(response, SECRETS_MANAGER_PROTOCOL, this.putSecretValue(body));
      throw new UnknownOperationError(`secretsmanager.${operation}`);
    } catch (error) {
      sendJsonError(response, SECRETS_MANAGER_PROTOCOL, error);
    }
  }

  private getSecretValue(body: Record<string, unknown>) {
    const secret = this.find(body.SecretId);
    if (body.VersionStage !== undefined && body.VersionStage !== 'AWSCURRENT') throw new SecretNotFoundError();
    if (body.VersionId !== undefined && body.VersionId !== secret.versionId) throw new SecretNotFoundError();
    secret.reads += 1;
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.createdDate,
    };
  }

  private putSecretValue(body: Record<string, unknown>) {
    const secret = this.find(body.SecretId);
    if (typeof body.SecretString !== 'string') {
      throw new LocalAwsError('InvalidParameterException', 'You must provide either SecretString or SecretBinary.');
    }
    this.putSecretString(secret.name, body.SecretString);
    const updated = this.secrets.get(secret.name)!;
    return { ARN: updated.arn, Name: updated.name, VersionId: updated.versionId, VersionStages: ['AWSCURRENT'] };
  }

  /** By name, by full ARN, or by the ARN without the random suffix (a "partial ARN"). */
  private find(secretId: unknown): StoredSecret {
    if (typeof secretId !== 'string' || secretId.length === 0 || secretId.length > 2048) {
      throw new LocalAwsError('ValidationException', "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must have length between 1 and 2048");
    }
    const byName = this.secrets.get(secretId);
    if (byName) return byName;
    for (const secret of this.secrets.values()) {
      if (secret.arn === secretId || secret.arn.slice(0, -7) === secretId) return secret;
    }
    throw new SecretNotFoundError();
  }
}
