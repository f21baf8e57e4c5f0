/**
 * `landfall deps` end to end against real wire formats, offline: a local HTTP server answering the dbt hub's
 * JSON API and serving gzipped tarballs (made with `tar`), a bare git repository driven by the `git` CLI, and a
 * `local:` folder. Then the installed packages compile as dbt would: namespaced macros, dispatch, package
 * models with configs set from the root project, package generic tests.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runDeps } from '../../src/packages/deps';
import { readProjectFiles } from '../../src/engine/project/project-files';
import { compileManifest } from '../../src/engine/project/compile-manifest';
import { renderNodeSql } from '../../src/engine/render/render-node';

const target = { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } as const;

function write(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim();

describe('landfall deps', () => {
  let work: string;
  let server: http.Server;
  let hubUrl: string;
  const hubVersions: Record<string, unknown> = {};
  const requests: string[] = [];

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-deps-test-'));
    // A hub package, two versions, published as tarballs whose single top folder is the package (as GitHub's are).
    for (const version of ['1.0.0', '1.1.0', '2.0.0']) {
      const src = path.join(work, 'hub-src', `utils-${version}`);
      write(src, {
        'dbt_project.yml': `name: my_utils\nversion: '${version}'\nconfig-version: 2\n`,
        'macros/star.sql': `{% macro star(cols) %}{{ return(adapter.dispatch('star', 'my_utils')(cols)) }}{% endmacro %}\n{% macro default__star(cols) %}{{ cols | join(', ') }} /* v${version} */{% endmacro %}\n`,
        'macros/tests.sql': `{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}\n`,
      });
      execFileSync('tar', ['-czf', path.join(work, `utils-${version}.tar.gz`), '-C', path.join(work, 'hub-src'), `utils-${version}`]);
    }
    server = http.createServer((req, res) => {
      requests.push(req.url!);
      const tarball = /^\/files\/(utils-[\d.]+\.tar\.gz)$/.exec(req.url!);
      if (tarball) {
        res.writeHead(200, { 'content-type': 'application/gzip' }).end(fs.readFileSync(path.join(work, tarball[1]!)));
      } else if (req.url === '/api/v1/acme/my_utils.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'my_utils', namespace: 'acme', latest: '2.0.0', versions: hubVersions }));
      } else {
        res.writeHead(404).end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    for (const version of ['1.0.0', '1.1.0', '2.0.0']) {
      hubVersions[version] = { id: `acme/my_utils/${version}`, name: 'my_utils', version, packages: [], downloads: { tarball: `${hubUrl}files/utils-${version}.tar.gz` } };
    }

    // A git package in a subdirectory of a repository, tagged v1 then changed.
    const repo = path.join(work, 'git-src');
    write(repo, {
      'README.md': 'repo\n',
      'pkg/dbt_project.yml': 'name: calendar\nversion: "0.1.0"\nconfig-version: 2\nmodels:\n  calendar:\n    +materialized: table\n',
      'pkg/models/days.sql': "select 1 as day_number\n",
      'pkg/models/weeks.sql': "select day_number from {{ ref('days') }}\n",
      'pkg/models/schema.yml': 'version: 2\nmodels:\n  - name: days\n    columns:\n      - name: day_number\n        data_tests: [not_null]\n',
      'pkg/macros/today.sql': "{% macro today() %}'v1'{% endmacro %}\n",
    });
    git(repo, 'init', '--quiet', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'v1');
    git(repo, 'tag', 'v1');
    fs.writeFileSync(path.join(repo, 'pkg/macros/today.sql'), "{% macro today() %}'v2'{% endmacro %}\n");
    git(repo, 'commit', '--quiet', '-am', 'v2');
    execFileSync('git', ['clone', '--quiet', '--bare', repo, path.join(work, 'calendar.git')]);

    write(path.join(work, 'shared-lib'), {
      'dbt_project.yml': 'name: shared_lib\nversion: "1.0.0"\nconfig-version: 2\n',
      'macros/hello.sql': "{% macro hello() %}'hello from shared_lib'{% endmacro %}\n",
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(work, { recursive: true, force: true });
  });

  function project(name: string, packagesYml: string): string {
    const dir = path.join(work, name);
    write(dir, {
      'dbt_project.yml': [
        `name: ${name}`, 'config-version: 2',
        'dispatch:', '  - macro_namespace: my_utils', `    search_order: ['${name}', 'my_utils']`,
        'models:', '  calendar:', '    weeks:', '      +enabled: false',
      ].join('\n') + '\n',
      'packages.yml': packagesYml,
      'models/report.sql': "select {{ my_utils.star(['a', 'b']) }}, {{ calendar.today() }} as today, {{ shared_lib.hello() }} as hi from {{ ref('days') }}\n",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: report\n    columns:\n      - name: a\n        data_tests: [my_utils.is_positive]\n',
    });
    return dir;
  }

  const packagesYml = (utilsRange: string) => [
    'packages:',
    '  - package: acme/my_utils',
    `    version: ${utilsRange}`,
    `  - git: ${path.join(work, 'calendar.git')}`,
    '    revision: v1',
    '    subdirectory: pkg',
    '  - local: ../shared-lib',
  ].join('\n') + '\n';

  it('installs hub, git and local packages into dbt_packages/ and writes the lock', async () => {
    const dir = project('shop', packagesYml('[">=1.0.0", "<2.0.0"]'));
    const log: string[] = [];
    const result = await runDeps({ projectDir: dir, hubUrl, log: (l) => log.push(l) });
    expect(result.installed.sort()).toEqual(['calendar', 'my_utils', 'shared_lib']);
    const lock = fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8');
    expect(lock).toContain('package: acme/my_utils\n    version: 1.1.0');
    expect(lock).toMatch(/revision: [0-9a-f]{40}\n\s+subdirectory: pkg/);
    expect(lock).toContain('local: ../shared-lib');
    expect(lock).toMatch(/sha1_hash: [0-9a-f]{40}/);
    expect(fs.readFileSync(path.join(dir, 'dbt_packages/my_utils/macros/star.sql'), 'utf8')).toContain('v1.1.0');
    expect(fs.readFileSync(path.join(dir, 'dbt_packages/calendar/macros/today.sql'), 'utf8')).toContain("'v1'");
    expect(fs.lstatSync(path.join(dir, 'dbt_packages/shared_lib')).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(dir, 'dbt_packages/calendar/.git'))).toBe(false);
  });

  it('compiles what the packages contribute: namespaced macros, dispatch, package models and tests, root configs', async () => {
    const dir = path.join(work, 'shop');
    const manifest = compileManifest(readProjectFiles(dir), { target });
    expect(Object.keys(manifest.models).sort()).toEqual(['model.calendar.days', 'model.shop.report']); // weeks: +enabled: false from the root
    expect(manifest.models['model.calendar.days']!.config.materialized).toBe('table'); // the package's own dbt_project.yml
    expect(manifest.models['model.shop.report']!.dependsOn).toEqual(['model.calendar.days']);
    expect(Object.keys(manifest.tests).sort()).toEqual(['test.calendar.not_null_days_day_number', 'test.shop.my_utils_is_positive_report_a']);
    const sql = renderNodeSql(manifest, manifest.models['model.shop.report']!, { vars: {}, invocationId: 'x', runStartedAt: new Date(0), isIncremental: false } as never);
    expect(sql).toContain("a, b /* v1.1.0 */, 'v1' as today, 'hello from shared_lib' as hi");
    expect(manifest.tests['test.shop.my_utils_is_positive_report_a']!.rawSql).toContain('__landfall_pkg_my_utils__test_is_positive');
  });

  it('honours the lock while packages.yml is unchanged, and resolves again when it changes or with --upgrade', async () => {
    const dir = path.join(work, 'shop');
    const before = fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8');
    requests.length = 0;
    await runDeps({ projectDir: dir, hubUrl });
    expect(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')).toBe(before);
    expect(requests.filter((r) => r.startsWith('/api/'))).toHaveLength(1); // only to find the pinned version's tarball

    fs.writeFileSync(path.join(dir, 'packages.yml'), packagesYml('[">=1.0.0", "<3.0.0"]'));
    const changed = await runDeps({ projectDir: dir, hubUrl });
    expect(changed.lockWritten).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')).toContain('version: 2.0.0');
    expect(fs.readFileSync(path.join(dir, 'dbt_packages/my_utils/macros/star.sql'), 'utf8')).toContain('v2.0.0');

    // A newer version on the hub changes nothing until --upgrade.
    hubVersions['2.0.1'] = { ...(hubVersions['2.0.0'] as object), version: '2.0.1' };
    expect((await runDeps({ projectDir: dir, hubUrl })).lockWritten).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')).toContain('version: 2.0.0');
    expect((await runDeps({ projectDir: dir, hubUrl, upgrade: true })).lockWritten).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')).toContain('version: 2.0.1');
    delete hubVersions['2.0.1'];
  });

  it('installs a tarball package under its name', async () => {
    const dir = path.join(work, 'tarred');
    write(dir, { 'dbt_project.yml': 'name: tarred\nconfig-version: 2\n', 'packages.yml': `packages:\n  - tarball: ${hubUrl}files/utils-1.0.0.tar.gz\n    name: my_utils\n` });
    await runDeps({ projectDir: dir, hubUrl });
    expect(fs.readFileSync(path.join(dir, 'dbt_packages/my_utils/macros/star.sql'), 'utf8')).toContain('v1.0.0');
    expect(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')).toContain(`name: my_utils\n    tarball: ${hubUrl}files/utils-1.0.0.tar.gz`);
  });

  it('refuses to compile a project whose packages are not installed, naming packages.yml', () => {
    const dir = project('bare', packagesYml('1.0.0'));
    expect(() => readProjectFiles(dir)).toThrow(/packages\.yml:2: 3 package\(s\) are listed but only 0 installed in dbt_packages\/: run `landfall deps`/);
  });

  it('names what the hub could not give', async () => {
    const dir = project('missing', 'packages:\n  - package: acme/nothing_here\n    version: 1.0.0\n');
    await expect(runDeps({ projectDir: dir, hubUrl })).rejects.toThrow(/acme\/nothing_here is not on the dbt hub .*404/);
    const dir2 = project('toonew', packagesYml('">=5.0.0"'));
    await expect(runDeps({ projectDir: dir2, hubUrl })).rejects.toThrow(/no version of acme\/my_utils satisfies every requirement: the root project \(>=5\.0\.0\)/);
  });
});
