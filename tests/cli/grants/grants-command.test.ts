/**
 * `landfall grants` as a user runs it: the role comes from this repository's deployment files, resolved for the
 * stage and region; `--user` switches to a Secrets Manager user; bad flags exit 2 saying what is wrong.
 */
import path from 'node:path';
import { main } from '../../../src/cli/main';

const REPO = path.resolve(__dirname, '..', '..', '..');

async function grants(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += chunk.toString()), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += chunk.toString()), true));
  try {
    return { code: await main(['grants', '--project-dir', path.join(REPO, 'dbt'), ...args]), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('landfall grants', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env.LANDFALL_TARGET_SCHEMA;
    delete process.env.LANDFALL_REDSHIFT_DATABASE;
  });
  afterAll(() => {
    process.env = saved;
  });

  it('prints a script for the IAMR user of the Data API role, in the stage and region asked for', async () => {
    const { code, out } = await grants('--stage', 'prod', '--region', 'eu-west-1', '--target-schema', 'marts');
    expect(code).toBe(0);
    const user = /create user "(IAMR:[^"]+)" password disable;/.exec(out)?.[1];
    expect(user).toMatch(/^IAMR:landfall-prod-eu-west-1-/);
    expect(out).toContain(`grant create on database "dev" to "${user}";`);
    expect(out).toContain(`grant usage on schema "raw" to "${user}";`);
    expect(out).toContain(`create schema if not exists "marts_staging" authorization "${user}";`);
    // Every line is a comment or one statement ending in `;`: the file runs as is in the query editor.
    expect(out.split('\n').filter((l) => l && !l.startsWith('--') && !l.endsWith(';'))).toEqual([]);
  });

  it('--user prints the grants for a Secrets Manager user instead; --json lists the statements', async () => {
    const { out } = await grants('--user', 'landfall_svc', '--json');
    const parsed = JSON.parse(out) as { user: string; role: unknown; statements: string[] };
    expect(parsed.user).toBe('landfall_svc');
    expect(parsed.role).toBeNull();
    expect(parsed.statements[0]).toMatch(/^create user "landfall_svc" password '</);
  });

  it('refuses a malformed region or dialect with exit code 2', async () => {
    expect(await grants('--region', 'Europe')).toMatchObject({ code: 2, err: expect.stringContaining('--region must be an AWS region such as eu-west-1, got Europe') });
    expect(await grants('--dialect', 'mysql')).toMatchObject({ code: 2, err: expect.stringContaining('--dialect must be redshift or postgres') });
  });
});
