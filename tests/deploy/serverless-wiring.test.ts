/**
 * Regression guards on the deployment files (what review findings D1, D2, R7, R15, N3 were about): no reserved
 * concurrency, an on-failure destination on every function EventBridge invokes asynchronously, no default alert
 * address, the DB user wired, and the dbt project compiled for the stage's target schema when bundling.
 */
import fs from 'node:fs';
import path from 'node:path';
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

  it('the webhook and normalizers run as the edge role, everything else as the Data API role', () => {
    const all = functions();
    const edge = Object.entries(all).filter(([, fn]) => fn.role === 'EdgeFunctionsRole').map(([name]) => name).sort();
    expect(edge).toEqual(['dmsEvent', 'fivetranWebhook', 'loaderFailedAlert', 's3ObjectCreated']);
    expect(text('serverless.yml')).toMatch(/^\s+iam:\n\s+role: DataApiFunctionsRole$/m);
    expect(Object.values(all).every((fn) => fn.role === undefined || fn.role === 'EdgeFunctionsRole')).toBe(true);
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
    const embedded = (schema: string) => JSON.parse(JSON.parse(config({ service: { custom: { landfall: { targetSchema: schema } } } }).define.LANDFALL_BUNDLED_MANIFEST_JSON)) as {
      models: Record<string, { relation: { schema: string } }>;
    };
    const schemas = (schema: string) => new Set(Object.values(embedded(schema).models).map((model) => model.relation.schema));
    expect([...schemas('analytics_ci_a')].some((schema) => schema?.startsWith('analytics_ci_a'))).toBe(true);
    expect([...schemas('analytics_ci_b')].some((schema) => schema?.startsWith('analytics_ci_a'))).toBe(false);
  }, 60_000);
});
