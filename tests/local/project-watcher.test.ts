/**
 * serve's project watcher (src/local/project-watcher.ts): a model file saved while the local stack runs is
 * recompiled in-process, and the next run through the state machine builds the new SQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { attachAlertingFacts } from '../../src/alerts/alerting-facts';
import { startLocalStack, type LocalStack } from '../../src/local/local-stack';
import { localTarget } from '../../src/local/local-warehouse';
import { recompileLine, watchedProjectFile, watchProject, type ProjectWatcher, type RecompileOutcome } from '../../src/local/project-watcher';
import { MANIFEST_FILE } from '../../src/runtime/compiled-project';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('serve project watcher', () => {
  let root: string;
  let stack: LocalStack | undefined;
  let watcher: ProjectWatcher | undefined;

  afterEach(async () => {
    watcher?.close();
    await stack?.close();
    watcher = undefined;
    stack = undefined;
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('recompiles a saved model and the stack then runs its new SQL', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-watch-'));
    const projectDir = path.join(root, 'project');
    const stateDir = path.join(root, 'state');
    fs.mkdirSync(path.join(projectDir, 'models'), { recursive: true });
    fs.writeFileSync(path.join(projectDir, 'dbt_project.yml'), "name: watched\nversion: '1.0'\nprofile: p\n");
    fs.writeFileSync(path.join(projectDir, 'models', 'base.sql'), "{{ config(materialized='table') }}\nselect 1 as n\n");
    fs.writeFileSync(path.join(projectDir, 'models', 'report.sql'), "{{ config(materialized='table') }}\nselect n * {{ 10 }} as answer from {{ ref('base') }}\n");
    stack = await startLocalStack({ repoRoot, projectDir, stateDir, waitTimeScaleMs: 5 });
    const build = async (name: string) => {
      const execution = await new SFNClient({}).send(new StartExecutionCommand({ stateMachineArn: stack!.transformStateMachineArn, name, input: JSON.stringify({ command: 'build', reason: 'watcher test' }) }));
      expect((await stack!.stepFunctions.waitForExecution(execution.executionArn!)).status).toBe('SUCCEEDED');
      return Number((await stack!.engine.query('select answer from analytics.report')).rows[0]![0]);
    };
    expect(await build('before-save')).toBe(10);

    const lines: string[] = [];
    const recompiled = new Promise<RecompileOutcome>((resolve, reject) => {
      watcher = watchProject({
        projectDir, stateDir, target: localTarget(), manifestPath: path.join(stateDir, MANIFEST_FILE), checks: [attachAlertingFacts(projectDir)],
        onCompiled: (outcome) => {
          lines.push(recompileLine(outcome));
          resolve(outcome);
        },
        onError: reject,
      });
    });
    fs.writeFileSync(path.join(projectDir, 'models', 'report.sql'), "{{ config(materialized='table') }}\nselect n * {{ 7 * 6 }} as answer from {{ ref('base') }}\n");
    const outcome = await recompiled;

    expect(outcome).toMatchObject({ changed: ['models/report.sql'], models: 2, parsed: 1 });
    expect(lines).toEqual([expect.stringMatching(/^↻ models\/report\.sql saved: recompiled 2 models in [\d.]+ ms \(1 file parsed again\)/)]);
    expect(await build('after-save')).toBe(42);
  }, 120_000);

  it('a save that does not compile keeps the previous artifact and reports the error with its file', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-watch-'));
    const projectDir = path.join(root, 'project');
    fs.mkdirSync(path.join(projectDir, 'models'), { recursive: true });
    fs.writeFileSync(path.join(projectDir, 'dbt_project.yml'), "name: watched\nversion: '1.0'\n");
    fs.writeFileSync(path.join(projectDir, 'models', 'a.sql'), 'select 1 as n\n');
    const manifestPath = path.join(root, MANIFEST_FILE);
    const errors: string[] = [];
    watcher = watchProject({ projectDir, stateDir: root, target: localTarget(), manifestPath, settleMs: 60_000, onCompiled: () => undefined, onError: (e) => errors.push(e.message) });
    expect(watcher.recompile()).toMatchObject({ models: 1 });
    const written = fs.readFileSync(manifestPath, 'utf8');
    fs.writeFileSync(path.join(projectDir, 'models', 'a.sql'), "select {{ ref('missing') }}\n");
    expect(watcher.recompile(['models/a.sql'])).toBeUndefined();
    expect(errors).toEqual([expect.stringContaining("ref('missing') does not match any model or seed")]);
    expect(fs.readFileSync(manifestPath, 'utf8')).toBe(written);
  });

  it('watches the files a compile reads, not what commands write', () => {
    expect(['models/a.sql', 'models/schema.yml', 'seeds/x.csv', 'dbt_project.yml', 'models/docs.md'].every(watchedProjectFile)).toBe(true);
    expect(['target/manifest.json', 'target/compiled/a.sql', 'logs/landfall.log', 'dbt_packages/u/macros/a.sql', '.landfall/x.yml', 'models/.a.sql.swp'].some(watchedProjectFile)).toBe(false);
  });
});
