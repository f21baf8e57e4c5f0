/**
 * The role the privileges check asks about is the one the stack deployed: the deployment files of this checkout
 * name the Data API role (`IAMR:<name>` in the database), and the stack's `AWS::IAM::Role` resources carry the
 * names actually deployed (a role's physical id is its name). A stack deployed from an older checkout, or with
 * another stage/region, would otherwise pass or fail the privileges check for the wrong database user.
 */
import { type CheckResult, fail, pass } from './check-result';
import { type DeployedStack, resourcesOf } from './stack-outputs';

export function checkDeployedRole(stack: DeployedStack, expectedRoleName: string, deployCommand: string): CheckResult[] {
  const roles = resourcesOf(stack, 'AWS::IAM::Role').map((r) => r.physicalId);
  if (roles.length === 0) return [];
  return roles.includes(expectedRoleName)
    ? [pass('functions\' role', `${expectedRoleName} is deployed (database user IAMR:${expectedRoleName})`)]
    : [fail('functions\' role', `this checkout's Data API role ${expectedRoleName} is not in the stack (its roles: ${roles.join(', ')})`,
      `deploy this checkout (${deployCommand}) so the functions run as ${expectedRoleName}, or run doctor with the --stage/--region the stack was deployed with`)];
}
