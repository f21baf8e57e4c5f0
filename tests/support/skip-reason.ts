/**
 * A suite that cannot run here says why in its title, and the skipped-tests reporter (skipped-tests-reporter.js)
 * prints every skipped suite with that reason at the end of `npm test`.
 *
 * @example
 * (optedIn ? describe : describe.skip)(withSkipReason('landfall vs dbt-core', optedIn ? undefined : 'set LANDFALL_COMPAT=1'), () => …)
 */
export function withSkipReason(title: string, reason: string | undefined): string {
  return reason ? `${title} [skipped: ${reason}]` : title;
}
