/**
 * The local bus refuses SQS rule targets EventBridge could not deliver to, reading them from the same files
 * serverless.yml deploys: the shipped DataArrivedRule passes; the configuration before the fix
 * (ContentBasedDeduplication: false) and the other mistakes are refused with a message naming the fix.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deployedRule } from '../../../src/deploy/rule-targets';
import { ServerlessTemplate } from '../../../src/deploy/serverless-template';
import { LocalEventBus } from '../../../src/local/aws/event-bus';
import { type SqsRuleTarget, sqsRuleTargetProblems } from '../../../src/local/aws/sqs-rule-target';

const repoRoot = path.join(__dirname, '..', '..', '..');
const scope = { stage: 'local', region: 'us-east-1', accountId: '000000000000' };

/** A copy of the deployment files with one edit, to plant a fault. */
function deploymentWith(edit: (file: string, text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-deploy-'));
  for (const entry of ['serverless.yml', 'serverless', 'events', 'state-machines']) {
    fs.cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
  }
  for (const file of ['serverless.yml', ...fs.readdirSync(path.join(dir, 'serverless')).map((f) => `serverless/${f}`)]) {
    const full = path.join(dir, file);
    fs.writeFileSync(full, edit(file, fs.readFileSync(full, 'utf8')));
  }
  return dir;
}

describe('SQS rule targets, as deployed', () => {
  it('DataArrivedRule → the arrivals FIFO queue is deliverable: message group, content-based dedup, policy scoped to the rule', () => {
    const rule = deployedRule(new ServerlessTemplate(repoRoot, scope), 'DataArrivedRule');
    expect(rule.pattern).toEqual({ source: ['landfall'], 'detail-type': ['Data Arrived'] });
    expect(rule.sqsTargets).toHaveLength(1);
    const [target] = rule.sqsTargets as [SqsRuleTarget];
    expect(target).toMatchObject({
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:landfall-local-arrivals.fifo',
      ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/landfall-local/landfall-local-DataArrivedRule',
      fifoQueue: true,
      contentBasedDeduplication: true,
      messageGroupId: 'arrivals',
    });
    expect(sqsRuleTargetProblems(target)).toEqual([]);
    const bus = new LocalEventBus({ stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bus-')) });
    expect(() => bus.addRule('data-arrived', rule.pattern, async () => undefined, { sqsTargets: rule.sqsTargets })).not.toThrow();
  });

  it('refuses the FIFO queue without content-based deduplication (the configuration that dropped every arrival)', () => {
    const dir = deploymentWith((_file, text) => text.replace('ContentBasedDeduplication: true', 'ContentBasedDeduplication: false'));
    const rule = deployedRule(new ServerlessTemplate(dir, scope), 'DataArrivedRule');
    const bus = new LocalEventBus({ stateDir: dir });
    expect(() => bus.addRule('data-arrived', rule.pattern, async () => undefined, { sqsTargets: rule.sqsTargets })).toThrow(
      /must have content-based deduplication enabled \(ContentBasedDeduplication: true\)/,
    );
  });

  it('refuses a FIFO target without a MessageGroupId', () => {
    const dir = deploymentWith((file, text) => (file === 'serverless.yml' ? text.replace(/ *SqsParameters:\n *MessageGroupId: arrivals\n/, '') : text));
    const [target] = deployedRule(new ServerlessTemplate(dir, scope), 'DataArrivedRule').sqsTargets as [SqsRuleTarget];
    expect(sqsRuleTargetProblems(target)).toEqual([expect.stringMatching(/SqsParameters must be specified for target: arrivals-buffer/)]);
  });

  it('refuses a queue policy that does not name the rule in aws:SourceArn, or no policy at all', () => {
    const dir = deploymentWith((_file, text) => text.replace('ArnEquals: { aws:SourceArn: !GetAtt DataArrivedRule.Arn }', 'ArnEquals: { aws:SourceArn: !GetAtt LoaderFailedRule.Arn }'));
    const [target] = deployedRule(new ServerlessTemplate(dir, scope), 'DataArrivedRule').sqsTargets as [SqsRuleTarget];
    expect(sqsRuleTargetProblems(target)).toEqual([expect.stringMatching(/no queue policy statement allows events.amazonaws.com/)]);
    expect(sqsRuleTargetProblems({ ...target, queuePolicy: [] })).toHaveLength(1);
    const unconditioned = { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: target.queueArn };
    expect(sqsRuleTargetProblems({ ...target, queuePolicy: [unconditioned] })).toHaveLength(1);
  });
});
