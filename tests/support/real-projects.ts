/**
 * The real projects the engine's equivalence tests compile twice and compare (lazy macros, template shapes, parse
 * renders reused): the realistic generator's, a copy of the demo project (dbt/), and each dbt package's own integration
 * project (tests/compat/support/package-suites.ts). Package projects are skipped, with the reason, where the packages
 * are not checked out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { layOutSuite, PACKAGE_SUITES, packagesMissing } from '../compat/support/package-suites';
import { compileProject } from '../../src/engine/project/compile-project';
import type { Manifest } from '../../src/engine/manifest';
import { renderNodeSql } from '../../src/engine/render/render-node';

const DEMO_PROJECT = path.resolve(__dirname, '../../dbt');

/** Runs `check` in a fresh temp folder, removed afterwards. */
export function inTempDir<T>(prefix: string, check: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return check(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `check` on a copy of the demo project without its build output. */
export function inDemoProjectCopy<T>(prefix: string, check: (dir: string) => T): T {
  return inTempDir(prefix, (dir) => {
    fs.cpSync(DEMO_PROJECT, dir, { recursive: true, filter: (src) => !['target', 'logs', '.landfall'].includes(path.basename(src)) });
    return check(dir);
  });
}

/** `test` where the package projects can run, `test.skip` (with a warning naming what is missing) where not. */
export function testWithPackages(label: string): jest.It {
  const missing = packagesMissing();
  if (missing) console.warn(`${label}: package projects skipped: ${missing}`);
  return missing ? test.skip : test;
}

/** One test per package suite: `check` runs in its laid-out integration project, with the suite's environment set. */
export function testEachPackageProject(label: string, schema: string, check: (dir: string) => void, timeoutMs = 60_000): void {
  const withPackages = testWithPackages(label);
  for (const suite of PACKAGE_SUITES) {
    withPackages(`${suite.name}'s integration project`, () => {
      const project = layOutSuite(suite, 'postgres://postgres:pw@127.0.0.1:5432/landfall', schema);
      const saved = { ...process.env };
      Object.assign(process.env, project.env);
      try {
        check(project.dir);
      } finally {
        process.env = saved;
        fs.rmSync(path.dirname(project.dir), { recursive: true, force: true });
      }
    }, timeoutMs);
  }
}

const LOCAL_TARGET = { name: 'local', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

/** The manifest (compile time left out) and every model's and test's SQL, rendered as `compile` and as an incremental run. */
export function compileAndRenderEverything(dir: string): { manifest: unknown; sql: Record<string, string> } {
  const manifest: Manifest = compileProject(dir, LOCAL_TARGET, path.join(dir, '.landfall', 'landfall-manifest.json'));
  const sql: Record<string, string> = {};
  for (const node of [...Object.values(manifest.models), ...Object.values(manifest.tests)]) {
    for (const isIncremental of [false, true]) {
      try {
        sql[`${node.uniqueId} ${isIncremental}`] = renderNodeSql(manifest, node, { vars: manifest.vars, isIncremental, invocationId: 'x', runStartedAt: new Date(0) });
      } catch (error) {
        sql[`${node.uniqueId} ${isIncremental}`] = `error: ${(error as Error).message}`;
      }
    }
  }
  return { manifest: { ...manifest, compiledAt: undefined }, sql };
}
