/** The one data-quality failure the demo plants (a misspelled transfer status), the SQL that plants it in a sync and the SQL that fixes it. */
import type { TransferRow } from './demo-app-rows';
import type { PlantedIssue } from './demo-data-types';
import { DemoDataError, sqlLiteral } from './sql-values';

const PLANTED_BAD_STATUS = 'expird';

const PLANTED_CORRECT_STATUS = 'expired';

/**
 * SQL that repairs the issue planted by `plantDataQualityIssue` (the misspelled transfer status), as an
 * engineer would after the alert. Running it on clean data changes nothing.
 *
 * @example
 * await client.query(fixPlantedIssueSql()); // update raw.transfers set status = 'expired' where status = 'expird'
 */
export function fixPlantedIssueSql(options: { schema?: string } = {}): string {
  const schema = options.schema ?? 'raw';
  return (
    `update ${schema}.transfers set status = ${sqlLiteral(PLANTED_CORRECT_STATUS)} ` +
    `where status = ${sqlLiteral(PLANTED_BAD_STATUS)}`
  );
}

/**
 * SQL that plants the same issue in one transfer of a later sync, as the buggy release would when it
 * updates a transfer: the demo's arrival carries it.
 *
 * @example
 * plantIssueInTransferSql('tr_002001') // update raw.transfers set status = 'expird' where id = 'tr_002001'
 */
export function plantIssueInTransferSql(transferId: string, options: { schema?: string } = {}): string {
  const schema = options.schema ?? 'raw';
  return `update ${schema}.transfers set status = ${sqlLiteral(PLANTED_BAD_STATUS)} where id = ${sqlLiteral(transferId)}`;
}

export function plantInvalidTransferStatus(transfers: TransferRow[]): PlantedIssue {
  const victim = transfers.find((transfer) => transfer.status === PLANTED_CORRECT_STATUS);
  if (!victim) throw new DemoDataError('Cannot plant the data-quality issue: no expired transfer in the data set');
  victim.status = PLANTED_BAD_STATUS;
  return {
    description:
      `Transfer ${victim.id} has status '${PLANTED_BAD_STATUS}', a misspelling of '${PLANTED_CORRECT_STATUS}' ` +
      'written by a buggy release of the app.',
    table: 'transfers',
    rowId: victim.id,
    column: 'status',
    badValue: PLANTED_BAD_STATUS,
    correctValue: PLANTED_CORRECT_STATUS,
    caughtBy: {
      model: 'stg_wetransfer_app_db__transfers',
      column: 'status',
      test: 'accepted_values',
      dbtTestName:
        'accepted_values_stg_wetransfer_app_db__transfers_status__uploading__active__downloaded__expired__deleted',
    },
  };
}
