/**
 * Composes the plain-text alert email for a failed loader sync (e.g. a Fivetran `sync_end` whose
 * status is not SUCCESSFUL).
 */
import { MAX_SUBJECT_CHARACTERS, toSingleLine, truncateBlock, truncateCharacters } from './email-limits';
import type { AlertEmail, LoaderFailure } from './run-failure-report';

/** The longest reason text kept in the body; with the short fields the body stays well under SNS's 256 KB. */
const MAX_REASON_BYTES = 64 * 1024;
const MAX_FIELD_CHARACTERS = 200;

/**
 * @example
 * composeLoaderFailureAlert({ loader: 'fivetran', connectorId: 'empty_bount', status: 'FAILURE_WITH_TASK',
 *   reason: 'java.lang.RuntimeException: …', at: '2026-11-27T02:09:41Z' });
 * // { subject: '[landfall] fivetran sync failed: empty_bount (FAILURE_WITH_TASK)', body: '...' }
 */
export function composeLoaderFailureAlert(failure: LoaderFailure): AlertEmail {
  const project = oneLine(failure.project ?? 'landfall');
  const loader = oneLine(failure.loader);
  const connectorId = oneLine(failure.connectorId);
  const status = oneLine(failure.status);
  const subject = truncateCharacters(
    `[${project}] ${loader} sync failed: ${connectorId} (${status})`,
    MAX_SUBJECT_CHARACTERS,
  );
  const reason = failure.reason?.trim()
    ? truncateBlock(failure.reason.trim(), MAX_REASON_BYTES, `see the ${loader} dashboard for the full text`)
    : `(${loader} gave no reason)`;
  const lines = [
    `The ${loader} sync of connector ${connectorId} failed with status ${status}.`,
    '',
    `Loader:     ${loader}`,
    `Connector:  ${connectorId}`,
    `Status:     ${status}`,
    `Failed at:  ${oneLine(failure.at)}`,
    '',
    'Reason:',
    '',
    ...reason.split('\n').map((line) => (line ? `    ${line}` : line)),
    '',
    `${project} starts no transform run for a failed sync: the models built from this connector keep`,
    'the data of the last successful sync until the next sync succeeds.',
  ];
  return { subject, body: `${lines.join('\n')}\n` };
}

/** Fields come from a webhook: keep each on one line and short, so the body stays far below the SNS limit. */
function oneLine(text: string): string {
  return truncateCharacters(toSingleLine(text), MAX_FIELD_CHARACTERS);
}
