/** The local stack compiles the project with the checks `landfall compile` runs (the DMS schedule check). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalStack } from '../../src/local/local-stack';

it('refuses to start on a project with an invalid meta.landfall.dms.schedule, naming the source', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-stack-compile-'));
  try {
    const projectDir = path.join(root, 'project');
    fs.mkdirSync(path.join(projectDir, 'models'), { recursive: true });
    fs.writeFileSync(path.join(projectDir, 'dbt_project.yml'), "name: billing_project\nversion: '1.0'\nprofile: p\n");
    fs.writeFileSync(path.join(projectDir, 'models', 'sources.yml'), [
      'version: 2',
      'sources:',
      '  - name: billing',
      '    schema: raw',
      '    tables:',
      '      - name: invoices',
      '        meta: {landfall: {dms: {schedule: "rate(1 hours)"}}}',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(projectDir, 'models', 'invoices.sql'), "select * from {{ source('billing', 'invoices') }}\n");
    await expect(startLocalStack({ repoRoot: path.resolve(__dirname, '../..'), projectDir, stateDir: path.join(root, 'state') }))
      .rejects.toThrow(/source billing\.invoices: meta\.landfall\.dms\.schedule/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
