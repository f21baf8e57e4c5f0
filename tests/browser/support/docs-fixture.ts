/**
 * A small dbt project for the docs site's browser tests: a seed with a misspelled status, staging and mart models
 * with descriptions and column docs, and an accepted_values test that fails — built with landfall on PGlite, then
 * `landfall docs generate`, so the site has catalog types, compiled SQL, a run with a failing test and skipped nodes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';

export interface DocsFixture {
  projectDir: string;
  stateDir: string;
  targetDir: string;
  cleanup(): void;
}

/** The first day of the month `offset` months from now, UTC (`YYYY-MM-01`). */
export function monthStart(offset: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nversion: "1.0.0"\nprofile: shop\nmodels:\n  shop:\n    +materialized: view\n    marts:\n      +materialized: table\n',
  'seeds/raw_customers.csv': 'customer_id,customer_email,status\n1,ann@example.com,active\n2,bob@example.com,expird\n3,cy@example.com,churned\n',
  'models/staging/stg_customers.sql': "select customer_id, customer_email, status, upper(status) as status_code from {{ ref('raw_customers') }}\n",
  'models/staging/stg_orders.sql': "select customer_id, 10 * customer_id as order_total from {{ ref('stg_customers') }}\n",
  'models/staging/_staging.yml': [
    'version: 2', 'models:', '  - name: stg_customers', '    description: One row per customer, cleaned from the raw seed.', '    columns:',
    '      - name: customer_id', '        description: The customer key.', '        data_tests: [unique, not_null]',
    '      - name: loyalty_tier_code', '        description: Tier code from the loyalty programme (documented, not built yet).',
    '      - name: status', '        description: Lifecycle status.', '        data_tests:', '          - accepted_values:', '              arguments:', "                values: ['active', 'churned']",
    '  - name: stg_orders', '    description: Orders per customer.', '',
  ].join('\n'),
  'models/marts/fct_customer_value.sql': "select c.customer_id, sum(o.order_total) as lifetime_value\nfrom {{ ref('stg_customers') }} c join {{ ref('stg_orders') }} o using (customer_id)\ngroup by 1\n",
  // Two rows last month, one this month: the partitioned model keeps 3 months back from today.
  'seeds/raw_events.csv': `event_id,occurred_at\n1,${monthStart(-1)} 10:00:00\n2,${monthStart(-1)} 11:00:00\n3,${monthStart(0)} 09:00:00\n`,
  'models/marts/fct_events.sql': "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='event_id', partition_by={'field': 'occurred_at', 'granularity': 'month'}, retention_months=3) }}\nselect event_id, occurred_at::timestamp as occurred_at from {{ ref('raw_events') }}\n",
  'macros/cents.sql': '{% macro cents(column) %}({{ column }} * 100)::bigint{% endmacro %}\n',
};

export async function buildDocsFixture(): Promise<DocsFixture> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-docs-'));
  const projectDir = path.join(root, 'project');
  const stateDir = path.join(root, 'state');
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(projectDir, file)), { recursive: true });
    fs.writeFileSync(path.join(projectDir, file), text);
  }
  const common = ['--project-dir', projectDir, '--state-dir', stateDir];
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const build = await main(['build', ...common]);
    if (build !== 1) throw new Error(`the fixture's build should fail on its accepted_values test; exit code ${build}`);
    const docs = await main(['docs', 'generate', ...common]);
    if (docs !== 0) throw new Error(`landfall docs generate failed with ${docs}`);
  } finally {
    process.stdout.write = write;
  }
  return { projectDir, stateDir, targetDir: path.join(projectDir, 'target'), cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}
