/**
 * Issue 10's check on the packaged template: no IAM statement has a `*` resource except where AWS requires one, and
 * each of those is listed with its reason in docs/deploying.md ("`*` resources left, and why"). A new wildcard
 * statement fails here until it is scoped or listed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadYamlFile } from '../../src/deploy/serverless-template';

const repo = path.join(__dirname, '..', '..');

interface Statement { Effect?: string; Action?: string | string[]; Resource?: unknown }

/** Every statement of every policy document in serverless/*.resources.yml (documents built in JS are not wildcards: iam-policies.test.ts). */
function statements(): { file: string; statement: Statement }[] {
  const found: { file: string; statement: Statement }[] = [];
  const visit = (file: string, node: unknown): void => {
    if (Array.isArray(node)) node.forEach((item) => visit(file, item));
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (Array.isArray(record.Statement)) for (const statement of record.Statement as Statement[]) found.push({ file, statement });
      Object.values(record).forEach((value) => visit(file, value));
    }
  };
  for (const file of fs.readdirSync(path.join(repo, 'serverless')).filter((f) => f.endsWith('.resources.yml'))) {
    visit(file, loadYamlFile(path.join(repo, 'serverless', file)));
  }
  return found;
}

describe('IAM `*` resources (docs/deploying.md)', () => {
  const documented = fs.readFileSync(path.join(repo, 'docs', 'deploying.md'), 'utf8').split('### `*` resources left, and why')[1]?.split('\n### ')[0] ?? '';

  it('the policies have statements to check, and the doc has its table', () => {
    expect(statements().length).toBeGreaterThan(10);
    expect(documented).toContain('| statement | why `*` |');
  });

  it('lists every action granted on `*` with its reason', () => {
    const wildcards = statements().filter(({ statement }) => statement.Resource === '*' || (Array.isArray(statement.Resource) && statement.Resource.includes('*')));
    const undocumented = wildcards.flatMap(({ file, statement }) =>
      [statement.Action ?? []].flat().filter((action) => !documented.includes(action.replace(/^[a-z0-9-]+:/, ''))).map((action) => `${file}: ${action}`));
    expect(undocumented).toEqual([]);
  });

  it('allows nothing on `*` that has a resource type to scope it to (Data API submits, S3, SNS, SQS, Step Functions, DynamoDB)', () => {
    const scopable = /^(redshift-data:(Execute|BatchExecute)Statement|s3:|sns:|sqs:|states:|dynamodb:|secretsmanager:|events:PutEvents)/;
    const wide = statements().filter(({ statement }) => statement.Resource === '*' && [statement.Action ?? []].flat().some((action) => scopable.test(action)));
    expect(wide.map(({ file, statement }) => `${file}: ${[statement.Action].flat().join(', ')}`)).toEqual([]);
  });
});
