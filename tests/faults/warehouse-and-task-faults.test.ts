/**
 * Fault matrix, part 1 (tests/faults/README.md): the Data API throttling or refusing statements, a statement
 * FAILED mid-DAG, a task crashing after it submitted and before it recorded, a Lambda timeout, redrives after 25 h
 * (statement ids expired) and after 15 days (refused). Each scenario runs the sample project through the real
 * state machine on the local stack and must end in the clean build's state.
 */
import { DescribeStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { ExecutionNotRedrivable, RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { awsDependencies } from '../../src/runtime/aws-dependencies';
import { awsJsonError, s3Error, type ProxiedRequest } from './support/fault-proxy';
import { expectCleanEndState, useFaultStack } from './support/fault-stack';

const HOUR_MS = 60 * 60 * 1000;
const fixture = useFaultStack('warehouse');

const submits = (r: ProxiedRequest) => r.operation === 'RedshiftData.ExecuteStatement' || r.operation === 'RedshiftData.BatchExecuteStatement';


interface DescribedStatement { Status?: string; SubStatements?: { Status?: string }[]; [field: string]: unknown }

/** The description of a statement still running: what DescribeStatement says before it ends. */
function stillStarted(described: DescribedStatement): DescribedStatement {
  const { Duration: _d, ResultRows: _r, ResultSize: _s, ...rest } = described;
  return { ...rest, Status: 'STARTED', HasResultSet: false, SubStatements: described.SubStatements?.map((sub) => ({ ...sub, Status: 'STARTED' })) };
}

async function runToEnd(name: string) {
  const arn = await fixture.current.start(name, { command: 'build', reason: `fault matrix: ${name}` });
  return { arn, result: await fixture.current.stack.stepFunctions.waitForExecution(arn) };
}

async function redrive(arn: string) {
  await fixture.current.sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
  return fixture.current.stack.stepFunctions.waitForExecution(arn);
}

describe('Fault matrix: the warehouse and the tasks', () => {
  it('Data API throttling: the SDK and the WarehouseBusyError retrier absorb it, the run succeeds with no email', async () => {
    const emails = fixture.current.emailCount();
    fixture.current.proxies.dataApi.add({ matches: submits, times: 4, respond: () => awsJsonError('ThrottlingException', 'Rate exceeded') });
    fixture.current.proxies.dataApi.add({ matches: (r) => r.operation === 'RedshiftData.DescribeStatement', times: 3, respond: () => awsJsonError('ThrottlingException', 'Rate exceeded') });
    const { result } = await runToEnd('throttled');
    expect(result.status).toBe('SUCCEEDED');
    expect(fixture.current.proxies.dataApi.fired.length).toBe(7);
    expect(fixture.current.taskErrors).toContain('WarehouseBusyError');
    expect(fixture.current.emailCount()).toBe(emails);
    await expectCleanEndState(fixture.current);
  });

  it('ActiveStatementsExceededException: retried by the state machine (not the SDK), the run succeeds with no email', async () => {
    const emails = fixture.current.emailCount();
    fixture.current.proxies.dataApi.add({ matches: submits, skip: 2, times: 3, respond: () => awsJsonError('ActiveStatementsExceededException', 'Active statements exceeded the allowed quota (500).') });
    const { result } = await runToEnd('active-statements-exceeded');
    expect(result.status).toBe('SUCCEEDED');
    expect(fixture.current.proxies.dataApi.fired.length).toBe(3);
    expect(fixture.current.taskErrors.filter((e) => e === 'WarehouseBusyError').length).toBe(3);
    expect(fixture.current.emailCount()).toBe(emails);
    await expectCleanEndState(fixture.current);
  });

  it('a statement FAILED mid-DAG: its dependents are skipped, one alert email, and a redrive rebuilds to the clean state', async () => {
    const emails = fixture.current.emailCount();
    fixture.current.proxies.dataApi.add({
      matches: (r) => submits(r) && r.body.includes('int_transfers_enriched') && /create/i.test(r.body),
      times: 1,
      rewrite: (r) => {
        const body = JSON.parse(r.body) as { Sql?: string; Sqls?: string[] };
        if (body.Sqls) body.Sqls = body.Sqls.map(() => 'select 1/0');
        else body.Sql = 'select 1/0';
        return JSON.stringify(body);
      },
    });
    const { arn, result } = await runToEnd('failed-mid-dag');
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('landfall.RunFailed');
    const nodes = (await awsDependencies().runStates.read(awsDependencies().runStates.pointerFor('failed-mid-dag'))).run.nodes;
    expect(nodes.find((n) => n.id.endsWith('.int_transfers_enriched'))?.status).toBe('error');
    expect(nodes.filter((n) => n.status === 'skipped').length).toBeGreaterThan(0);
    const sent = fixture.current.emailsSince(emails);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('int_transfers_enriched');
    expect(sent[0]).toContain('division by zero');

    expect((await redrive(arn)).status).toBe('SUCCEEDED');
    // The redriven run passes: what failed (or crashed) resolves, in one RESOLVED email (docs/alerts.md).
    expect(fixture.current.emailCount()).toBe(emails + 2);
    expect(fixture.current.emailsSince(emails + 1)[0]).toContain('passing again');
    await expectCleanEndState(fixture.current);
  });

  it('AdvanceRun crashes after submitting and before recording (its run-state write fails): one crash email, and a redrive resumes', async () => {
    const emails = fixture.current.emailCount();
    // PlanRun's write goes through; the next write (an AdvanceRun that submitted statements) fails through the SDK's 3 attempts.
    fixture.current.proxies.s3.add({ matches: (r) => r.method === 'PUT' && r.path.includes('/runs/crash-before-record/'), skip: 1, times: 3, respond: () => s3Error('InternalError', 'We encountered an internal error. Please try again.') });
    const { arn, result } = await runToEnd('crash-before-record');
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('landfall.RunCrashed');
    expect(fixture.current.proxies.s3.fired).toHaveLength(3);
    const sent = fixture.current.emailsSince(emails);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^Subject: .*run crashed in AdvanceRun/m);

    expect((await redrive(arn)).status).toBe('SUCCEEDED');
    // The redriven run passes: what failed (or crashed) resolves, in one RESOLVED email (docs/alerts.md).
    expect(fixture.current.emailCount()).toBe(emails + 2);
    expect(fixture.current.emailsSince(emails + 1)[0]).toContain('passing again');
    await expectCleanEndState(fixture.current);
  });

  it('AdvanceRun crashes after it recorded (its result lost): one crash email, and a redrive resumes', async () => {
    const emails = fixture.current.emailCount();
    fixture.current.stack.stepFunctions.injectFault({ state: 'AdvanceRun', kind: 'throw', when: 'after', error: { name: 'Runtime.ExitError', message: 'RequestId: local Error: Runtime exited with error: signal: killed' } });
    const { arn, result } = await runToEnd('crash-after-record');
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('landfall.RunCrashed');
    expect(fixture.current.emailsSince(emails)).toHaveLength(1);
    expect((await redrive(arn)).status).toBe('SUCCEEDED');
    // The redriven run passes: what failed (or crashed) resolves, in one RESOLVED email (docs/alerts.md).
    expect(fixture.current.emailCount()).toBe(emails + 2);
    expect(fixture.current.emailsSince(emails + 1)[0]).toContain('passing again');
    await expectCleanEndState(fixture.current);
  });

  it('a Lambda timeout in AdvanceRun: Lambda.Unknown is caught, the crash email names it, and a redrive resumes', async () => {
    const emails = fixture.current.emailCount();
    fixture.current.stack.stepFunctions.injectFault({ state: 'AdvanceRun', kind: 'timeout' });
    const { arn, result } = await runToEnd('lambda-timeout');
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('landfall.RunCrashed');
    const sent = fixture.current.emailsSince(emails);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('Lambda.Unknown');
    expect(sent[0]).toContain('timed out');
    expect((await redrive(arn)).status).toBe('SUCCEEDED');
    // The redriven run passes: what failed (or crashed) resolves, in one RESOLVED email (docs/alerts.md).
    expect(fixture.current.emailCount()).toBe(emails + 2);
    expect(fixture.current.emailsSince(emails + 1)[0]).toContain('passing again');
    await expectCleanEndState(fixture.current);
  });

  it('a redrive 25 h after a crash: the run\'s statement ids are gone (ResourceNotFound), their nodes start over, and it succeeds', async () => {
    const emails = fixture.current.emailCount();
    // The precondition, made deterministic: one statement is still in flight when AdvanceRun crashes. The Data API
    // reports a leaf model's build as STARTED (it really finished) for as long as the run is before its crash, so no
    // AdvanceRun can end it within its linger; the crash hits the first AdvanceRun that returned after submitting it.
    const held = /\/stg_wetransfer_app_db__boards\/model\//; // its build's StatementName: landfall/<run>/<model>/model/<step>
    let heldId: string | undefined;
    fixture.current.proxies.dataApi.add({
      matches: (r) => submits(r) && held.test((JSON.parse(r.body) as { StatementName?: string }).StatementName ?? ''), times: 1,
      rewriteAnswer: (_r, answer) => {
        heldId = (JSON.parse(answer) as { Id: string }).Id;
        return answer;
      },
    });
    fixture.current.proxies.dataApi.add({
      matches: (r) => r.operation === 'RedshiftData.DescribeStatement' && heldId !== undefined && (JSON.parse(r.body) as { Id: string }).Id.split(':')[0] === heldId,
      times: Infinity,
      rewriteAnswer: (_r, answer) => JSON.stringify(stillStarted(JSON.parse(answer) as DescribedStatement)),
    });
    fixture.current.stack.stepFunctions.injectFault({
      state: 'AdvanceRun', kind: 'throw', when: 'after', error: { name: 'Runtime.ExitError', message: 'Runtime exited' },
      onlyIf: (_input, result: { counts: { running: number } }) => heldId !== undefined && result.counts.running > 0,
    });
    const { arn, result } = await runToEnd('redrive-after-25h');
    fixture.current.proxies.dataApi.clear();
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('landfall.RunCrashed');
    expect(fixture.current.stack.stepFunctions.firedFaults.at(-1)).toMatchObject({ state: 'AdvanceRun', kind: 'throw' });
    const stored = await awsDependencies().runStates.read(awsDependencies().runStates.pointerFor('redrive-after-25h'));
    const inFlight = stored.run.nodes.filter((n) => n.status === 'running' && n.statementId).map((n) => n.statementId!);
    expect(inFlight).toContain(heldId);

    // Past the Data API's retention: "The maximum retention time for query results is 24 hours"
    // (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html, Considerations when calling the Data API);
    // the local Data API forgets a statement then (statement-store.ts). The proxy's rules are cleared: it forwards untouched.
    fixture.current.advanceClock(25 * HOUR_MS);
    const dataApi = new RedshiftDataClient({ endpoint: fixture.current.proxies.dataApi.url });
    for (const id of inFlight) {
      await expect(dataApi.send(new DescribeStatementCommand({ Id: id }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    }
    dataApi.destroy();

    expect((await redrive(arn)).status).toBe('SUCCEEDED');
    const redriven = await awsDependencies().runStates.read(awsDependencies().runStates.pointerFor('redrive-after-25h'));
    const boards = redriven.run.nodes.find((n) => n.statementId === heldId || n.id.endsWith('.stg_wetransfer_app_db__boards'));
    expect(boards?.status).toBe('success');
    expect(boards?.statementId).not.toBe(heldId); // started over: a new statement
    // The redriven run passes: what failed (or crashed) resolves, in one RESOLVED email (docs/alerts.md).
    expect(fixture.current.emailCount()).toBe(emails + 2);
    expect(fixture.current.emailsSince(emails + 1)[0]).toContain('passing again');
    await expectCleanEndState(fixture.current);
  });

  it('a redrive 15 days after the run stopped is refused, as Step Functions does (14 days)', async () => {
    fixture.current.stack.stepFunctions.injectFault({ state: 'PlanRun', kind: 'throw', when: 'before', error: { name: 'Runtime.ExitError', message: 'Runtime exited' } });
    const { arn, result } = await runToEnd('redrive-after-15-days');
    expect(result.status).toBe('FAILED');
    fixture.current.advanceClock(15 * 24 * HOUR_MS);
    await expect(fixture.current.sfn.send(new RedriveExecutionCommand({ executionArn: arn }))).rejects.toBeInstanceOf(ExecutionNotRedrivable);
    expect(fixture.current.stack.stepFunctions.getExecution(arn)?.status).toBe('FAILED');
    await expectCleanEndState(fixture.current);
  });
});
