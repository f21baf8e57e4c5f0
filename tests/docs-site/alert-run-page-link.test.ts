import { composeNoticeEmail } from '../../src/alerts/compose-incident-email';
import type { Incident } from '../../src/incidents/incident';
import { sampleReport } from '../alerts/fixtures';

const incident: Incident = {
  key: 'test:test.landfall.not_null_fct_transfers_amount', kind: 'test', name: 'not_null_fct_transfers_amount', severity: 'error', owners: [], tags: [],
  openedAt: '2026-11-27T02:10:00.000Z', lastFailedAt: '2026-11-27T02:10:00.000Z', occurrences: 1,
};

describe("the alert email's link to the run page on the docs site", () => {
  const report = sampleReport();
  const compose = (runPageExpiresAt?: Date) => composeNoticeEmail({ kind: 'alert', opened: [incident], resolved: [], stillOpen: [] }, {
    project: 'landfall', region: report.region, report, executionArn: report.executionArn, now: new Date('2026-11-27T02:12:00Z'),
    runPageUrl: 'https://bucket.s3.eu-west-1.amazonaws.com/site/index.html?X-Amz-Expires=604800#/run/sync-1?src=x', runPageExpiresAt,
  });

  it('states until when a pre-signed link works, in the text and the HTML', () => {
    const email = compose(new Date('2026-11-27T08:12:00Z'));
    expect(email.text).toContain("The run's page (link valid until 2026-11-27 08:12 UTC)");
    expect(email.html).toMatch(/The run(&#39;|&#x27;|')s page \(link valid until 2026-11-27 08:12 UTC\)/);
    expect(email.html).toContain('href="https://bucket.s3.eu-west-1.amazonaws.com/site/index.html?X-Amz-Expires=604800#/run/sync-1?src=x"');
  });

  it('says nothing about expiry for a link that does not expire (CloudFront)', () => {
    expect(compose().text).not.toContain('valid until');
  });
});
