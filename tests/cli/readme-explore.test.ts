/**
 * The README's first minutes, verbatim: `npm start` (the demo), then every command of its "Then explore"
 * blocks as printed (`npx landfall` is this checkout's bin/landfall.js), including `serve` with `send-event` from
 * a second terminal — each must work on the state folder the demo wrote, and the run must end with a closing
 * line in both terminals. Runs in a scratch folder holding the repository's dbt/ and events/ (links), so the
 * repository's own .landfall/ is never touched.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'landfall.js');
const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
const CLOSING_LINE = /Execution (\S+) (SUCCEEDED|FAILED|TIMED_OUT|ABORTED) in [\d.]+s\./;
let work: string;

/** The `npx landfall …` lines of the shell blocks from "Then explore" up to the next heading. */
function exploreCommands(): string[] {
  const section = README.slice(README.indexOf('Then explore'), README.indexOf('\n## ', README.indexOf('Then explore')));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('npx landfall '));
}

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of ['LANDFALL_REDSHIFT_WORKGROUP', 'LANDFALL_REDSHIFT_CLUSTER', 'LANDFALL_DATABASE_URL', 'DBT_PROFILES_DIR', 'LANDFALL_TARGET_SCHEMA']) delete e[name];
  return e;
}

/** A README line run as a shell would, with `npx landfall` being this checkout's CLI. */
function shell(line: string) {
  const command = line.replace(/^npx landfall /, `"${process.execPath}" "${BIN}" `);
  const result = spawnSync(command, { shell: '/bin/bash', cwd: work, encoding: 'utf8', env: env(), timeout: 240_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-readme-'));
  fs.symlinkSync(path.join(REPO, 'dbt'), path.join(work, 'dbt'));
  fs.symlinkSync(path.join(REPO, 'events'), path.join(work, 'events'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("The README's explore commands after npm start", () => {
  it('lists the commands the README shows', () => {
    expect(exploreCommands()).toEqual(expect.arrayContaining([
      'npx landfall executions ls',
      'npx landfall serve',
      'npx landfall send-event events/samples/fivetran/sync-end-successful.json',
    ]));
  });

  it('all work verbatim on the demo state, and serve + send-event end the run with a closing line', async () => {
    const demo = shell('npx landfall demo');
    expect(demo.stdout).toContain('Look next');
    expect(demo.stdout.split('\n').length).toBeLessThan(100);
    expect(demo.stdout).toMatch(CLOSING_LINE);

    const commands = exploreCommands();
    for (const line of commands.filter((l) => l !== 'npx landfall serve' && !l.includes('send-event'))) {
      const result = shell(line);
      expect({ line, code: result.code, stderr: result.stderr }).toEqual({ line, code: 0, stderr: '' });
    }
    expect(shell('npx landfall executions ls').stdout.trim().split('\n').length).toBeGreaterThanOrEqual(2);
    expect(shell('npx landfall executions show latest').stdout).toContain('Nodes:');
    expect(shell(commands.find((l) => l.includes('landfall query'))!).stdout).toMatch(/\(5 rows\)/);

    // `serve` in one terminal, `send-event` in another.
    const serve = spawn(process.execPath, [BIN, 'serve'], { cwd: work, env: env() });
    let served = '';
    serve.stdout.on('data', (chunk: Buffer) => { served += chunk.toString('utf8'); });
    try {
      for (let waited = 0; !served.includes('Try:') && waited < 120_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
      expect(served).toContain('Try:');
      const sent = shell(commands.find((l) => l.includes('send-event'))!);
      expect(sent.stdout).toContain('Delivered to the `landfall serve` running on .landfall');
      const [, name] = CLOSING_LINE.exec(sent.stdout) ?? [];
      expect(name).toBeDefined();
      for (let waited = 0; !CLOSING_LINE.test(served) && waited < 10_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
      expect(served).toContain(`Execution ${name} `);
      expect(served).toMatch(/Done\. PASS=\d+ WARN=\d+ ERROR=\d+ SKIP=\d+ TOTAL=\d+/);
      // Sending it again runs nothing: it says which execution processed it and how to replay.
      const again = shell(commands.find((l) => l.includes('send-event'))!);
      expect(again.stdout).toContain(`Already processed: this arrival was run by execution ${name}`);
      expect(again.stdout).toContain(`npx landfall replay ${name}`);
      expect(shell(`npx landfall executions show ${name!.slice(0, 30)}`).code).toBe(0);
    } finally {
      serve.kill('SIGINT');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
  }, 600_000);
});
