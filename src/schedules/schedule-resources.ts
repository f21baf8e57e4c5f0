/**
 * CloudFormation for the project's DMS schedules: one `AWS::Scheduler::Schedule` per distinct expression,
 * whose target starts the transform state machine (Scheduler's templated Step Functions target = StartExecution)
 * with a build request for the sources on that schedule. CloudFormation cannot read the compiled manifest, so
 * `scripts/generate-schedules.ts` writes this to `serverless/schedules.resources.yml` at packaging time.
 */
import { createHash } from 'node:crypto';
import { dump } from 'js-yaml';
import type { Manifest } from '../engine';
import { dmsSchedulesOf, scheduledRunInput } from './dms-schedules';
import { manifestSchedules, projectScheduleInput, targetOf, type ScheduleTarget } from './project-schedules';

/** The state machine each kind of schedule starts (logical ids in serverless.yml and serverless/*.resources.yml). */
const TARGET_STATE_MACHINES: Record<ScheduleTarget, string> = {
  transform: 'TransformRunStateMachine',
  freshness: 'SourceFreshnessStateMachine',
  rotation: 'RotatePartitionsStateMachine',
};

/** EventBridge Scheduler may assume the schedule roles, for this account's schedules only (confused-deputy guidance). */
const SCHEDULER_ASSUME_ROLE_POLICY = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Service: 'scheduler.amazonaws.com' },
    Action: 'sts:AssumeRole',
    Condition: {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/*/*' } },
    },
  }],
};

/**
 * landfall.yml's schedules: one `AWS::Scheduler::Schedule` each, in its time zone (`ScheduleExpressionTimezone`,
 * which Scheduler applies with daylight saving time), starting its state machine through a role that may start only those.
 */
export function projectScheduleResources(manifest: Manifest): Record<string, unknown> {
  const schedules = manifestSchedules(manifest);
  if (schedules.length === 0) return {};
  const targets = [...new Set(schedules.map(targetOf))].sort();
  const resources: Record<string, unknown> = {
    ProjectScheduleRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: SCHEDULER_ASSUME_ROLE_POLICY,
        Policies: [{
          PolicyName: 'start-scheduled-runs',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'states:StartExecution', Resource: targets.map((t) => ({ Ref: TARGET_STATE_MACHINES[t] })) },
              { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['ArrivalEventsDeadLetterQueue', 'Arn'] } },
            ],
          },
        }],
      },
    },
  };
  for (const schedule of schedules) {
    const id = schedule.name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
    resources[`ProjectSchedule${id}`] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: `\${self:service}-\${sls:stage}-${schedule.name}`,
        Description: `landfall: ${schedule.command} ${schedule.select.join(' ') || '(everything)'} — landfall.yml schedule ${schedule.name}`.slice(0, 512),
        ScheduleExpression: schedule.schedule.expression,
        ScheduleExpressionTimezone: schedule.timezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { Ref: TARGET_STATE_MACHINES[targetOf(schedule)] },
          RoleArn: { 'Fn::GetAtt': ['ProjectScheduleRole', 'Arn'] },
          Input: JSON.stringify(projectScheduleInput(schedule)),
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ArrivalEventsDeadLetterQueue', 'Arn'] } },
        },
      },
    };
  }
  return resources;
}

/**
 * @example
 * fs.writeFileSync('serverless/schedules.resources.yml', scheduleResourcesYaml(manifest));
 */
export function scheduleResources(manifest: Manifest): { Resources: Record<string, unknown> } {
  const schedules = dmsSchedulesOf(manifest);
  if (schedules.length === 0) return { Resources: projectScheduleResources(manifest) };
  const resources: Record<string, unknown> = {
    DmsScheduleRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: SCHEDULER_ASSUME_ROLE_POLICY,
        Policies: [{
          PolicyName: 'start-transform-run',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: 'TransformRunStateMachine' } },
              { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['ArrivalEventsDeadLetterQueue', 'Arn'] } },
            ],
          },
        }],
      },
    },
  };
  for (const schedule of schedules) {
    const id = createHash('sha256').update(schedule.schedule.expression).digest('hex').slice(0, 10);
    resources[`DmsSchedule${id}`] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: `\${self:service}-\${sls:stage}-dms-${id}`,
        Description: `landfall: build ${schedule.select.join(' ')} on ${schedule.schedule.expression}`,
        ScheduleExpression: schedule.schedule.expression,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { Ref: 'TransformRunStateMachine' },
          RoleArn: { 'Fn::GetAtt': ['DmsScheduleRole', 'Arn'] },
          Input: JSON.stringify(scheduledRunInput(schedule)),
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ArrivalEventsDeadLetterQueue', 'Arn'] } },
        },
      },
    };
  }
  return { Resources: { ...resources, ...projectScheduleResources(manifest) } };
}

export function scheduleResourcesYaml(manifest: Manifest): string {
  return `# Generated by scripts/generate-schedules.ts from the compiled manifest (meta.landfall.dms.schedule, landfall.yml schedules). Do not edit.\n${dump(scheduleResources(manifest), { lineWidth: -1 })}`;
}
