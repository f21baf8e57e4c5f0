/**
 * The run state lives in S3, not in the Step Functions payload: generated projects of 100 and 1,000 models
 * (views, tables, incrementals, two tests each) build in one execution of the real definition, with every
 * state's payload under 16 KiB (the quota is 256 KiB) and few history events per model. 10,000 models:
 * `npm run test:scale` (scripts/scale-run.ts).
 */
import { formatScaleRun, runGeneratedProject } from '../support/scale-run';

const PAYLOAD_BUDGET_BYTES = 16 * 1024;

describe('State machine: transform-run at scale', () => {
  it.each([100, 1000])('builds %i generated models in one execution with small payloads', async (models) => {
    const result = await runGeneratedProject(models);
    process.stdout.write(`${formatScaleRun(result)}\n`);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.nodes).toBe(models * 2);
    expect(result.largestPayloadBytes).toBeGreaterThan(0);
    expect(result.largestPayloadBytes).toBeLessThan(PAYLOAD_BUDGET_BYTES);
    // AWS's hard quota is 25,000 history events per execution: far from it. Events grow with the run's wall time
    // (AdvanceRun iterations), not per node; the bound leaves room for a slow, shared CI machine.
    expect(result.historyEvents).toBeLessThan(Math.max(1_000, 5 * models));
  }, 900_000);
});
