/**
 * A local CloudWatch endpoint for alarms (AWS JSON 1.0, `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`,
 * the protocol the SDK's CloudWatch client speaks): DescribeAlarms (by name or prefix, state filter) and
 * SetAlarmState (CloudWatch's own way to force a state, e.g. to test notifications). Alarms are registered by
 * the local stack, in `INSUFFICIENT_DATA` until something sets them, as a new alarm in AWS.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 */
import type { RequestListener } from 'node:http';
import { LocalAwsError } from './errors';
import { jsonRoute, requiredString } from './protocol-routes';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
const STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

interface LocalAlarm {
  name: string;
  description?: string;
  namespace: string;
  metricName: string;
  state: AlarmState;
  reason: string;
  updatedAt: Date;
}

export class LocalCloudWatch {
  private readonly alarms = new Map<string, LocalAlarm>();

  constructor(private readonly options: { accountId?: string; region?: string } = {}) {}

  putAlarm(alarm: { name: string; description?: string; namespace: string; metricName: string; state?: AlarmState }): void {
    this.alarms.set(alarm.name, { ...alarm, state: alarm.state ?? 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation', updatedAt: new Date() });
  }

  /** Mount under `extraRoutes['GraniteServiceVersion20100801.']`. */
  readonly route: RequestListener = jsonRoute({ version: '1.0', errorNamespace: 'com.amazonaws.cloudwatch' }, {
    DescribeAlarms: async (request) => {
      const names = Array.isArray(request.AlarmNames) ? (request.AlarmNames as string[]) : undefined;
      if (names && names.length > 100) throw new LocalAwsError('ValidationError', '1 validation error detected: Value at \'alarmNames\' failed to satisfy constraint: Member must have length less than or equal to 100');
      const prefix = typeof request.AlarmNamePrefix === 'string' ? request.AlarmNamePrefix : undefined;
      if (names && prefix !== undefined) throw new LocalAwsError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be specified together');
      const state = request.StateValue as string | undefined;
      const alarms = [...this.alarms.values()].filter((a) => (!names || names.includes(a.name)) && (prefix === undefined || a.name.startsWith(prefix)) && (!state || a.state === state));
      return {
        MetricAlarms: alarms.map((a) => ({
          AlarmName: a.name,
          AlarmArn: `arn:aws:cloudwatch:${this.options.region ?? 'us-east-1'}:${this.options.accountId ?? '000000000000'}:alarm:${a.name}`,
          AlarmDescription: a.description,
          Namespace: a.namespace,
          MetricName: a.metricName,
          StateValue: a.state,
          StateReason: a.reason,
          StateUpdatedTimestamp: a.updatedAt,
          ActionsEnabled: true,
        })),
        CompositeAlarms: [],
      };
    },
    SetAlarmState: async (request) => {
      const name = requiredString(request.AlarmName, 'AlarmName');
      const state = requiredString(request.StateValue, 'StateValue') as AlarmState;
      const reason = requiredString(request.StateReason, 'StateReason');
      if (!STATES.includes(state)) throw new LocalAwsError('ValidationError', `1 validation error detected: Value '${state}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]`);
      const alarm = this.alarms.get(name);
      if (!alarm) throw new LocalAwsError('ResourceNotFound', `Alarm ${name} not found`, 404);
      Object.assign(alarm, { state, reason, updatedAt: new Date() });
      return {};
    },
  });
}
