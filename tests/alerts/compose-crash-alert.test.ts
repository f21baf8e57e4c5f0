import { composeCrashAlert } from '../../src/alerts';

const arn = 'arn:aws:states:eu-west-1:123456789012:execution:landfall-prod-transform-run:arrivals-2026-12-05T03-00';

describe('composeCrashAlert', () => {
  it('names the crashed state and the error in the subject, and says how to redrive or replay', () => {
    const cause = JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 60.00 seconds', trace: ['Sandbox.Timedout: Task timed out after 60.00 seconds', '    at advance (advance-run.js:1:1)'] });
    const { subject, body } = composeCrashAlert({
      project: 'analytics', executionArn: arn, executionName: 'arrivals-2026-12-05T03-00', region: 'eu-west-1', state: 'AdvanceRun', error: 'Sandbox.Timedout', cause,
      progress: { nodes: 300, finished: 120, failed: 0, skipped: 0, running: 4 },
    });
    expect(subject).toBe('[analytics] run crashed in AdvanceRun: Sandbox.Timedout (run arrivals-2026-12)');
    expect([...subject].length).toBeLessThanOrEqual(99);
    expect(body).toContain('crashed in the state AdvanceRun');
    expect(body).toContain('Task timed out after 60.00 seconds');
    expect(body.match(/Sandbox\.Timedout: Task timed out/g)).toHaveLength(1);
    expect(body).toContain('120 of 300 nodes finished');
    expect(body).toContain(`aws stepfunctions redrive-execution --region eu-west-1 --execution-arn ${arn}`);
    expect(body).toContain('--state-machine-arn arn:aws:states:eu-west-1:123456789012:stateMachine:landfall-prod-transform-run');
    expect(body).toContain('https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/');
  });

  it('keeps a huge or multi-line cause out of the subject and within the body budget', () => {
    const { subject, body } = composeCrashAlert({ executionArn: arn, executionName: 'x', region: 'eu-west-1', state: 'PlanRun', error: 'Error\nwith newline', cause: 'y'.repeat(500_000) });
    expect(subject).not.toMatch(/\n/);
    expect(Buffer.byteLength(body)).toBeLessThan(64 * 1024);
    expect(body).toContain('truncated');
    expect(body).toContain('Progress when it stopped: unknown');
  });
});
