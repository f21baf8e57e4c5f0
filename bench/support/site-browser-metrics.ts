/**
 * Measures a docs site in headless Chromium the same way for landfall's site and dbt docs: page weight (bytes over
 * the network until the overview is shown), time to the overview's meaningful content, per-keystroke search time,
 * time until the page responds again after asking for a lineage graph, and the JS heap.
 *
 * Each time is taken inside the page (performance.now()): a keystroke is the `input` event on `#search` (both sites
 * use that id) until the second animation frame after it — the frame after the results were rendered.
 */
import type { Browser, Page } from 'puppeteer-core';

export interface SiteMetrics {
  overviewMs: number | null;
  firstContentfulPaintMs: number | null;
  pageBytes: number;
  /** Bytes until search and lineage can answer (landfall fetches its index after the overview). */
  readyBytes: number;
  readyMs: number | null;
  heapMb: number;
  searchMsPerKeystroke: number[];
  lineageMs: number | null;
  lineageNote: string;
}

export interface SiteUnderTest {
  url: string;
  /** A JS expression true once the overview shows meaningful content. */
  overviewReady: string;
  /** A JS expression true once search and node pages have their data. */
  dataReady: string;
  /** Hash of the focused node's page and how to ask for its lineage. */
  lineage: { pageHash: string; pageReady: string; open: (page: Page) => Promise<void>; drawn: string };
  searchText: string;
  timeoutMs: number;
}

const RAF_PROBE = `window.__lfFrames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))));`;

export async function measureSite(browser: Browser, site: SiteUnderTest): Promise<SiteMetrics> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let pageBytes = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => { pageBytes += e.encodedDataLength; });
  await page.evaluateOnNewDocument(`(() => {
    const check = () => { try { if (${site.overviewReady}) { window.__overviewMs = performance.now(); return; } } catch (e) {} requestAnimationFrame(check); };
    requestAnimationFrame(check);
  })();`);
  await page.goto(site.url, { waitUntil: 'load', timeout: site.timeoutMs });
  let overviewMs: number | null = null;
  try {
    await page.waitForFunction('window.__overviewMs !== undefined', { timeout: site.timeoutMs });
    overviewMs = await page.evaluate('window.__overviewMs') as number;
  } catch { /* stays null: did not show within the time limit */ }
  const fcp = await page.evaluate(`(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null`) as number | null;
  const bytesAtOverview = pageBytes;
  let readyMs: number | null = null;
  try {
    await page.waitForFunction(site.dataReady, { timeout: site.timeoutMs, polling: 'raf' });
    readyMs = await page.evaluate('performance.now()') as number;
  } catch { /* stays null */ }
  const readyBytes = pageBytes;
  await page.evaluate(RAF_PROBE);
  // Search: one character at a time.
  const searchMsPerKeystroke: number[] = [];
  await page.waitForSelector('#search', { timeout: site.timeoutMs });
  for (let i = 1; i <= site.searchText.length; i++) {
    const ms = await page.evaluate(`(async () => {
      const box = document.querySelector('#search');
      box.focus();
      const t = performance.now();
      box.value = ${JSON.stringify(site.searchText.slice(0, i))};
      box.dispatchEvent(new Event('input', { bubbles: true }));
      const end = await window.__lfFrames();
      return end - t;
    })()`) as number;
    searchMsPerKeystroke.push(ms);
  }
  const metrics = await cdp.send('Performance.enable').then(() => cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const heapMb = (metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1e6;
  // Lineage: open the node's page, then ask for its graph; time until the page answers a frame again with it drawn.
  let lineageMs: number | null = null;
  let lineageNote = '';
  try {
    await page.evaluate(`document.querySelector('#search').value = ''; document.querySelector('#search').dispatchEvent(new Event('input', { bubbles: true }))`);
    await page.evaluate(`location.hash = ${JSON.stringify(site.lineage.pageHash)}`);
    await page.waitForFunction(site.lineage.pageReady, { timeout: site.timeoutMs });
    await page.evaluate(RAF_PROBE);
    const t0 = await page.evaluate('performance.now()') as number;
    await site.lineage.open(page);
    await page.waitForFunction(site.lineage.drawn, { timeout: site.timeoutMs, polling: 50 });
    const end = await page.evaluate('window.__lfFrames()') as number;
    lineageMs = end - t0;
  } catch (error) {
    lineageNote = `no graph within ${site.timeoutMs / 1000} s (${(error as Error).message.split('\n')[0]})`;
  }
  await page.close();
  return { overviewMs, firstContentfulPaintMs: fcp, pageBytes: bytesAtOverview, readyBytes, readyMs, heapMb, searchMsPerKeystroke, lineageMs, lineageNote };
}

/**
 * landfall only: `+model+` of a node (every depth both ways) with `fold` — from the hash change to the graph drawn
 * and the page answering a frame again — and how many nodes and drawn items it had.
 */
export async function measureFullLineage(browser: Browser, url: string, nodeId: string, fold: 'auto' | 'none', timeoutMs: number): Promise<{ ms: number; nodes: number; items: number } | { error: string }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  try {
    await page.goto(`${url}#/n/${encodeURIComponent(nodeId)}`, { waitUntil: 'load' });
    await page.waitForFunction("document.body.dataset.index === '1' && document.querySelector('section.node h1') !== null", { timeout: timeoutMs });
    await page.evaluate(RAF_PROBE);
    const t0 = await page.evaluate('performance.now()') as number;
    await page.evaluate(`location.hash = ${JSON.stringify(`#/lineage/${nodeId}?up=99&down=99&fold=${fold}`)}`);
    await page.waitForFunction("Number(document.querySelector('section.lineage')?.dataset.items ?? 0) > 0", { timeout: timeoutMs, polling: 50 });
    const end = await page.evaluate('window.__lfFrames()') as number;
    const { nodes, items } = await page.evaluate("({ nodes: Number(document.querySelector('section.lineage').dataset.nodes), items: Number(document.querySelector('section.lineage').dataset.items) })") as { nodes: number; items: number };
    return { ms: end - t0, nodes, items };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0]! };
  } finally {
    await page.close();
  }
}
