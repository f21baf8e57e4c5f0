import { readDefinition, redriveDefinition, REDRIVE_ENTRY_STATE, withScaledTimeouts } from '../../../src/local/aws/sfn-definition';

const definition = {
  StartAt: 'Plan',
  TimeoutSeconds: 3600,
  States: {
    Plan: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:0:function:plan', TimeoutSeconds: 30, Next: 'Each' },
    Each: {
      Type: 'Map',
      ItemProcessor: { StartAt: 'Rotate', States: { Rotate: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:0:function:rotate', End: true } } },
      Next: 'Wait',
    },
    Wait: { Type: 'Wait', Seconds: 5, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

describe('sfn-definition', () => {
  it('scales every TimeoutSeconds and gives a Lambda task without one room past its function timeout', () => {
    const run = withScaledTimeouts(definition, 10, { Rotate: 900, Plan: 60 }) as typeof definition;
    expect(run.TimeoutSeconds).toBe(36);
    expect(run.States.Plan.TimeoutSeconds).toBe(0.3); // its own 30 s wins over the function's 60 s
    expect((run.States.Each.ItemProcessor.States.Rotate as Record<string, unknown>).TimeoutSeconds).toBeCloseTo(18.05);
    expect(definition.States.Plan.TimeoutSeconds).toBe(30); // the original is untouched
    expect(withScaledTimeouts(definition, 1000)).toBe(definition);
  });

  it('reads waits, tasks and top-level states, and enters a redrive at the unsuccessful state with its input', () => {
    const facts = readDefinition(definition);
    expect([...facts.topLevelStates]).toEqual(['Plan', 'Each', 'Wait', 'Done']);
    expect(facts.taskResources.get('Rotate')).toContain('function:rotate');
    expect(facts.waits.get('Wait')).toBe(5);

    const redrive = redriveDefinition(definition, 'Each', { items: [1] }) as { StartAt: string; States: Record<string, unknown> };
    expect(redrive.StartAt).toBe(REDRIVE_ENTRY_STATE);
    expect(redrive.States[REDRIVE_ENTRY_STATE]).toEqual({ Type: 'Pass', Result: { items: [1] }, Next: 'Each' });
  });
});
