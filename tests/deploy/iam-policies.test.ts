/**
 * The stage-dependent IAM statements (serverless/iam-policies.js): exactly what the chosen Redshift auth needs,
 * scoped to the workgroup/cluster, and a clear error for parameters that cannot work.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { builders } = require('../../serverless/iam-policies.js') as {
  builders: {
    dataApiSubmitResource(p: Record<string, string>): unknown;
    redshiftCredentialStatements(p: Record<string, string>): { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
    fivetranSecretStatements(p: Record<string, string>): { Action: string | string[]; Resource: unknown }[];
  };
};

const workgroupId = '3f2a9c1e-0b7d-4e55-9a21-6c0d8e4f1a2b';
const serverless = { redshiftWorkgroup: 'analytics-wg', redshiftWorkgroupId: workgroupId, redshiftDatabase: 'dev', fivetranSecretName: 'landfall/fivetran' };
const provisioned = { redshiftCluster: 'analytics', redshiftDatabase: 'warehouse', fivetranSecretName: 'landfall/fivetran' };
const sub = (text: string) => ({ 'Fn::Sub': text });

describe('IAM statements from the stage parameters', () => {
  it('Serverless with IAM auth: Execute on the workgroup ARN (by id) and GetCredentials on it, nothing else', () => {
    const workgroupArn = sub(`arn:\${AWS::Partition}:redshift-serverless:\${AWS::Region}:\${AWS::AccountId}:workgroup/${workgroupId}`);
    expect(builders.dataApiSubmitResource(serverless)).toEqual(workgroupArn);
    expect(builders.redshiftCredentialStatements(serverless)).toEqual([{ Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: workgroupArn }]);
  });

  it('provisioned: the cluster ARN; IAM auth on the dbname, or GetClusterCredentials on dbuser + dbname with a DB user', () => {
    expect(builders.dataApiSubmitResource(provisioned)).toEqual(sub('arn:${AWS::Partition}:redshift:${AWS::Region}:${AWS::AccountId}:cluster:analytics'));
    expect(builders.redshiftCredentialStatements(provisioned)).toEqual([
      { Effect: 'Allow', Action: 'redshift:GetClusterCredentialsWithIAM', Resource: sub('arn:${AWS::Partition}:redshift:${AWS::Region}:${AWS::AccountId}:dbname:analytics/warehouse') },
    ]);
    expect(builders.redshiftCredentialStatements({ ...provisioned, redshiftDbUser: 'landfall' })).toEqual([
      {
        Effect: 'Allow',
        Action: 'redshift:GetClusterCredentials',
        Resource: [
          sub('arn:${AWS::Partition}:redshift:${AWS::Region}:${AWS::AccountId}:dbuser:analytics/landfall'),
          sub('arn:${AWS::Partition}:redshift:${AWS::Region}:${AWS::AccountId}:dbname:analytics/warehouse'),
        ],
      },
    ]);
  });

  it('a database secret: GetSecretValue on that ARN only (no tag condition), KMS through Secrets Manager/S3 when a key is set', () => {
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:redshift-AbCdEf';
    const kmsKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const statements = builders.redshiftCredentialStatements({ ...serverless, redshiftSecretArn: secretArn, kmsKeyArn });
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': [sub('secretsmanager.${AWS::Region}.amazonaws.com'), sub('s3.${AWS::Region}.amazonaws.com')] } },
      },
    ]);
    expect(builders.fivetranSecretStatements({ ...serverless, kmsKeyArn }).map((s) => s.Action)).toEqual(['secretsmanager:GetSecretValue', 'kms:Decrypt']);
  });

  it('the Fivetran secret by name: the ARN with Secrets Manager’s 6-character suffix', () => {
    expect(builders.fivetranSecretStatements(serverless)).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: sub('arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:landfall/fivetran-??????') },
    ]);
  });

  it('refuses parameters that cannot work, naming the fix', () => {
    expect(() => builders.dataApiSubmitResource({})).toThrow(/exactly one of --param="redshiftWorkgroup=…".*or --param="redshiftCluster=…"/);
    expect(() => builders.dataApiSubmitResource({ redshiftWorkgroup: 'a', redshiftCluster: 'b' })).toThrow(/exactly one/);
    expect(() => builders.dataApiSubmitResource({ redshiftWorkgroup: 'analytics-wg', redshiftWorkgroupId: 'analytics-wg' })).toThrow(
      /redshiftWorkgroupId=…" must be the workgroup's id, a UUID.*get-workgroup --workgroup-name analytics-wg/,
    );
    expect(() => builders.redshiftCredentialStatements({ ...serverless, redshiftDbUser: 'x' })).toThrow(/only with a provisioned cluster/);
    expect(() => builders.redshiftCredentialStatements({ ...provisioned, redshiftDbUser: 'x', redshiftSecretArn: 'arn:x' })).toThrow(/not both/);
  });
});
