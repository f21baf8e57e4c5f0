/** The overview, a node's page, the lineage page, freshness and partitions. */
import { badge, h, link, nodeHref, table } from './dom';
import { loadIndex, loadNode, loadTestHistory, overview, type LoadedIndex } from './data';
import { historyStrip } from './run-pages';
import { lineageOf, type FoldMode, type LineageRequest } from './lineage-graph';
import { layoutLineage } from './lineage-layout';
import { LineageCanvas } from './lineage-canvas';

const LAST_STATUS: Record<string, string> = { p: 'pass', w: 'warn', f: 'fail', e: 'error', s: 'skipped' };

export function overviewPage(): HTMLElement {
  const o = overview;
  return h('section', { id: 'overview' },
    h('h1', {}, `${o.project}`),
    h('p', {}, `Generated ${o.generatedAt.replace('T', ' ').slice(0, 19)} UTC. `, ...Object.entries(o.counts).map(([t, n]) => h('span', { class: 'count' }, `${n} ${t}${n === 1 ? '' : 's'}`))),
    h('div', { class: 'cols' },
      h('div', {}, h('h2', {}, 'Most referenced'), table(['node', 'children', ''], o.mostReferenced.map((m) => [link(nodeHref(m.id), m.name), String(m.children), link(`#/lineage/${encodeURIComponent(m.id)}`, 'lineage')]))),
      h('div', {}, h('h2', {}, 'Folders'), table(['folder', 'models'], o.folders.map((f) => [f.folder, String(f.models)])))),
    h('h2', {}, 'Source freshness'),
    o.freshness.length ? freshnessTable() : h('p', {}, 'No source declares freshness.'),
    o.partitions.length ? h('div', {}, h('h2', {}, 'Monthly partitions'), partitionsTable()) : '',
  );
}

export function freshnessTable(): HTMLElement {
  return table(['source', 'status', 'newest row', 'checked', 'warn after', 'error after', 'loaded_at_field'], overview.freshness.map((f) => [
    link(nodeHref(f.id), f.name), f.status ? badge(f.status) : 'not checked', f.maxLoadedAt ?? '', f.checkedAt ?? '', f.warnAfter ?? '', f.errorAfter ?? '', f.loadedAtField ?? '']));
}

export function partitionsTable(): HTMLElement {
  return table(['model', 'months', 'rows', 'newest month', 'last publish'], overview.partitions.map((p) => [
    link(nodeHref(p.id), p.name), String(p.months.length), String(p.months.reduce((s, m) => s + (m.rows ?? 0), 0)), p.months.at(-1)?.month ?? '', p.lastPublish ?? '']));
}

function listOf(index: LoadedIndex, ids: number[]): HTMLElement {
  if (!ids.length) return h('p', { class: 'muted' }, 'none');
  return h('ul', { class: 'refs' }, ids.slice(0, 300).map((i) => h('li', {}, link(nodeHref(index.ids[i]!), index.names[i]!), h('span', { class: 'muted' }, ` ${index.typeOf(i)}`))),
    ids.length > 300 ? h('li', { class: 'muted' }, `… and ${ids.length - 300} more (see the lineage)`) : '');
}

