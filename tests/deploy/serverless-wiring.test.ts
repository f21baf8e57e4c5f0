/**
 * Regression guards on the deployment files (what review findings D1, D2, R7, R15, N3 were about): no reserved
 * concurrency, an on-failure destination on every function EventBridge invokes asynchronously, no default alert
 * address, the DB user wired, and the dbt project compiled for the stage's target schema when bundling.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadYamlFile } from '../../src/deploy/serverless-template';

const repo = path.join(__dirname, '..', '..');
const text = (file: string) => fs.readFileSync(path.join(repo, file), 'utf8');
const deploymentFiles = ['serverless.yml', ...fs.readdirSync(path.join(repo, 'serverless')).filter((f) => f.endsWith('.yml')).map((f) => `serverless/${f}`)];
/** Function definitions by name, from serverless.yml's inline list and serverless/*.functions.yml (tags kept as text). */
function functions(): Record<string, Record<string, unknown>> {
  const load = (file: string) => loadYamlFile(path.join(repo, file));
  const inline = (load('serverless.yml').functions as unknown[]).filter((f) => typeof f === 'object') as Record<string, Record<string, unknown>>[];
  const included = deploymentFiles.filter((f) => f.endsWith('.functions.yml')).map((f) => load(f) as Record<string, Record<string, unknown>>);
  return Object.assign({}, ...inline, ...included);
}

describe('deployment wiring', () => {
  it('reserves no concurrency; the window queue mapping is capped with MaximumConcurrency instead', () => {
    for (const file of deploymentFiles) expect(text(file)).not.toMatch(/^\s*reservedConcurrency:/m);
    expect(text('serverless/arrivals.functions.yml')).toMatch(/arn: !GetAtt ArrivalsWindowQueue\.Arn[\s\S]*?maximumConcurrency: 2/);
  });

  it('every EventBridge-invoked function has an SQS on-failure destination', () => {
    const all = functions();
    const asynchronous = Object.entries(all).filter(([, fn]) => JSON.stringify(fn.events ?? []).includes('"eventBridge"')).map(([name]) => name);
    // LoaderFailedRule's target is declared as a resource, not an `events:` entry.
    const expected = [...asynchronous, 'loaderFailedAlert'].sort();
    expect(expected).toEqual(['arrivalRunFinished', 'dmsEvent', 'loaderFailedAlert', 's3ObjectCreated']);
    for (const name of expected) {
      expect({ name, onFailure: (all[name]!.destinations as { onFailure?: unknown } | undefined)?.onFailure }).toEqual({
        name,
        onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': ['FailedInvocationsQueue', 'Arn'] } },
      });
    }
  });

  it('the webhook and normalizers run as the edge role, the coalescer’s two as the arrivals role, RenderPlans as its own, the rest as the Data API role', () => {
    const all = functions();
    const edge = Object.entries(all).filter(([, fn]) => fn.role === 'EdgeFunctionsRole').map(([name]) => name).sort();
    expect(edge).toEqual(['dmsEvent', 'fivetranWebhook', 'loaderFailedAlert', 's3ObjectCreated']);
    expect(text('serverless.yml')).toMatch(/^\s+iam:\n\s+role: DataApiFunctionsRole$/m);
    expect(Object.entries(all).filter(([, fn]) => fn.role === 'ArrivalsFunctionsRole').map(([name]) => name).sort()).toEqual(['arrivalRunFinished', 'coalesceArrivals']);
    // RenderPlans renders from its event: a role of its own with no AWS access (serverless/iam.resources.yml).
    expect(Object.entries(all).filter(([, fn]) => fn.role === 'RenderPlansRole').map(([name]) => name)).toEqual(['renderPlans']);
    expect(Object.values(all).every((fn) => fn.role === undefined || ['EdgeFunctionsRole', 'ArrivalsFunctionsRole', 'RenderPlansRole'].includes(String(fn.role)))).toBe(true);
    expect(text('serverless.yml')).not.toMatch(/resolve:secretsmanager/);
  });

  it('has no default alert address, and a missing one stops the deploy with the fix', () => {
    const params = (loadYamlFile(path.join(repo, 'serverless.yml')) as { params: { default: Record<string, unknown> } }).params.default;
    expect(params).not.toHaveProperty('alertEmail');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { alertEmail } = require('../../scripts/require-param.js') as { alertEmail: () => never };
    expect(() => alertEmail()).toThrow(/missing --param="alertEmail=…"/);
  });

  it('wires the DB user param to the functions (the README documents LANDFALL_REDSHIFT_DB_USER)', () => {
    expect(text('serverless.yml')).toMatch(/LANDFALL_REDSHIFT_DB_USER: \$\{param:redshiftDbUser\}/);
  });

  it('compiles the dbt project for the stage’s targetSchema on every package (no stale artifact)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require('../../esbuild.config.js') as (serverless: unknown) => { define: Record<string, string> };
    const embeddedText = (define: Record<string, string>) => zlib.brotliDecompressSync(Buffer.from(JSON.parse(define.LANDFALL_BUNDLED_MANIFEST_BROTLI!) as string, 'base64')).toString('utf8');
    const embedded = (schema: string) => JSON.parse(embeddedText(config({ service: { custom: { landfall: { targetSchema: schema } } } }).define)) as {
      models: Record<string, { relation: { schema: string } }>;
    };
    const schemas = (schema: string) => new Set(Object.values(embedded(schema).models).map((model) => model.relation.schema));
    expect([...schemas('analytics_ci_a')].some((schema) => schema?.startsWith('analytics_ci_a'))).toBe(true);
    expect([...schemas('analytics_ci_b')].some((schema) => schema?.startsWith('analytics_ci_a'))).toBe(false);
  }, 60_000);
});

