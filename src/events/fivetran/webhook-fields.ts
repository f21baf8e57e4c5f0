/**
 * Names a problem found in a landfall event (a `busContractIssues` line, a path in the event's detail) by the
 * Fivetran webhook field it came from, so a 400 tells the sender what to fix: `arrivedAt: …` → `created: …`.
 */
const DETAIL_TO_WEBHOOK_FIELD: Record<string, string> = {
  arrivedAt: 'created',
  failedAt: 'created',
  'connector.connectorId': 'connector_id',
  'connector.groupId': 'destination_group_id',
  'connector.syncId': 'sync_id',
  'connector.connectorName': 'connector_name',
  status: 'data.status',
  reason: 'data.reason',
  taskType: 'data.taskType',
};

/** `'arrivedAt: Invalid ISO datetime'` → `'created: Invalid ISO datetime'`; an unmapped path is kept. */
export function webhookFieldOf(issue: string): string {
  const separator = issue.indexOf(': ');
  if (separator < 0) return issue;
  const path = issue.slice(0, separator);
  return `${DETAIL_TO_WEBHOOK_FIELD[path] ?? path}${issue.slice(separator)}`;
}
