/**
 * The HTML part of an alert in Debian's chromium (puppeteer-core): it renders without errors at desktop and phone
 * widths, the sections read in order with their colours, the sample rows and SQL stay monospaced in their own
 * scroll boxes (the page itself never scrolls sideways), and the links are real anchors. The text part carries the
 * same facts as plain text. Screenshots go to tests/browser/artifacts/ (gitignored).
 */
import { withSkipReason } from '../support/skip-reason';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { browserSkipReason } from '../support/chromium';
import { ARTIFACTS, openBrowserPage } from './support/browser-page';
import { composeNoticeEmail } from '../../src/alerts/compose-incident-email';
import type { Incident } from '../../src/incidents/incident';
import { sampleReport } from '../alerts/fixtures';

const skip = browserSkipReason();
const describeBrowser = skip ? describe.skip : describe;

const incident = (key: string, name: string, extra: Partial<Incident> = {}): Incident => ({
  key, kind: 'test', name, severity: 'error', owners: ['finance'], tags: [], openedAt: '2026-11-26T02:10:00.000Z', lastFailedAt: '2026-11-27T02:10:00.000Z', occurrences: 24, ...extra,
});

function alertEmail() {
  const report = sampleReport();
  return composeNoticeEmail({
    kind: 'alert',
    opened: [
      incident('test:test.landfall.not_null_fct_transfers_amount', 'not_null_fct_transfers_amount', { occurrences: 1, openedAt: '2026-11-27T02:10:00.000Z' }),
      incident('model:model.landfall.fct_orders', 'fct_orders', { kind: 'model', occurrences: 1, openedAt: '2026-11-27T02:10:00.000Z' }),
    ],
    resolved: [incident('freshness:source.landfall.app.users', 'app.users', { kind: 'freshness', resolvedAt: '2026-11-27T02:00:00.000Z' })],
    stillOpen: [incident('test:test.landfall.unique_dim_users_id', 'unique_dim_users_id', { detail: '2 failing rows' })],
  }, { project: 'landfall', region: report.region, report, executionArn: report.executionArn, runPageUrl: 'https://docs.example.com/#/run/sync-b4703f73', now: new Date('2026-11-27T02:12:00Z') });
}

describeBrowser(withSkipReason('alert email in chromium', skip), () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ({ browser, page } = await openBrowserPage(errors));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  test.each([['desktop', 1024], ['phone', 375]])('renders the HTML part at %s width without sideways scrolling', async (label, width) => {
    const email = alertEmail();
    await page.setViewport({ width, height: 900 });
    await page.setContent(email.html, { waitUntil: 'load' });
    // A string, run in the page: the project's TypeScript has no DOM types.
    const layout = await page.evaluate(`({
      title: document.title,
      headings: [...document.querySelectorAll('h1, h2')].map((h) => h.textContent || ''),
      colours: [...document.querySelectorAll('h2')].map((h) => getComputedStyle(h).color),
      preFont: getComputedStyle(document.querySelector('pre')).fontFamily,
      pageWidth: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      links: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      text: document.body.innerText,
    })`) as { title: string; headings: string[]; colours: string[]; preFont: string; pageWidth: number; viewport: number; links: string[]; text: string };
    await page.screenshot({ path: path.join(ARTIFACTS, `alert-email-${label}.png`), fullPage: true });
    expect(layout.title).toBe(email.subject);
    expect(layout.headings[0]).toBe('2 new failures from 2 root causes, 1 resolved, 1 still failing.');
    expect(layout.headings.slice(1).map((h) => h.split(' ')[0])).toEqual(['NEW', 'NEW', 'RESOLVED:', 'STILL']);
    expect(new Set(layout.colours).size).toBe(3); // failure, resolved and open sections look different
    expect(layout.preFont).toMatch(/mono|Consolas|Menlo/i);
    expect(layout.pageWidth).toBeLessThanOrEqual(layout.viewport);
    expect(layout.links).toEqual([
      'https://docs.example.com/#/run/sync-b4703f73',
      expect.stringMatching(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/states\/home\?region=eu-west-1#\/v2\/executions\/details\/arn:aws:states:/),
    ]);
    expect(layout.text).toContain('7 failing rows (first 5 shown):');
    expect(layout.text).toContain('ERROR: relation "raw.orders" does not exist');
    expect(errors).toEqual([]);
  });

  test('the text part says the same as plain text', () => {
    const { text, html } = alertEmail();
    expect(text).not.toMatch(/<[a-z][^>]*>/i);
    for (const fact of ['not_null_fct_transfers_amount', 'fct_orders', 'app.users', 'unique_dim_users_id', 'https://docs.example.com/#/run/sync-b4703f73', 'aws stepfunctions redrive-execution']) {
      expect(text).toContain(fact);
      expect(html).toContain(fact.replace(/&/g, '&amp;').replace(/"/g, '&quot;'));
    }
  });
});
