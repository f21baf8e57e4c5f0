/** The checks every manifest-writing compile runs (`landfall compile`, the local stack and its watcher). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileChecks } from '../../src/deploy/compile-checks';
import { compileProject } from '../../src/engine/project/compile-project';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

function projectWithSourceMeta(root: string, meta: string): string {
  const projectDir = path.join(root, 'project');
  fs.mkdirSync(path.join(projectDir, 'models'), { recursive: true });
  fs.writeFileSync(path.join(projectDir, 'dbt_project.yml'), "name: billing_project\nversion: '1.0'\nprofile: p\n");
  fs.writeFileSync(path.join(projectDir, 'models', 'sources.yml'), `version: 2\nsources:\n  - name: billing\n    schema: raw\n    tables:\n      - name: invoices\n        meta: {landfall: ${meta}}\n`);
  fs.writeFileSync(path.join(projectDir, 'models', 'invoices.sql'), "select * from {{ source('billing', 'invoices') }}\n");
  return projectDir;
}

describe('compileChecks', () => {
  let root: string;
  beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-compile-checks-')); });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stops the compile on a bad meta.landfall.s3, naming the source and each problem, before the manifest is written', () => {
    const projectDir = projectWithSourceMeta(root, '{s3: {bucket: landing, prefix: "", format: xml}}');
    const out = path.join(root, 'manifest.json');
    expect(() => compileProject(projectDir, target, out, undefined, undefined, compileChecks(projectDir))).toThrow(
      'source.billing_project.billing.invoices: meta.landfall.s3 is invalid: prefix: Too small: expected string to have >=1 characters; format: Invalid option: expected one of "json"|"csv"',
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it('stops it on a bad DMS schedule too, and passes a valid project with its alerting facts attached', () => {
    expect(() => compileProject(projectWithSourceMeta(root, '{dms: {schedule: "rate(1 hours)"}}'), target, path.join(root, 'm.json'), undefined, undefined, compileChecks(path.join(root, 'project'))))
      .toThrow(/meta\.landfall\.dms\.schedule/);
    const projectDir = projectWithSourceMeta(root, '{s3: {bucket: landing, prefix: invoices/, format: csv}}');
    const manifest = compileProject(projectDir, target, path.join(root, 'ok.json'), undefined, undefined, compileChecks(projectDir));
    expect(manifest).toHaveProperty('alerting');
  });
});