export async function nodePage(id: string): Promise<HTMLElement> {
  const index = await loadIndex();
  const i = index.position.get(id);
  if (i === undefined) return h('section', {}, h('h1', {}, 'Not found'), h('p', {}, `No node ${id} in this project.`));
  const [detail, history] = await Promise.all([loadNode(i), loadTestHistory()]);
  const type = index.typeOf(i);
  const testRow = (t: number) => {
    const letters = history.tests[index.ids[t]!] ?? '';
    const last = [...letters].reverse().find((c) => c !== '-');
    return [link(nodeHref(index.ids[t]!), index.names[t]!), last ? badge(LAST_STATUS[last]!) : 'not run', letters ? historyStrip(letters, history.runs) : ''];
  };
  const parents = index.parents[i]!;
  const children = index.children[i]!.filter((c) => index.typeOf(c) !== 'test');
  const section = h('section', { class: 'node' },
    h('h1', {}, index.names[i]!, ' ', h('span', { class: 'type' }, type), index.materialized[i] ? h('span', { class: 'type' }, index.materialized[i]!) : ''),
    h('p', { class: 'muted' }, id, detail.relation ? ` · ${detail.relation}` : '', detail.file ? ` · ${detail.file}` : ''),
    type !== 'test' && type !== 'macro' ? h('p', {}, link(`#/lineage/${encodeURIComponent(id)}`, 'Lineage graph')) : '',
    h('h2', {}, 'Description'), h('p', { class: 'description' }, detail.description || 'No description.'),
  );
  if (detail.columns.length) {
    section.append(h('h2', {}, 'Columns'), table(['column', 'type', 'description', 'tests'], detail.columns.map((c) => [
      c.name, c.type ?? '', c.description, h('span', {}, c.tests.map((t) => {
        const letters = history.tests[index.ids[t]!] ?? '';
        const last = [...letters].reverse().find((x) => x !== '-');
        return h('a', { href: nodeHref(index.ids[t]!), class: `chip s-${last ? LAST_STATUS[last] : 'none'}` }, index.names[t]!.split(`_${index.names[i]!}`)[0]!);
      }))]), 'grid columns'));
  }
  if (detail.stats) section.append(h('h2', {}, 'Table'), table(['', ''], Object.entries(detail.stats).map(([k, v]) => [k, String(v)])));
  if (detail.tests.length) section.append(h('h2', {}, `Tests (${detail.tests.length})`), table(['test', 'latest', 'history (oldest left)'], detail.tests.map(testRow)));
  if (type === 'test') {
    const letters = history.tests[id] ?? '';
    section.append(h('h2', {}, 'Results'), letters ? h('p', {}, historyStrip(letters, history.runs)) : h('p', {}, 'Not run yet.'));
    if (detail.test?.attachedTo !== undefined) section.append(h('p', {}, 'Tests ', link(nodeHref(index.ids[detail.test.attachedTo]!), index.names[detail.test.attachedTo]!), detail.test.column ? `.${detail.test.column}` : ''));
  }
  if (detail.freshness) section.append(h('h2', {}, 'Freshness'), table(['status', 'newest row', 'warn after', 'error after'], [[detail.freshness.status ? badge(detail.freshness.status) : 'not checked', detail.freshness.maxLoadedAt ?? '', detail.freshness.warnAfter ?? '', detail.freshness.errorAfter ?? '']]));
  if (detail.partitions) section.append(h('h2', {}, 'Monthly partitions'), table(['month', 'rows'], detail.partitions.months.map((m) => [m.month, m.rows === undefined ? '' : String(m.rows)])));
  // dbt's config lists every key; the page shows those set to something.
  const config = Object.fromEntries(Object.entries(detail.config).filter(([, v]) => v !== null && v !== '' && !(typeof v === 'object' && Object.keys(v as object).length === 0)));
  if (Object.keys(config).length) section.append(h('h2', {}, 'Config'), h('pre', { class: 'config' }, JSON.stringify(config, null, 2)));
  if (detail.rawSql) section.append(h('h2', {}, 'SQL'), h('details', { open: true }, h('summary', {}, 'Source'), h('pre', { class: 'sql' }, detail.rawSql)));
  if (detail.compiledSql) section.append(h('details', { open: true, class: 'compiled' }, h('summary', {}, 'Compiled'), h('pre', { class: 'sql compiled-sql' }, detail.compiledSql)));
  section.append(h('div', { class: 'cols' }, h('div', {}, h('h2', {}, `Parents (${parents.length})`), listOf(index, parents)), h('div', {}, h('h2', {}, `Children (${children.length})`), listOf(index, children))));
  return section;
}

export interface LineageState {
  up: number;
  down: number;
  fold: FoldMode;
}

