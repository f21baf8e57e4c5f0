/**
 * The docs site as `landfall serve` keeps it (startDocsSite: builds in a child process), in Debian's chromium: a build
 * that ends while the site is open shows up in the runs list after the rebuild. Screenshot: tests/browser/artifacts/runs-after-rebuild.png.
 */
import { withSkipReason } from '../support/skip-reason';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { browserSkipReason } from '../support/chromium';
import { ARTIFACTS, openBrowserPage } from './support/browser-page';
import { buildDocsFixture, type DocsFixture } from './support/docs-fixture';
import type { SiteServer } from '../../src/docs-site/serve-site';
import { commonOptions } from '../../src/cli/command-context';
import { startDocsSite } from '../../src/cli/docs-site-command';
import { main } from '../../src/cli/main';

const skip = browserSkipReason();
const describeBrowser = skip ? describe.skip : describe;

describeBrowser(withSkipReason('docs site kept current by serve, in chromium', skip), () => {
  let fixture: DocsFixture;
  let server: SiteServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const rebuilds: (() => void)[] = [];

  beforeAll(async () => {
    fixture = await buildDocsFixture();
    const options = commonOptions({ 'project-dir': fixture.projectDir, 'state-dir': fixture.stateDir });
    server = await startDocsSite(options, 0, (error) => errors.push(error.message), () => rebuilds.shift()?.());
    ({ browser, page } = await openBrowserPage(errors, { width: 1280, height: 900 }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixture?.cleanup();
  });

  const runRows = async () => {
    await page.goto('about:blank');
    await page.goto(`${server.url}#/runs`, { waitUntil: 'load' });
    await page.waitForFunction("document.body.dataset.ready === '1'");
    return page.$$eval('table.grid tbody tr', (trs) => trs.length);
  };

  test('a build that ends while the site is open appears in the runs list after the rebuild', async () => {
    const before = await runRows();
    expect(before).toBeGreaterThanOrEqual(1);
    const rebuilt = new Promise<void>((resolve) => rebuilds.push(resolve));
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      // The fixture's build fails on purpose (accepted_values): a second run with the same outcome.
      expect(await main(['build', '--project-dir', fixture.projectDir, '--state-dir', fixture.stateDir])).toBe(1);
    } finally {
      process.stdout.write = write;
    }
    // The next page request (or the 2 s poll) starts the rebuild in the child; the last build is served meanwhile
    // (tests/docs-site/serve-in-background.test.ts checks that order).
    await runRows();
    await rebuilt;
    expect(await runRows()).toBe(before + 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'runs-after-rebuild.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);
});
