// The parts of the functions' IAM policies that depend on the stage's parameters (how the functions reach Redshift,
// whether a customer managed KMS key is in play), resolved when osls packages: serverless/iam.resources.yml uses
// `${file(./serverless/iam-policies.js):<name>}`. The packaged template then holds exactly the statements the
// configuration needs — no CloudFormation Conditions on constants, no empty ARNs in branches never taken.
// Each export receives osls's `resolveVariable`; the pure builders below are unit-tested (tests/deploy/iam-policies.test.ts).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

class DeployParamError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DeployParamError';
  }
}

/** @param {Record<string, string>} p the stage's params (empty string = not set) */
function redshiftTarget(p) {
  if (Boolean(p.redshiftWorkgroup) === Boolean(p.redshiftCluster)) {
    throw new DeployParamError('give exactly one of --param="redshiftWorkgroup=…" (Redshift Serverless) or --param="redshiftCluster=…" (provisioned)');
  }
  if (p.redshiftWorkgroup && !UUID.test(p.redshiftWorkgroupId || '')) {
    throw new DeployParamError(
      `--param="redshiftWorkgroupId=…" must be the workgroup's id, a UUID (got '${p.redshiftWorkgroupId || ''}'): aws redshift-serverless get-workgroup --workgroup-name ${p.redshiftWorkgroup} --query workgroup.workgroupId --output text`,
    );
  }
  if (p.redshiftWorkgroup && p.redshiftDbUser) throw new DeployParamError('redshiftDbUser works only with a provisioned cluster (redshiftCluster)');
  if (p.redshiftSecretArn && p.redshiftDbUser) throw new DeployParamError('give redshiftSecretArn or redshiftDbUser, not both (neither = IAM identity)');
  return p.redshiftWorkgroup ? 'workgroup' : 'cluster';
}

const sub = (text) => ({ 'Fn::Sub': text });
const workgroupArn = (p) => sub(`arn:\${AWS::Partition}:redshift-serverless:\${AWS::Region}:\${AWS::AccountId}:workgroup/${p.redshiftWorkgroupId}`);
const clusterArn = (p) => sub(`arn:\${AWS::Partition}:redshift:\${AWS::Region}:\${AWS::AccountId}:cluster:${p.redshiftCluster}`);
const dbNameArn = (p) => sub(`arn:\${AWS::Partition}:redshift:\${AWS::Region}:\${AWS::AccountId}:dbname:${p.redshiftCluster}/${p.redshiftDatabase || 'dev'}`);
const dbUserArn = (p) => sub(`arn:\${AWS::Partition}:redshift:\${AWS::Region}:\${AWS::AccountId}:dbuser:${p.redshiftCluster}/${p.redshiftDbUser}`);

/** The Resource of ExecuteStatement/BatchExecuteStatement: the one workgroup or cluster. */
function dataApiSubmitResource(p) {
  return redshiftTarget(p) === 'workgroup' ? workgroupArn(p) : clusterArn(p);
}

/** How the Data API authenticates the functions, plus KMS for a CMK-encrypted database secret. */
function redshiftCredentialStatements(p) {
  const target = redshiftTarget(p);
  const statements = [];
  if (p.redshiftSecretArn) {
    // The Data API reads the secret with the caller's permissions.
    statements.push({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: p.redshiftSecretArn });
  } else if (target === 'workgroup') {
    statements.push({ Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: workgroupArn(p) });
  } else if (p.redshiftDbUser) {
    statements.push({ Effect: 'Allow', Action: 'redshift:GetClusterCredentials', Resource: [dbUserArn(p), dbNameArn(p)] });
  } else {
    statements.push({ Effect: 'Allow', Action: 'redshift:GetClusterCredentialsWithIAM', Resource: dbNameArn(p) });
  }
  if (p.kmsKeyArn) {
    // The CMK of the database secret and/or SSE-KMS landing buckets (load manifests are written there), only
    // through those two services.
    statements.push({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: p.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': [sub('secretsmanager.${AWS::Region}.amazonaws.com'), sub('s3.${AWS::Region}.amazonaws.com')] } },
    });
  }
  return statements;
}

/** The webhook's read of the Fivetran secret (by name: Secrets Manager appends 6 random characters in the ARN). */
function fivetranSecretStatements(p) {
  if (!p.fivetranSecretName) throw new DeployParamError('--param="fivetranSecretName=…" is empty: the Secrets Manager secret holding the Fivetran webhook secret');
  const statements = [{
    Effect: 'Allow',
    Action: 'secretsmanager:GetSecretValue',
    Resource: sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${p.fivetranSecretName}-??????`),
  }];
  if (p.kmsKeyArn) {
    statements.push({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: p.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': sub('secretsmanager.${AWS::Region}.amazonaws.com') } },
    });
  }
  return statements;
}

const PARAMS = ['redshiftWorkgroup', 'redshiftWorkgroupId', 'redshiftCluster', 'redshiftDatabase', 'redshiftSecretArn', 'redshiftDbUser', 'kmsKeyArn', 'fivetranSecretName'];

async function stageParams(resolveVariable) {
  const entries = await Promise.all(PARAMS.map(async (name) => [name, String((await resolveVariable(`param:${name}`)) ?? '')]));
  return Object.fromEntries(entries);
}

module.exports = {
  dataApiSubmitResource: async ({ resolveVariable }) => dataApiSubmitResource(await stageParams(resolveVariable)),
  redshiftCredentialStatements: async ({ resolveVariable }) => redshiftCredentialStatements(await stageParams(resolveVariable)),
  fivetranSecretStatements: async ({ resolveVariable }) => fivetranSecretStatements(await stageParams(resolveVariable)),
  builders: { dataApiSubmitResource, redshiftCredentialStatements, fivetranSecretStatements, DeployParamError },
};
