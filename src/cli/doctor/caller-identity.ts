/**
 * Who is asking, and in which account: STS GetCallerIdentity (needs no permission). Without usable
 * credentials nothing else can be checked, so the doctor stops there with the fix; with them, the line
 * names the account, so a check against the wrong account is obvious.
 */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { type CheckResult, describeError, fail, pass } from './check-result';

export async function checkCallerIdentity(sts: STSClient, region: string): Promise<CheckResult> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    return pass('AWS credentials', `account ${identity.Account ?? '?'} as ${identity.Arn ?? '?'}, region ${region}`);
  } catch (error) {
    return fail('AWS credentials', `unusable (${describeError(error)})`,
      'sign in (aws sso login --profile <profile>, then export AWS_PROFILE=<profile>; or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN) and run doctor again');
  }
}
