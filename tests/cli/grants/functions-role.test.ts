/**
 * The database user `landfall grants` and `landfall doctor` name comes from the role the deployment files
 * give the Data API functions: pinned names resolve for the stage and region, an unpinned provider role
 * gets osls's default name, and anything ambiguous is an error that says what to fix.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { functionsRoleName } from '../../../src/cli/grants/functions-role';

const REPO = path.resolve(__dirname, '..', '..', '..');
const dirs: string[] = [];

function deployment(serverlessYml: string, included: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-role-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'serverless.yml'), serverlessYml);
  if (Object.keys(included).length) fs.mkdirSync(path.join(dir, 'serverless'));
  for (const [file, text] of Object.entries(included)) fs.writeFileSync(path.join(dir, 'serverless', file), text);
  return dir;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const DATA_API_STATEMENT = `
        - Effect: Allow
          Action: [redshift-data:ExecuteStatement, redshift-data:DescribeStatement]
          Resource: '*'`;

describe('functionsRoleName', () => {
  it('resolves a pinned provider role name for the stage and region', () => {
    const dir = deployment(`service: landfall
provider:
  name: aws
  iam:
    role:
      name: \${self:service}-\${sls:stage}-\${aws:region}-data-api
      statements:${DATA_API_STATEMENT}
`);
    expect(functionsRoleName(dir, { stage: 'prod', region: 'eu-west-1' })).toEqual({ roleName: 'landfall-prod-eu-west-1-data-api', source: 'serverless.yml provider.iam.role.name', pinned: true });
  });

  it('finds an AWS::IAM::Role resource in an included file, with CloudFormation tags and a policy attached separately', () => {
    const dir = deployment('service: landfall\nprovider:\n  name: aws\n', {
      'roles.resources.yml': `Resources:
  WebhookRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub 'landfall-\${sls:stage}-webhook'
      Policies:
        - PolicyName: events
          PolicyDocument: { Statement: [{ Effect: Allow, Action: events:PutEvents, Resource: !GetAtt EventBus.Arn }] }
  DataApiRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: landfall-\${sls:stage}-\${opt:region, 'us-east-1'}-runs
  DataApiPolicy:
    Type: AWS::IAM::Policy
    Properties:
      Roles: [!Ref DataApiRole]
      PolicyDocument:
        Statement:${DATA_API_STATEMENT.replace(/\n {8}/g, '\n          ')}
`,
    });
    expect(functionsRoleName(dir, { stage: 'dev', region: 'us-east-2' })).toMatchObject({ roleName: 'landfall-dev-us-east-2-runs', source: 'serverless/roles.resources.yml DataApiRole.Properties.RoleName', pinned: true });
  });

  it("assumes osls's default name for an unpinned provider role, and says it is not pinned", () => {
    const dir = deployment(`service: landfall\nprovider:\n  iam:\n    role:\n      statements:${DATA_API_STATEMENT}\n`);
    expect(functionsRoleName(dir, { stage: 'prod', region: 'us-east-1' })).toMatchObject({ roleName: 'landfall-prod-us-east-1-lambdaRole', pinned: false });
  });

  it('refuses a variable it cannot resolve, two candidate roles, or none', () => {
    const unknown = deployment(`service: landfall\nprovider:\n  iam:\n    role:\n      name: landfall-\${env:WHO}\n      statements:${DATA_API_STATEMENT}\n`);
    expect(() => functionsRoleName(unknown, { stage: 'prod', region: 'us-east-1' })).toThrow(/cannot resolve \$\{env:WHO\}/);
    const none = deployment('service: landfall\nprovider:\n  name: aws\n');
    expect(() => functionsRoleName(none, { stage: 'prod', region: 'us-east-1' })).toThrow(/no IAM role .* allows redshift-data:ExecuteStatement/);
    const two = deployment(`service: landfall\nprovider:\n  iam:\n    role:\n      name: a\n      statements:${DATA_API_STATEMENT}\nresources:\n  Resources:\n    Other:\n      Type: AWS::IAM::Role\n      Properties:\n        RoleName: b\n        Policies:\n          - PolicyDocument:\n              Statement:${DATA_API_STATEMENT.replace(/\n {8}/g, '\n                ')}\n`);
    expect(() => functionsRoleName(two, { stage: 'prod', region: 'us-east-1' })).toThrow(/more than one IAM role/);
  });

  it("reads this repository's serverless.yml", () => {
    const role = functionsRoleName(REPO, { stage: 'prod', region: 'eu-west-1' });
    expect(role.roleName).toMatch(/^landfall-prod-/);
    expect(role.roleName.length).toBeLessThanOrEqual(64);
  });
});