/** Resources by logical id from serverless/*.resources.yml (tags kept as text, `!Ref X` → { Ref: X }). */
function resources(): Record<string, { Type: string; Properties: Record<string, unknown> }> {
  const files = deploymentFiles.filter((f) => f.endsWith('.resources.yml'));
  return Object.assign({}, ...files.map((f) => (loadYamlFile(path.join(repo, f)) as { Resources?: object }).Resources ?? {}));
}
/** Every Allow statement attached to a role: its inline policies plus the managed/inline policies naming it. */
function statementsOf(role: string): { Action: string | string[]; Resource: unknown }[] {
  const all = resources();
  const inline = ((all[role]!.Properties.Policies ?? []) as { PolicyDocument: { Statement: unknown[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
  const attached = Object.values(all)
    .filter((r) => (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') && JSON.stringify(r.Properties.Roles).includes(`"${role}"`))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: unknown[] }).Statement);
  return [...inline, ...attached] as { Action: string | string[]; Resource: unknown }[];
}
const actionsOf = (role: string) => new Set(statementsOf(role).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
const environmentOf = (fn: Record<string, unknown>) => (fn.environment ?? {}) as Record<string, unknown>;

describe('run locks and loads wiring (src/runtime/run-locks*.ts, load nodes in AdvanceRun)', () => {
  it('has the lock table: key pk (string), TTL attribute ttl, on demand, point-in-time recovery', () => {
    const table = resources().RunLockTable!;
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    // The same names the store writes (run-locks-dynamodb.ts).
    const store = text('src/runtime/run-locks-dynamodb.ts');
    expect(store).toMatch(/Key: \{ pk: \{ S: key \} \}/);
    expect(store).toMatch(/ttl: \{ N: String\(/);
  });

  it('gives LANDFALL_RUN_LOCK_TABLE to every function whose code takes or releases locks, and only to them', () => {
    const all = functions();
    const withTable = Object.entries(all).filter(([, fn]) => environmentOf(fn).LANDFALL_RUN_LOCK_TABLE !== undefined).map(([name]) => name).sort();
    expect(withTable).toEqual(['arrivalRunFinished', 'lockRun', 'planRotation']);
    for (const name of withTable) expect(environmentOf(all[name]!).LANDFALL_RUN_LOCK_TABLE).toEqual({ Ref: 'RunLockTable' });
    // The handlers behind them: a new caller of the lock factory must be added above (and get the variable).
    const callers = fs.readdirSync(path.join(repo, 'functions')).filter((f) => f.endsWith('.ts'))
      .filter((f) => /runLocksFromEnvironment|awsRunLocks/.test(text(`functions/${f}`))).sort();
    expect(callers).toEqual(['arrival-run-finished.ts', 'lock-run.ts', 'plan-rotation.ts']);
  });

  it('lets the lock takers and the releaser read, write and delete lock items and describe the owners’ executions', () => {
    for (const role of ['DataApiFunctionsRole', 'ArrivalsFunctionsRole']) {
      const statements = statementsOf(role);
      const onTable = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': ['RunLockTable', 'Arn'] }));
      expect(onTable.flatMap((s) => s.Action).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
      const describe = statements.filter((s) => s.Action === 'states:DescribeExecution').map((s) => JSON.stringify(s.Resource)).join('\n');
      expect(describe).toMatch(/:execution:\$\{self:service\}-\$\{sls:stage\}-transform-run:\*/);
      if (role === 'DataApiFunctionsRole') expect(describe).toMatch(/:execution:\$\{self:service\}-\$\{sls:stage\}-rotate-partitions:\*/);
    }
    // The state machine names those ARNs are built from.
    expect(text('serverless.yml')).toMatch(/StateMachineName: \$\{self:service\}-\$\{sls:stage\}-transform-run/);
    expect(text('serverless/partitions.resources.yml')).toMatch(/StateMachineName: \$\{self:service\}-\$\{sls:stage\}-rotate-partitions/);
  });

  it('runs the coalescer and arrivalRunFinished without SQL or S3: their own role', () => {
    const all = functions();
    expect(all.coalesceArrivals!.role).toBe('ArrivalsFunctionsRole');
    expect(all.arrivalRunFinished!.role).toBe('ArrivalsFunctionsRole');
    const actions = [...actionsOf('ArrivalsFunctionsRole')];
    expect(actions.filter((a) => /^(redshift|redshift-data|redshift-serverless|s3|secretsmanager|kms|sns):/.test(a))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['states:StartExecution', 'states:DescribeExecution', 'dynamodb:GetItem', 'dynamodb:PutItem', 'sqs:ReceiveMessage']));
    // … and the Data API role no longer carries the coalescer's lease, queues or StartExecution.
    const dataApi = actionsOf('DataApiFunctionsRole');
    for (const action of ['states:StartExecution', 'sqs:ReceiveMessage']) expect(dataApi.has(action)).toBe(false);
  });

  it('lets AdvanceRun (load nodes) write COPY manifests and gives it the COPY role', () => {
    const generator = text('src/deploy/s3-route-resources.ts');
    expect(generator).toMatch(/Roles: \[\{ Ref: 'DataApiFunctionsRole' \}\]/);
    expect(generator).toMatch(/landfall\/load-batches\/\*/);
    const advance = functions().advanceRun!;
    expect(environmentOf(advance).LANDFALL_COPY_IAM_ROLE).toBe('${param:copyIamRoleArn}');
    // The variable is read where the load steps are built, with the workgroup's default role when it is empty.
    expect(text('src/runtime/aws-run-states.ts')).toMatch(/LANDFALL_COPY_IAM_ROLE \|\| 'default'/);
  });
});

describe('function bundles import only their own clients', () => {
  it('no handler imports the all-clients aws-dependencies.ts (bench/bundle-budget.json)', () => {
    const handlers = fs.readdirSync(path.join(repo, 'functions')).filter((f) => f.endsWith('.ts'));
    expect(handlers.filter((f) => /runtime\/aws-dependencies'/.test(text(`functions/${f}`)))).toEqual([]);
    // Nor a module the coalescer's two load (they run no SQL: no Redshift Data API or S3 client).
    expect(text('src/runtime/coalesce/aws-coalescer.ts')).not.toMatch(/aws-dependencies|client-s3|client-redshift-data/);
  });
});
