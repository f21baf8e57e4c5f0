/**
 * The secrets the functions read exist, are readable with GetSecretValue, and hold what the functions
 * expect — a non-empty SecretString for the Fivetran webhook signing secret; JSON with `username` and
 * `password` for Redshift credentials. The value is never printed.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type CheckResult, describeError, fail, pass } from './check-result';

export interface ExpectedSecret {
  /** Name or ARN. */
  secretId: string;
  kind: 'fivetran-webhook' | 'redshift-credentials';
}

const CREATE_HINT: Record<ExpectedSecret['kind'], (id: string) => string> = {
  'fivetran-webhook': (id) => `aws secretsmanager create-secret --name ${id} --secret-string '<the secret you give Fivetran>' (plain text), before the deploy`,
  'redshift-credentials': (id) => `store {"username": …, "password": …} in ${id} (aws secretsmanager put-secret-value --secret-id ${id} --secret-string file://creds.json)`,
};

export async function checkSecretsReadable(secretsManager: SecretsManagerClient, secrets: ExpectedSecret[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const secret of secrets) {
    const check = `secret ${secret.secretId}`;
    let text: string | undefined;
    try {
      const value = await secretsManager.send(new GetSecretValueCommand({ SecretId: secret.secretId }));
      text = value.SecretString;
    } catch (error) {
      const name = (error as { name?: string }).name;
      results.push(fail(check, `GetSecretValue failed (${describeError(error)})`,
        name === 'ResourceNotFoundException' ? CREATE_HINT[secret.kind](secret.secretId)
          : name === 'AccessDeniedException' ? 'your credentials (and the functions\' role) need secretsmanager:GetSecretValue on it, and kms:Decrypt when a customer managed key encrypts it'
            : 'check the secret in the Secrets Manager console'));
      continue;
    }
    if (!text) {
      results.push(fail(check, 'has no SecretString (binary or empty)', CREATE_HINT[secret.kind](secret.secretId)));
    } else if (secret.kind === 'redshift-credentials' && !hasCredentials(text)) {
      results.push(fail(check, 'is not JSON with username and password', CREATE_HINT[secret.kind](secret.secretId)));
    } else {
      results.push(pass(check, `readable (${secret.kind === 'fivetran-webhook' ? `${text.length} characters` : 'username and password'})`));
    }
  }
  return results;
}

function hasCredentials(text: string): boolean {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return typeof value.username === 'string' && typeof value.password === 'string';
  } catch {
    return false;
  }
}
