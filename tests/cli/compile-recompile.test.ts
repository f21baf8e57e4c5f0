/**
 * `landfall compile` after one model was saved: the compiled artifact is patched (engine/project/model-edits.ts) and
 * target/manifest.json reuses the last one's entries without keying them (artifacts/manifest-fragments.ts
 * `trustUnchangedSince`). Both files must equal what a full compile writes, and a model whose compiled SQL reads the
 * compile's time must still show this compile's time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { ManifestFragments } from '../../src/artifacts/manifest-fragments';

const JAFFLE = path.resolve(__dirname, '..', 'compat', 'projects', 'jaffle_mart');
const PROFILES = 'compat:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: localhost\n      user: landfall\n      password: landfall\n      port: 5432\n      dbname: dev\n      schema: analytics\n      threads: 1\n';

/** stamped.sql's compiled SQL in manifest.json (its raw SQL says `stamped at {{ run_started_at }}`). */
const COMPILED_STAMP = /"compiled_code":"select 'stamped at ([^']*)'/;

/** The times a compile writes, masked: the rest must match byte for byte. */
function masked(file: string): string {
  return fs.readFileSync(file, 'utf8')
    .replace(/"created_at":[0-9.e+-]+/g, '"created_at":0')
    .replace(/"(generated_at|invocation_id|invocation_started_at|compiledAt)":"[^"]*"/g, '"$1":""')
    .replace(/stamped at [0-9][^']*'/g, "stamped at …'");
}

describe('landfall compile after a saved model', () => {
  let dir: string;
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  afterAll(() => write.mockRestore());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-recompile-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function copyProject(name: string): string {
    const project = path.join(dir, name);
    fs.cpSync(JAFFLE, project, { recursive: true, filter: (f) => !/\/(target|logs)$/.test(f) });
    fs.writeFileSync(path.join(project, 'profiles.yml'), PROFILES);
    // Its compiled SQL differs at every compile: kept fragments must not hide that.
    fs.writeFileSync(path.join(project, 'models', 'stamped.sql'), "select 'stamped at {{ run_started_at }}' as note from {{ ref('orders') }}\n");
    return project;
  }
  const compile = (project: string, ...extra: string[]) =>
    main(['compile', '--project-dir', project, '--profiles-dir', project, '--state-dir', path.join(project, '.landfall'), ...extra]);

  it('patches the artifact, reuses target/manifest.json entries unkeyed, and writes what a full compile writes', async () => {
    const project = copyProject('edited');
    expect(await compile(project)).toBe(0);
    const firstStamp = COMPILED_STAMP.exec(fs.readFileSync(path.join(project, 'target', 'manifest.json'), 'utf8'))![1];
    await new Promise((resolve) => setTimeout(resolve, 5)); // another run_started_at

    const trust = jest.spyOn(ManifestFragments.prototype, 'trustUnchangedSince');
    fs.appendFileSync(path.join(project, 'models', 'staging', 'stg_orders.sql'), '\n-- edited\n');
    expect(await compile(project)).toBe(0);
    expect(trust.mock.results.map((r) => r.value)).toEqual([true]);
    trust.mockRestore();
    const manifestText = fs.readFileSync(path.join(project, 'target', 'manifest.json'), 'utf8');
    expect(manifestText).toContain('-- edited');
    expect(COMPILED_STAMP.exec(manifestText)![1]).not.toBe(firstStamp);

    const full = copyProject('full');
    fs.appendFileSync(path.join(full, 'models', 'staging', 'stg_orders.sql'), '\n-- edited\n');
    expect(await compile(full, '--no-partial-parse')).toBe(0);
    expect(masked(path.join(project, 'target', 'manifest.json'))).toBe(masked(path.join(full, 'target', 'manifest.json')));
    expect(masked(path.join(project, '.landfall', 'landfall-manifest.json'))).toBe(masked(path.join(full, '.landfall', 'landfall-manifest.json')));
  });
});
