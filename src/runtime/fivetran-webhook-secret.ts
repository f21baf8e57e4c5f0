/**
 * The Fivetran webhook signing secret, read from Secrets Manager at run time instead of being resolved into an
 * environment variable at deploy time (where it shows in the console and a rotation needs a redeploy).
 *
 * The value is read once per container (cold start) and cached. When a signature does not match, the webhook asks
 * for a fresh copy once: after a rotation the new value is picked up on the first request signed with it, without a
 * redeploy. Re-reads are rate-limited (one per `minRereadIntervalMs`, default 60 s) so a flood of badly signed
 * requests cannot turn into a flood of GetSecretValue calls.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface WebhookSecret {
  /** The cached value (read on first use). */
  current(): Promise<string>;
  /** Reads the secret again; the new value when it changed, undefined when it did not or a re-read is not due. */
  reread(): Promise<string | undefined>;
}

export class WebhookSecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookSecretError';
  }
}

export interface SecretsManagerWebhookSecretOptions {
  minRereadIntervalMs?: number;
  now?: () => number;
}

export class SecretsManagerWebhookSecret implements WebhookSecret {
  private value: Promise<string> | undefined;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private readonly minRereadIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: SecretsManagerClient,
    /** The secret's name or ARN (`FIVETRAN_WEBHOOK_SECRET_ID`). */
    private readonly secretId: string,
    options: SecretsManagerWebhookSecretOptions = {},
  ) {
    if (!secretId) throw new WebhookSecretError('FIVETRAN_WEBHOOK_SECRET_ID is not set: the name or ARN of the Secrets Manager secret holding the Fivetran webhook secret');
    this.minRereadIntervalMs = options.minRereadIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  current(): Promise<string> {
    this.value ??= this.read();
    return this.value;
  }

  async reread(): Promise<string | undefined> {
    if (this.now() - this.lastReadAt < this.minRereadIntervalMs) return undefined;
    const before = await this.current().catch(() => undefined);
    const fresh = this.read();
    this.value = fresh;
    const after = await fresh;
    return after === before ? undefined : after;
  }

  private async read(): Promise<string> {
    this.lastReadAt = this.now();
    try {
      const result = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      if (!result.SecretString) throw new WebhookSecretError(`secret ${this.secretId} has no SecretString (store the Fivetran webhook secret as plain text)`);
      return result.SecretString;
    } catch (error) {
      this.value = undefined;
      if (error instanceof WebhookSecretError) throw error;
      throw new WebhookSecretError(`cannot read the Fivetran webhook secret ${this.secretId}: ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** A fixed secret (tests, or a caller that already holds the value). */
export function staticWebhookSecret(value: string): WebhookSecret {
  return { current: async () => value, reread: async () => undefined };
}
