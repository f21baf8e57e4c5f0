import { MAX_BODY_BYTES, composeRunFailureAlert, composeSubject, stepFunctionsConsoleUrl } from '../../src/alerts';
import { sampleReport } from './fixtures';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('Function: composeRunFailureAlert', () => {
  it('opens with a one-line summary of failed, skipped and passed nodes', () => {
    const { body } = composeRunFailureAlert(sampleReport());

    expect(body.split('\n')[0]).toBe(
      'Run 2026-11-27T02:10 failed: 1 model and 1 test failed, 2 models and 1 test skipped, 12 models and 30 tests passed.',
    );
    expect(body).toContain('Trigger:   fivetran assimilate_seem, arrived 2026-11-27T02:09:41Z (sync_end b4703f73)');
  });

  it('describes each failure in order: what failed, where, the result, then the SQL to reproduce it', () => {
    const { body } = composeRunFailureAlert(sampleReport());
    const order = [
      'FAILURE 1 of 2: test not_null_fct_transfers_amount on model fct_transfers',
      'File:  models/marts/_marts.yml',
      '7 failing rows (first 5 shown):',
      'Reproduce it with this compiled SQL:',
      '    from analytics.fct_transfers',
      'FAILURE 2 of 2: model fct_orders',
      'File:  models/marts/fct_orders.sql',
      '    ERROR: relation "raw.orders" does not exist',
      '    select * from raw.orders',
      'SKIPPED: 2 downstream models not built, 1 test not run',
      '  - fct_revenue (model.landfall.fct_revenue)',
      'EXECUTION',
    ];
    const positions = order.map((text) => body.indexOf(text));

    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('shows at most five sample rows as an aligned table', () => {
    const { body } = composeRunFailureAlert(sampleReport());
    const lines = body.split('\n');
    const header = lines.findIndex((line) => line.includes('transfer_id | amount | currency'));
    const table = lines.slice(header, header + 7);

    expect(table).toEqual([
      '     transfer_id | amount | currency',
      '    -------------+--------+------------------------------------------',
      '             101 |   NULL | EUR',
      '            1002 |  -5.25 | USD',
      '           10003 |   NULL | a very long currency name that goes on …',
      '               4 |   NULL | EUR',
      '               5 |   NULL | line↵break',
    ]);
    expect(lines[header + 7]).toBe('');
    const pipes = table.filter((line) => !line.includes('-+-')).map((line) => [...line].map((c, i) => (c === '|' ? i : -1)).filter((i) => i >= 0));
    expect(new Set(pipes.map((positions) => positions.join(','))).size).toBe(1);
  });

  it('links to the execution in the Step Functions console and explains how to replay it', () => {
    const report = sampleReport({ replayHint: 'landfall replay sync-b4703f73' });
    const { body } = composeRunFailureAlert(report);

    expect(body).toContain(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:landfall-transform:sync-b4703f73',
    );
    expect(body).toContain(`aws stepfunctions redrive-execution --region eu-west-1 --execution-arn ${report.executionArn}`);
    expect(body).toContain('--state-machine-arn arn:aws:states:eu-west-1:123456789012:stateMachine:landfall-transform');
    expect(body).toContain('    landfall replay sync-b4703f73');
  });

  it('says so when a failing test captured no sample rows', () => {
    const report = sampleReport();
    const test = report.failures[0];
    if (test.kind !== 'test') throw new Error('fixture changed');
    test.sampleRows = { columns: ['id'], rows: [] };

    expect(composeRunFailureAlert(report).body).toContain('    (no sample rows were captured)');
  });

  it('keeps a huge compiled SQL under the 256 KB byte limit, cut with a note', () => {
    const report = sampleReport();
    const model = report.failures[1];
    if (model.kind !== 'model') throw new Error('fixture changed');
    model.compiledSql = `select\n${"  'é✓ multi-byte text' as col,\n".repeat(40_000)}  1`;
    const { body } = composeRunFailureAlert(report);

    expect(bytes(model.compiledSql)).toBeGreaterThan(MAX_BODY_BYTES);
    expect(bytes(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(body).toMatch(/\[… truncated: [\d,]+ more bytes; the full SQL is compiled from models\/marts\/fct_orders\.sql\]/);
    expect(body).toContain('EXECUTION');
    expect(body).not.toContain('\uFFFD');
  });

  it('stays within a smaller byte budget when one is given, even with thousands of failures', () => {
    const report = sampleReport();
    const model = report.failures[1];
    report.failures = Array.from({ length: 5_000 }, (_, index) => ({ ...model, name: `model_${index}`, compiledSql: 'x'.repeat(5_000) }));
    const { body } = composeRunFailureAlert(report, { maxBodyBytes: 20_000 });

    expect(bytes(body)).toBeLessThanOrEqual(20_000);
    expect(body).toContain('FAILURE 1 of 5000: model model_0');
    expect(body).toContain('4,990 more failures (details left out to keep this email small):');
    expect(body).toContain('  … and 4,940 more');
    expect(body).toContain('EXECUTION');
  });

  it('cuts the text at the budget with a note as a last resort', () => {
    const { body } = composeRunFailureAlert(sampleReport(), { maxBodyBytes: 1_500 });

    expect(bytes(body)).toBeLessThanOrEqual(1_500);
    expect(body.trimEnd().split('\n').pop()).toMatch(/alert truncated to fit the email size limit/);
  });
});

describe('Function: composeSubject', () => {
  it('counts failures by kind, names the failing models first, then the run', () => {
    const report = sampleReport({ failures: [sampleReport().failures[0]] });
    report.failures[0].name = 'fct_transfers';

    expect(composeSubject(report)).toBe('[landfall] 1 test failed: fct_transfers (run 2026-11-27T02:10)');
  });

  it('never exceeds 99 characters and never contains a line break', () => {
    const model = sampleReport().failures[1];
    const cases = [
      sampleReport({ failures: Array.from({ length: 40 }, (_, index) => ({ ...model, name: `stg_source__entity_number_${index}` })) }),
      sampleReport({ runId: 'r'.repeat(300) }),
      sampleReport({ runId: 'line\r\nbreak', project: 'proj\nect', failures: [{ ...model, name: 'bad\nname\r' }] }),
      sampleReport({ failures: [{ ...model, name: '✓'.repeat(200) }] }),
    ];

    for (const report of cases) {
      const subject = composeSubject(report);
      expect([...subject].length).toBeLessThanOrEqual(99);
      expect(subject).not.toMatch(/[\r\n]/);
      expect(composeRunFailureAlert(report).subject).toBe(subject);
    }
  });

  it('says how many failing nodes it could not name', () => {
    const model = sampleReport().failures[1];
    const subject = composeSubject(sampleReport({ failures: Array.from({ length: 40 }, (_, index) => ({ ...model, name: `model_${index}` })) }));

    expect(subject).toMatch(/^\[landfall\] 40 models failed: model_0, model_1, .* \+\d+ more \(run 2026-11-27T02:10\)$/);
  });
});

describe('Function: stepFunctionsConsoleUrl', () => {
  it('builds the v2 execution details URL', () => {
    expect(stepFunctionsConsoleUrl('us-east-1', 'arn:aws:states:us-east-1:1:execution:sm:run')).toBe(
      'https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states:us-east-1:1:execution:sm:run',
    );
  });
});

describe('Function: composeRunFailureAlert — a test whose SQL failed', () => {
  it('shows the database error instead of failing rows', () => {
    const failure = { ...sampleReport().failures[0], kind: 'test' as const, failures: 0, sampleRows: { columns: [], rows: [] }, model: 'raw.users', error: 'ERROR: relation "raw.users" does not exist' };
    const { body, subject } = composeRunFailureAlert(sampleReport({ failures: [failure as never] }));
    expect(body).toContain('The test could not run; the database refused its SQL:');
    expect(body).toContain('relation "raw.users" does not exist');
    expect(body).not.toContain('failing row');
    expect(subject).toContain('1 test failed: raw.users');
  });
});
