/**
 * The docs site in Debian's chromium (puppeteer-core): every page renders without console errors, search finds a
 * column, the lineage focuses and expands, the run page shows the Gantt chart and the failing test's rows, and the
 * single-file site works from file://. Screenshots go to tests/browser/artifacts/ (gitignored).
 */
import { withSkipReason } from '../support/skip-reason';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { browserSkipReason } from '../support/chromium';
import { ARTIFACTS, openBrowserPage } from './support/browser-page';
import { buildDocsFixture, monthStart, type DocsFixture } from './support/docs-fixture';
import { serveSite, type SiteServer } from '../../src/docs-site/serve-site';
import { generateSite } from '../../src/docs-site/generate-site';

const skip = browserSkipReason();
const describeBrowser = skip ? describe.skip : describe;

describeBrowser(withSkipReason('docs site in chromium', skip), () => {
  let fixture: DocsFixture;
  let server: SiteServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    fixture = await buildDocsFixture();
    server = await serveSite({ dir: fixture.targetDir, watch: [], regenerate: () => undefined });
    ({ browser, page } = await openBrowserPage(errors, { width: 1280, height: 900 }));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixture?.cleanup();
  });

  afterEach(() => {
    expect(errors).toEqual([]);
    errors.length = 0;
  });

  const open = async (hash: string) => {
    // A full load every time: going from one #route to another is a same-document navigation whose ready flags are
    // already set, so the next assertion could read the previous page.
    await page.goto('about:blank');
    await page.goto(`${server.url}${hash}`, { waitUntil: 'load' });
    await page.waitForFunction("document.body.dataset.ready === '1' && document.body.dataset.index === '1'");
  };
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  test('the overview lists the project, the most referenced model and its folders', async () => {
    await open('');
    const text = await page.$eval('#overview', (el) => el.textContent ?? '');
    expect(text).toContain('shop');
    expect(text).toMatch(/4 models/);
    expect(text).toContain('stg_customers');
    await shot('overview');
  });

  test('a model page shows its description, catalog column types, tests with results, and compiled SQL', async () => {
    await open('#/n/model.shop.stg_customers');
    const text = await page.$eval('section.node', (el) => el.textContent ?? '');
    expect(text).toContain('One row per customer');
    const rows = await page.$$eval('table.columns tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
    expect(rows).toEqual(expect.arrayContaining([['customer_id', 'integer'], ['status', 'text'], ['loyalty_tier_code', '']]));
    expect(await page.$eval('.compiled-sql', (el) => el.textContent)).toMatch(/from "dev"\."analytics"\."raw_customers"|from "analytics"\."raw_customers"/);
    expect(text).toMatch(/accepted_values_stg_customers_status.*fail/);
    expect(text).toContain('stg_orders'); // a child
    await shot('model-page');
  });

  test('search finds a model by a column only its YAML documents', async () => {
    await open('');
    await page.type('#search', 'loyalty_tier');
    await page.waitForSelector('#search-results li');
    const hits = await page.$$eval('#search-results li', (lis) => lis.map((li) => li.textContent ?? ''));
    expect(hits[0]).toMatch(/stg_customers.*column loyalty_tier_code/);
    await shot('search');
  });

  test('the lineage focuses a model and expands by depth', async () => {
    await open('#/lineage/model.shop.stg_orders?up=1&down=1&fold=auto');
    await page.waitForFunction("Number(document.querySelector('section.lineage')?.getAttribute('data-items') ?? 0) > 0");
    const first = await page.$eval('section.lineage', (el) => Number(el.getAttribute('data-nodes')));
    expect(first).toBe(3); // stg_customers → stg_orders → fct_customer_value (raw_customers is 2 up)
    await page.click('#expand');
    await page.waitForFunction("Number(document.querySelector('section.lineage')?.getAttribute('data-nodes') ?? 0) === 4");
    await shot('lineage');
    // A non-blank canvas: some pixels are drawn.
    const drawn = await page.evaluate(`(() => {
      const c = document.querySelector('canvas.lineage-canvas');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    })()`) as number;
    expect(drawn).toBeGreaterThan(1000);
  });

  test('the run page shows the Gantt chart, the failing test with its rows, and the skipped models', async () => {
    await open('#/runs');
    await page.click('table.grid tbody a');
    await page.waitForSelector('svg.gantt');
    const bars = await page.$$eval('svg.gantt rect.bar', (rs) => rs.map((r) => r.getAttribute('class')));
    expect(bars.length).toBeGreaterThanOrEqual(5);
    expect(bars.some((c) => c?.includes('s-fail'))).toBe(true);
    const failure = await page.$eval('.failure', (el) => el.textContent ?? '');
    expect(failure).toContain('accepted_values_stg_customers_status');
    expect(await page.$$eval('table.sample td', (tds) => tds.map((td) => td.textContent))).toContain('expird');
    expect(await page.$eval('section.run', (el) => el.textContent)).toMatch(/Skipped \(2\)[\s\S]*stg_orders/);
    await shot('run-page');
  });

  test('the partitions page lists the months of the partitioned model with their rows', async () => {
    await open('#/partitions');
    const rows = await page.$$eval('table.grid tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)));
    const [lastMonth, thisMonth] = [monthStart(-1).slice(0, 7), monthStart(0).slice(0, 7)];
    expect(rows).toEqual([['fct_events', expect.stringMatching(/^[2-9]$/), '3', thisMonth]]);
    await open('#/n/model.shop.fct_events');
    // From #/partitions this is a same-document (hash) navigation: the ready flags are already set, so wait for the page.
    await page.waitForSelector('section.node table.grid td');
    const months = await page.$$eval('section.node table.grid tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(months).toEqual(expect.arrayContaining([[lastMonth, '2'], [thisMonth, '1']]));
    await shot('partitions');
  });

  test('test history shows the failing test first', async () => {
    await open('#/tests');
    const first = await page.$eval('table.grid tbody tr', (tr) => tr.textContent ?? '');
    expect(first).toContain('accepted_values_stg_customers_status');
    await shot('test-history');
  });

  test('the single-file site renders from file:// with no requests', async () => {
    const file = path.join(fixture.targetDir, 'single', 'docs.html');
    generateSite({ targetDir: fixture.targetDir, stateDir: fixture.stateDir, singleFile: true, out: file });
    await page.goto(`file://${file}#/n/model.shop.stg_customers`, { waitUntil: 'load' });
    await page.waitForFunction("document.body.dataset.ready === '1'");
    expect(await page.$eval('section.node h1', (el) => el.textContent)).toContain('stg_customers');
    await shot('single-file');
  });
});
