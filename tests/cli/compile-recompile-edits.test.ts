/**
 * `landfall compile` with partial parsing after each kind of edit writes what a full `--no-partial-parse` compile of
 * the same files writes (target/manifest.json and the compiled artifact, times masked): whichever edits take the fast
 * path (a model's SQL with the same calls: the artifact spliced, kept manifest.json entries unrendered) and whichever
 * link again (a changed ref, YAML, a new or deleted model). Each case recompiles twice in a row, so the second
 * recompile starts from what the first one wrote (the fast path's own artifact, index and stable flags). A spliced
 * target/manifest.json keeps the created_at of entries it did not rebuild, which the comparison masks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { ManifestFragments } from '../../src/artifacts/manifest-fragments';

const JAFFLE = path.resolve(__dirname, '..', 'compat', 'projects', 'jaffle_mart');
const PROFILES = 'compat:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: localhost\n      user: landfall\n      password: landfall\n      port: 5432\n      dbname: dev\n      schema: analytics\n      threads: 1\n';

function masked(file: string): string {
  return fs.readFileSync(file, 'utf8')
    .replace(/"created_at":[0-9.e+-]+/g, '"created_at":0')
    .replace(/"(generated_at|invocation_id|invocation_started_at|compiledAt)":"[^"]*"/g, '"$1":""');
}

type Edit = (project: string, round: number) => void;
const append = (file: string, text: string): Edit => (project, round) => fs.appendFileSync(path.join(project, file), `${text} ${round}\n`);

const EDITS: [string, Edit, boolean][] = [
  // [what, the edit, whether the artifact is patched (model-edits.ts) rather than linked again]
  ['a SQL-only edit of a mart', append('models/marts/orders.sql', '-- edited'), true],
  ['a SQL-only edit of a static staging model', append('models/staging/stg_orders.sql', '-- edited'), true],
  ['an edit that changes a ref', (project, round) => fs.writeFileSync(path.join(project, 'models', 'marts', 'customers.sql'),
    `select * from {{ ref('${round === 0 ? 'stg_orders' : 'stg_payments'}') }}\n`), false],
  ['a YAML edit', (project, round) => {
    const file = path.join(project, 'models', 'marts', '_marts.yml');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, round === 0 ? text.replace('  - name: customers\n', '  - name: customers\n    description: edit 0\n') : text.replace('edit 0', `edit ${round}`));
  }, false],
  ['a new model', (project, round) => fs.writeFileSync(path.join(project, 'models', `added_${round}.sql`), `select 1 as n from {{ ref('orders') }}\n`), false],
  ['a deleted model', (project, round) => fs.rmSync(path.join(project, 'models', `spare_${round}.sql`)), false],
];

describe('landfall compile after each kind of edit equals a full compile', () => {
  let dir: string;
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  afterAll(() => write.mockRestore());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-recompile-edits-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const copyProject = (name: string): string => {
    const project = path.join(dir, name);
    fs.cpSync(JAFFLE, project, { recursive: true, filter: (f) => !/\/(target|logs)$/.test(f) });
    fs.writeFileSync(path.join(project, 'profiles.yml'), PROFILES);
    // Models nothing refers to, for the deleted-model case.
    for (const spare of [0, 1]) fs.writeFileSync(path.join(project, 'models', `spare_${spare}.sql`), `select ${spare} as n\n`);
    return project;
  };
  const compile = (project: string, ...extra: string[]) =>
    main(['compile', '--project-dir', project, '--profiles-dir', project, '--state-dir', path.join(project, '.landfall'), ...extra]);

  it.each(EDITS)('%s', async (_what, edit, patched) => {
    const project = copyProject('incremental');
    expect(await compile(project)).toBe(0);
    for (const round of [0, 1]) {
      const trust = jest.spyOn(ManifestFragments.prototype, 'trustUnchangedSince');
      const splice = jest.spyOn(ManifestFragments.prototype, 'spliceBasis');
      edit(project, round);
      expect(await compile(project)).toBe(0);
      // The fast path was (or was not) taken: only a patched artifact vouches for the kept entries.
      expect(trust.mock.results.map((r) => r.value)).toEqual(patched ? [true] : []);
      // …and target/manifest.json was spliced from the last one (artifacts/manifest-splice.ts) rather than assembled.
      expect(splice.mock.results.map((r) => r.value !== undefined)).toEqual(patched ? [true] : [false]);
      trust.mockRestore();
      splice.mockRestore();

      const full = path.join(dir, `full-${round}`);
      fs.rmSync(full, { recursive: true, force: true });
      fs.cpSync(project, full, { recursive: true, filter: (f) => !/\/(target|\.landfall)$/.test(f) });
      expect(await compile(full, '--no-partial-parse')).toBe(0);
      expect(masked(path.join(project, 'target', 'manifest.json'))).toBe(masked(path.join(full, 'target', 'manifest.json')));
      expect(masked(path.join(project, '.landfall', 'landfall-manifest.json'))).toBe(masked(path.join(full, '.landfall', 'landfall-manifest.json')));
    }
  });
});