/** Depths are 1–9 or 'all' (99); `+model+` is all/all. */
export async function lineagePage(id: string, state: LineageState, onChange: (s: LineageState) => void): Promise<HTMLElement> {
  const index = await loadIndex();
  const focus = index.position.get(id);
  if (focus === undefined) return h('section', {}, h('h1', {}, 'Not found'), h('p', {}, `No node ${id}.`));
  const started = performance.now();
  const request: LineageRequest = { focus, upDepth: state.up, downDepth: state.down, fold: state.fold, expanded: new Set() };
  const info = h('div', { class: 'lineage-info' }, '');
  const host = h('div', { class: 'lineage-host' });
  const depthSelect = (value: number, set: (n: number) => void, label: string) => h('label', {}, `${label} `, h('select', { onchange: (e: Event) => set(Number((e.target as HTMLSelectElement).value)) },
    [1, 2, 3, 5, 99].map((n) => h('option', { value: n, selected: n === value }, n === 99 ? 'all' : String(n)))));
  const controls = h('div', { class: 'lineage-controls' },
    depthSelect(state.up, (up) => onChange({ ...state, up }), 'upstream'),
    depthSelect(state.down, (down) => onChange({ ...state, down }), 'downstream'),
    h('label', {}, 'fold ', h('select', { id: 'fold', onchange: (e: Event) => onChange({ ...state, fold: (e.target as HTMLSelectElement).value as FoldMode }) },
      (['auto', 'none', 'folder', 'tag'] as const).map((f) => h('option', { value: f, selected: f === state.fold }, f)))),
    h('button', { id: 'expand', onclick: () => onChange({ ...state, up: Math.min(99, state.up + 1), down: Math.min(99, state.down + 1) }) }, 'expand +1'),
    h('button', { onclick: () => onChange({ up: 99, down: 99, fold: state.fold }) }, '+model+'),
    h('button', { id: 'zoom-in', onclick: () => canvas?.zoom(1.25) }, '+'),
    h('button', { onclick: () => canvas?.zoom(0.8) }, '−'),
    h('button', { onclick: () => canvas?.fit() }, 'fit'));
  const section = h('section', { class: 'lineage' }, h('h1', {}, 'Lineage of ', link(nodeHref(id), index.names[focus]!)), controls, info, host);
  let canvas: LineageCanvas | undefined;
  const draw = () => {
    const t = performance.now();
    const view = lineageOf(index, request);
    const pos = layoutLineage(view);
    host.replaceChildren();
    const focusItem = view.items.findIndex((it) => it.node === focus);
    canvas = new LineageCanvas(host, view, pos, focusItem, {
      onSelect: (k) => {
        const it = view.items[k]!;
        info.replaceChildren(it.node !== undefined ? h('span', {}, link(nodeHref(index.ids[it.node]!), it.label), ` (${it.type}) — double-click to focus`) : h('span', {}, `${it.label} — double-click to open the group`));
      },
      onOpen: (k) => {
        const it = view.items[k]!;
        if (it.node !== undefined) location.hash = `#/lineage/${encodeURIComponent(index.ids[it.node]!)}`;
        else { request.expanded.add(it.key); draw(); }
      },
    });
    canvas.drawNow();
    const ms = performance.now() - t;
    section.dataset.items = String(view.items.length);
    section.dataset.nodes = String(view.nodeCount);
    section.dataset.ms = ms.toFixed(1);
    (window as unknown as { __lfLineage?: unknown }).__lfLineage = { items: view.items.length, nodes: view.nodeCount, edges: view.edges.length, ms, sinceNavigation: performance.now() - started };
    info.textContent = `${view.nodeCount} nodes, ${view.items.length} shown${view.items.length < view.nodeCount ? ' (folded groups: double-click to open)' : ''}, drawn in ${ms.toFixed(0)} ms.`;
  };
  requestAnimationFrame(draw);
  return section;
}
