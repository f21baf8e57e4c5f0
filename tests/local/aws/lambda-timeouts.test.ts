import fs from 'node:fs';
import path from 'node:path';
import { lambdaTimeoutsByHandler, lambdaTimeoutsByState } from '../../../src/local/aws/lambda-timeouts';
import { makeStateDir } from './support';

describe('lambdaTimeoutsByHandler', () => {
  let dir: string;
  let remove: () => void;
  beforeEach(() => {
    ({ stateDir: dir, remove } = makeStateDir());
    fs.mkdirSync(path.join(dir, 'serverless'));
  });
  afterEach(() => remove());

  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);

  it("takes a function's timeout, else the provider's, from serverless.yml and the files it includes", () => {
    write('serverless.yml', ['provider:', '  timeout: 45', 'functions:', '  - ${file(serverless/more.functions.yml)}', '  - planRun:', '      handler: functions/plan-run.handler', '    hook:', '      handler: functions/hook.handler', '      timeout: 10', '      role: !GetAtt Role.Arn', ''].join('\n'));
    write('serverless/more.functions.yml', ['rotate:', '  handler: functions/rotate.handler', '  timeout: 900', '  environment:', '    QUEUE: !Ref Queue', ''].join('\n'));

    expect(lambdaTimeoutsByHandler(dir)).toEqual({ rotate: 900, 'plan-run': 45, hook: 10 });
    expect(lambdaTimeoutsByState(dir, { PlanRun: 'plan-run' })).toEqual({ PlanRun: 45 });
    expect(() => lambdaTimeoutsByState(dir, { AdvanceRun: 'advance-run' })).toThrow(/no function has handler functions\/advance-run.handler/);
  });

  it('defaults to 6 seconds as the Serverless Framework does, and refuses timeouts Lambda does not allow', () => {
    write('serverless.yml', ['functions:', '  a:', '    handler: functions/a.handler', ''].join('\n'));
    expect(lambdaTimeoutsByHandler(dir)).toEqual({ a: 6 });

    write('serverless.yml', ['functions:', '  a:', '    handler: functions/a.handler', '    timeout: 901', ''].join('\n'));
    expect(() => lambdaTimeoutsByHandler(dir)).toThrow(/function a has timeout 901/);
  });

  it('reads the repository deployment: the transform tasks get their deployed timeouts', () => {
    const repo = path.resolve(__dirname, '../../..');
    const timeouts = lambdaTimeoutsByState(repo, { PlanRun: 'plan-run', AdvanceRun: 'advance-run', PublishAlert: 'publish-alert' });
    for (const seconds of Object.values(timeouts)) expect(seconds).toBeGreaterThanOrEqual(1);
  });
});
