import {
  ConnectionConfigError,
  readConnectionTarget,
  toDataApiTargetFields,
} from '../../src/warehouse/connection-config';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift-landfall-AbCdEf';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    readConnectionTarget(env);
  } catch (error) {
    if (error instanceof ConnectionConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConnectionConfigError');
}

describe('readConnectionTarget', () => {
  it('reads a Serverless workgroup with IAM auth when neither secret nor DB user is set', () => {
    expect(readConnectionTarget({ LANDFALL_REDSHIFT_WORKGROUP: 'analytics', LANDFALL_REDSHIFT_DATABASE: 'dev' })).toEqual({
      compute: { kind: 'serverless', workgroupName: 'analytics' },
      database: 'dev',
      auth: { kind: 'iam' },
    });
  });

  it('reads a provisioned cluster with a Secrets Manager secret', () => {
    expect(
      readConnectionTarget({
        LANDFALL_REDSHIFT_CLUSTER: 'redshift-cluster-1',
        LANDFALL_REDSHIFT_DATABASE: 'dev',
        LANDFALL_REDSHIFT_SECRET_ARN: SECRET_ARN,
      }),
    ).toEqual({
      compute: { kind: 'provisioned', clusterIdentifier: 'redshift-cluster-1' },
      database: 'dev',
      auth: { kind: 'secret', secretArn: SECRET_ARN },
    });
  });

  it('reads a provisioned cluster with a DB user, trimming values and treating empty ones as unset', () => {
    expect(
      readConnectionTarget({
        LANDFALL_REDSHIFT_CLUSTER: ' redshift-cluster-1 ',
        LANDFALL_REDSHIFT_WORKGROUP: '',
        LANDFALL_REDSHIFT_DATABASE: 'dev',
        LANDFALL_REDSHIFT_DB_USER: 'etl',
        LANDFALL_REDSHIFT_SECRET_ARN: '  ',
      }),
    ).toMatchObject({ compute: { kind: 'provisioned', clusterIdentifier: 'redshift-cluster-1' }, auth: { kind: 'db-user', dbUser: 'etl' } });
  });

  it('reports every problem at once, naming the variables', () => {
    expect(problemsOf({})).toEqual([
      'LANDFALL_REDSHIFT_DATABASE is required (the database to run SQL in)',
      'set LANDFALL_REDSHIFT_CLUSTER (provisioned) or LANDFALL_REDSHIFT_WORKGROUP (Serverless)',
    ]);
  });

  it('refuses both a cluster and a workgroup', () => {
    expect(
      problemsOf({ LANDFALL_REDSHIFT_CLUSTER: 'c1', LANDFALL_REDSHIFT_WORKGROUP: 'wg1', LANDFALL_REDSHIFT_DATABASE: 'dev' }),
    ).toEqual(['set LANDFALL_REDSHIFT_CLUSTER or LANDFALL_REDSHIFT_WORKGROUP, not both']);
  });

  it('refuses both a secret and a DB user, and a DB user with a workgroup', () => {
    expect(
      problemsOf({
        LANDFALL_REDSHIFT_WORKGROUP: 'wg1',
        LANDFALL_REDSHIFT_DATABASE: 'dev',
        LANDFALL_REDSHIFT_SECRET_ARN: SECRET_ARN,
        LANDFALL_REDSHIFT_DB_USER: 'etl',
      }),
    ).toEqual([
      'set LANDFALL_REDSHIFT_SECRET_ARN or LANDFALL_REDSHIFT_DB_USER, not both (neither = IAM identity)',
      'LANDFALL_REDSHIFT_DB_USER works only with a provisioned cluster; use a secret or IAM with a workgroup',
    ]);
  });

  it('refuses a malformed secret ARN and cluster identifier', () => {
    const problems = problemsOf({
      LANDFALL_REDSHIFT_CLUSTER: 'My_Cluster',
      LANDFALL_REDSHIFT_DATABASE: 'dev',
      LANDFALL_REDSHIFT_SECRET_ARN: 'my-secret',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^LANDFALL_REDSHIFT_CLUSTER must be a cluster identifier/),
      'LANDFALL_REDSHIFT_SECRET_ARN must be a Secrets Manager secret ARN',
    ]);
  });

  it('reads process.env by default', () => {
    const saved = { ...process.env };
    try {
      process.env.LANDFALL_REDSHIFT_WORKGROUP = 'from-env';
      process.env.LANDFALL_REDSHIFT_DATABASE = 'dev';
      delete process.env.LANDFALL_REDSHIFT_CLUSTER;
      expect(readConnectionTarget().compute).toEqual({ kind: 'serverless', workgroupName: 'from-env' });
    } finally {
      process.env = saved;
    }
  });
});

describe('toDataApiTargetFields', () => {
  it('produces WorkgroupName and Database for IAM auth on Serverless', () => {
    expect(
      toDataApiTargetFields({ compute: { kind: 'serverless', workgroupName: 'wg' }, database: 'dev', auth: { kind: 'iam' } }),
    ).toEqual({ WorkgroupName: 'wg', Database: 'dev' });
  });

  it('produces ClusterIdentifier with SecretArn or DbUser', () => {
    const compute = { kind: 'provisioned', clusterIdentifier: 'c1' } as const;
    expect(toDataApiTargetFields({ compute, database: 'dev', auth: { kind: 'secret', secretArn: SECRET_ARN } })).toEqual({
      ClusterIdentifier: 'c1',
      Database: 'dev',
      SecretArn: SECRET_ARN,
    });
    expect(toDataApiTargetFields({ compute, database: 'dev', auth: { kind: 'db-user', dbUser: 'etl' } })).toEqual({
      ClusterIdentifier: 'c1',
      Database: 'dev',
      DbUser: 'etl',
    });
  });
});
