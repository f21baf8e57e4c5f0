/**
 * The stack's CloudWatch alarms are not firing. `ALARM` fails; `INSUFFICIENT_DATA` passes with a note (a new
 * stack's alarms have no data points until the first runs). DescribeAlarms only.
 */
import { type CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { type CheckResult, describeError, fail, pass } from './check-result';

/** DescribeAlarms takes at most 100 names per call. */
const NAMES_PER_CALL = 100;

export async function checkAlarms(cloudWatch: CloudWatchClient, alarmNames: string[], region: string): Promise<CheckResult[]> {
  if (alarmNames.length === 0) return [pass('alarms', 'the stack has none')];
  const found: MetricAlarm[] = [];
  try {
    for (let i = 0; i < alarmNames.length; i += NAMES_PER_CALL) {
      let nextToken: string | undefined;
      do {
        const page = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: alarmNames.slice(i, i + NAMES_PER_CALL), NextToken: nextToken }));
        found.push(...(page.MetricAlarms ?? []));
        nextToken = page.NextToken;
      } while (nextToken);
    }
  } catch (error) {
    return [fail('alarms', `DescribeAlarms failed (${describeError(error)})`, 'your credentials need cloudwatch:DescribeAlarms')];
  }
  const results: CheckResult[] = [];
  for (const name of alarmNames) {
    const alarm = found.find((a) => a.AlarmName === name);
    const check = `alarm ${name}`;
    if (!alarm) {
      results.push(fail(check, 'not found', 'the stack lists it but CloudWatch does not: deploy again'));
    } else if (alarm.StateValue === 'ALARM') {
      results.push(fail(check, `in ALARM since ${alarm.StateUpdatedTimestamp?.toISOString() ?? '?'}: ${alarm.StateReason ?? ''}`.trim(),
        `see https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(name)} and the failed executions or dead-lettered messages it counts; it returns to OK once the metric does`));
    } else {
      results.push(pass(check, alarm.StateValue === 'OK' ? 'OK' : `${alarm.StateValue} (no data points yet)`));
    }
  }
  return results;
}
