/**
 * The freshness lag alarm serverless.yml deploys watches exactly what the run history writer logs (EMF), with the
 * threshold from landfall.yml, and the committed resources file is what the generator writes from dbt/landfall.yml.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ServerlessTemplate } from '../../src/deploy/serverless-template';
import { freshnessLagAlarmYaml, FRESHNESS_LAG_ALARM } from '../../src/freshness-lag/alarm-resources';
import { freshnessLagLines } from '../../src/freshness-lag/emf-lines';
import { FreshnessLagSettingsSchema } from '../../src/freshness-lag/lag-settings';
import { parseLandfallSettings } from '../../src/schedules/landfall-settings';

const REPO = path.resolve(__dirname, '..', '..');

describe('freshness lag alarm', () => {
  const template = new ServerlessTemplate(REPO, { stage: 'prod', region: 'us-east-1', accountId: '123456789012', params: { alertEmail: 'a@example.com', redshiftWorkgroup: 'wg' } });
  const alarm = template.resource(FRESHNESS_LAG_ALARM, 'AWS::CloudWatch::Alarm').Properties as Record<string, unknown>;

  it('is deployed on the p95 of the metric the EMF lines carry, per state machine', () => {
    const line = JSON.parse(freshnessLagLines([{ id: 'a', loader: 's3', landedAt: '', sources: [], runStartedAt: '', queuedMs: 0, published: [], unpublished: [], lagMs: 1000 }], 'landfall-prod-transform-run', 0)[0]!);
    const directive = line._aws.CloudWatchMetrics[0];
    expect([alarm.Namespace, alarm.MetricName]).toEqual([directive.Namespace, directive.Metrics[0].Name]);
    expect((alarm.Dimensions as { Name: string }[]).map((d) => d.Name)).toEqual(directive.Dimensions[0]);
    expect((alarm.Dimensions as { Value: unknown }[])[0]!.Value).toEqual({ 'Fn::GetAtt': ['TransformRunStateMachine', 'Name'] });
    expect(line.StateMachine).toBe((template.resource('TransformRunStateMachine', 'AWS::StepFunctions::StateMachine').Properties as { StateMachineName: string }).StateMachineName);
    expect(alarm).toMatchObject({ ExtendedStatistic: 'p95', Threshold: 600, Period: 3600, AlarmName: 'landfall-prod-freshness-lag-p95' });
    expect(alarm.Statistic).toBeUndefined();
  });

  it('takes its threshold from landfall.yml, and the committed file is the generated one', () => {
    const custom = freshnessLagAlarmYaml(FreshnessLagSettingsSchema.parse({ alarm_p95_minutes: 4.5, alarm_period_minutes: 30 }));
    expect(custom).toMatch(/\n {6}Threshold: 270\n/);
    expect(custom).toMatch(/\n {6}Period: 1800\n/);
    const settings = parseLandfallSettings(fs.readFileSync(path.join(REPO, 'dbt', 'landfall.yml'), 'utf8'), 'dbt/landfall.yml').freshness_lag!;
    expect(fs.readFileSync(path.join(REPO, 'serverless', 'freshness-lag.resources.yml'), 'utf8')).toBe(freshnessLagAlarmYaml(settings, 'dbt/landfall.yml'));
    expect(parseLandfallSettings('freshness_lag: { alarm_p95_minutes: 5 }', 'landfall.yml').freshness_lag).toEqual({ alarm_p95_minutes: 5, alarm_period_minutes: 60 });
    expect(() => parseLandfallSettings('freshness_lag: { alarm_p95_minute: 5 }', 'landfall.yml')).toThrow(/landfall\.yml: freshness_lag: Unrecognized key: "alarm_p95_minute"/);
    expect(FreshnessLagSettingsSchema.safeParse({ alarm_p95_minutes: -1 }).success).toBe(false);
    expect(FreshnessLagSettingsSchema.safeParse({ alarm_p95_minute: 5 }).success).toBe(false);
  });
});
