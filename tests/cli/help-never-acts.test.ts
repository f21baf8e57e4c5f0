/**
 * Help never acts: every command main.ts dispatches, asked for `--help`, `-h` or `landfall help CMD`, prints its
 * usage and exits 0 — and leaves a populated state folder, the project folder and the warehouse exactly as they
 * were, even with arguments that would otherwise drop a schema, and with the Redshift variables set (any call
 * would go to an endpoint that does not answer).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';

const REPO = path.resolve(__dirname, '..', '..');
const MAIN_SOURCE = fs.readFileSync(path.join(REPO, 'src', 'cli', 'main.ts'), 'utf8');
const NOT_COMMANDS = new Set(['help', '--help', '-h', '--version', '-v', 'version']);
/** Every `case 'name':` of main()'s dispatch: a command added later is covered without editing this test. */
const COMMANDS = [...new Set([...MAIN_SOURCE.matchAll(/case '([a-z-]+)':/g)].map((m) => m[1]!))].filter((c) => !NOT_COMMANDS.has(c));

/** Arguments that would change something if the command ran. */
const ACTING_ARGS: Record<string, string[]> = {
  query: ['drop schema jaffle cascade'],
  source: ['freshness'],
  executions: ['show', 'x'],
  'send-event': ['events/samples/fivetran/sync-end-successful.json'],
  replay: ['some-execution'],
  redrive: ['some-execution'],
  'run-operation': ['drop_everything', '--args', '{a: 1}'],
  rotate: ['--month', '2026-12'],
  backfill: ['--select', 'orders', '--from', '2026-01', '--to', '2026-02'],
  build: ['--full-refresh'],
};

let work: string;
let project: string;
let stateDir: string;

function snapshot(dir: string): string[] {
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const file = path.join(d, entry.name);
      const stat = fs.statSync(file);
      lines.push(`${path.relative(dir, file)} ${entry.isDirectory() ? 'dir' : stat.size} ${stat.mtimeMs}`);
      if (entry.isDirectory()) walk(file);
    }
  };
  walk(dir);
  return lines.sort();
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const TABLES_SQL = "select table_schema || '.' || table_name as t, (xpath('/row/c/text()', query_to_xml('select count(*) as c from ' || table_schema || '.' || table_name, false, true, '')))[1]::text as n from information_schema.tables where table_schema = 'jaffle' order by 1";

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-help-'));
  project = path.join(work, 'jaffle');
  fs.cpSync(path.join(REPO, 'tests', 'fixtures', 'projects', 'jaffle'), project, { recursive: true });
  stateDir = path.join(work, 'state');
  const seeded = await run(['seed', '--project-dir', project, '--state-dir', stateDir, '--target-schema', 'jaffle']);
  expect(seeded.code).toBe(0);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('Help never acts', () => {
  it('covers every command main.ts dispatches', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['build', 'run', 'test', 'seed', 'compile', 'query', 'demo', 'rotate', 'serve', 'send-event', 'executions', 'debug', 'show']));
  });

  it('prints usage and exits 0 for every command with --help, -h and `help CMD`, changing no file and no table', async () => {
    const tablesBefore = await run(['query', TABLES_SQL, '--json', '--project-dir', project, '--state-dir', stateDir]);
    expect(tablesBefore.code).toBe(0);
    expect(JSON.parse(tablesBefore.stdout).length).toBeGreaterThan(0);
    const filesBefore = [...snapshot(stateDir), ...snapshot(project)];

    const saved = { ...process.env };
    // Were a command to act, it would aim at Redshift through an endpoint nobody listens on.
    Object.assign(process.env, { LANDFALL_REDSHIFT_WORKGROUP: 'nowhere', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' });
    try {
      for (const command of COMMANDS) {
        const common = ['--project-dir', project, '--state-dir', stateDir];
        for (const argv of [[command, ...(ACTING_ARGS[command] ?? []), ...common, '--help'], [command, '-h', ...(ACTING_ARGS[command] ?? []), ...common], ['help', command]]) {
          const result = await run(argv);
          expect({ argv, code: result.code, stderr: result.stderr }).toEqual({ argv, code: 0, stderr: '' });
          expect(result.stdout).toMatch(new RegExp(`^Usage: landfall ${command === 'list' ? 'ls' : command}\\b`));
        }
      }
    } finally {
      process.env = saved;
    }

    expect([...snapshot(stateDir), ...snapshot(project)]).toEqual(filesBefore);
    const tablesAfter = await run(['query', TABLES_SQL, '--json', '--project-dir', project, '--state-dir', stateDir]);
    expect(tablesAfter.stdout).toBe(tablesBefore.stdout);
  });

  it('answers an unknown flag with the closest ones and an unknown command with the closest command', async () => {
    const flag = await run(['build', '--ful-refresh', '--project-dir', project, '--state-dir', stateDir]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown flag --ful-refresh (did you mean --full-refresh?)');
    const command = await run(['biuld']);
    expect(command.stderr).toContain("unknown command 'biuld' (did you mean 'build'?)");
    const version = await run(['--version']);
    expect(version.stdout).toMatch(/^landfall \d+\.\d+\.\d+/);
  });
});
