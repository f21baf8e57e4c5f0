/**
 * The docs site's app: a hash router over the pages, and the search box. The overview is drawn from the data
 * inlined in index.html before anything is fetched; the index loads in the background for search and lists.
 */
import { h, nodeHref } from './dom';
import { loadIndex } from './data';
import { prepare, search } from './search';
import { freshnessTable, lineagePage, nodePage, overviewPage, partitionsTable, type LineageState } from './node-pages';
import { runPage, runsPage, testHistoryPage } from './run-pages';
import { overview } from './data';

const main = document.getElementById('main')!;
const results = document.getElementById('search-results')!;
const box = document.getElementById('search') as HTMLInputElement;

function decode(part: string | undefined): string {
  return decodeURIComponent(part ?? '');
}

function lineageState(query: string): LineageState {
  const p = new URLSearchParams(query);
  return { up: Number(p.get('up') ?? 2), down: Number(p.get('down') ?? 2), fold: (p.get('fold') as LineageState['fold']) ?? 'auto' };
}

async function route(): Promise<void> {
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  let page: HTMLElement;
  try {
    switch (parts[0]) {
      case undefined: page = overviewPage(); break;
      case 'n': page = await nodePage(decode(parts[1])); break;
      case 'lineage': {
        const id = decode(parts[1]);
        page = await lineagePage(id, lineageState(query), (s) => { location.hash = `#/lineage/${encodeURIComponent(id)}?up=${s.up}&down=${s.down}&fold=${s.fold}`; });
        break;
      }
      case 'runs': page = await runsPage(); break;
      case 'run': page = await runPage(decode(parts[1]), new URLSearchParams(query).get('src') ?? undefined); break;
      case 'tests': {
        const index = await loadIndex();
        page = await testHistoryPage(new URLSearchParams(query).get('q') ?? '', (id) => index.names[index.position.get(id) ?? -1] ?? id);
        break;
      }
      case 'freshness': page = h('section', {}, h('h1', {}, 'Source freshness'), overview.freshness.length ? freshnessTable() : h('p', {}, 'No source declares freshness.')); break;
      case 'partitions': page = h('section', {}, h('h1', {}, 'Monthly partitions'), overview.partitions.length ? partitionsTable() : h('p', {}, 'No partitioned model.')); break;
      default: page = h('section', {}, h('h1', {}, 'Not found'), h('p', {}, `Nothing at ${location.hash}.`));
    }
  } catch (error) {
    page = h('section', {}, h('h1', {}, 'Could not load this page'), h('pre', { class: 'error' }, String((error as Error).message)));
  }
  main.replaceChildren(page);
  results.replaceChildren();
  results.hidden = true;
  document.body.dataset.page = parts[0] ?? 'overview';
  window.scrollTo(0, 0);
}

let lastSearchMs = 0;
async function onSearch(): Promise<void> {
  const index = await loadIndex();
  const t = performance.now();
  const hits = search(index, box.value);
  results.replaceChildren(...hits.map((hit) => h('li', {}, h('a', { href: nodeHref(index.ids[hit.index]!), onclick: () => { results.replaceChildren(); } }, index.names[hit.index]!),
    h('span', { class: 'muted' }, ` ${index.typeOf(hit.index)} · ${hit.why}`))));
  results.hidden = hits.length === 0;
  lastSearchMs = performance.now() - t;
  results.dataset.ms = lastSearchMs.toFixed(2);
}

box.addEventListener('input', () => { void onSearch(); });
box.addEventListener('keydown', (e) => { if (e.key === 'Escape') { box.value = ''; results.replaceChildren(); results.hidden = true; } });
window.addEventListener('hashchange', () => { void route(); });
void route().then(() => {
  performance.mark('lf-first-page');
  document.body.dataset.ready = '1';
});
// The index in the background: search and node pages use it.
void loadIndex().then((index) => {
  prepare(index);
  document.body.dataset.index = '1';
});
