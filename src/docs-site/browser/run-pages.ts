/** Run history: the list of runs, a run's page (trigger, Gantt of model and test timings, failures with their rows, skipped), test history. */
import { badge, duration, h, link, nodeHref, table } from './dom';
import { loadRun, loadRuns, loadTestHistory } from './data';
import type { RunRecord } from '../site-data';

const GANTT_ROWS = 1500;
const LETTER_STATUS: Record<string, string> = { p: 'pass', w: 'warn', f: 'fail', e: 'error', s: 'skipped', '-': 'none' };

export const runHref = (id: string) => `#/run/${encodeURIComponent(id)}`;

export async function runsPage(): Promise<HTMLElement> {
  const runs = await loadRuns();
  if (!runs.length) return h('section', {}, h('h1', {}, 'Runs'), h('p', {}, 'No runs yet: runs appear here after `landfall build` or a pipeline run.'));
  return h('section', {}, h('h1', {}, 'Runs'), table(['run', 'status', 'trigger', 'started', 'duration', 'results'], runs.map((r) => [
    link(runHref(r.id), r.id), badge(r.status), `${r.trigger.kind}: ${r.trigger.summary}`, r.startedAt.replace('T', ' ').slice(0, 19),
    r.finishedAt ? duration(Date.parse(r.finishedAt) - Date.parse(r.startedAt)) : '',
    Object.entries(r.counts).map(([k, v]) => `${k.replace('node_', '').replace('_', ' ')} ${v}`).join(', '),
  ])));
}

/** An SVG Gantt chart: one bar per model, seed, load and test, by start time. */
export function gantt(run: RunRecord): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const rows = run.nodes.filter((n) => n.startedAt && n.finishedAt).sort((a, b) => a.startedAt!.localeCompare(b.startedAt!)).slice(0, GANTT_ROWS);
  const t0 = Math.min(...rows.map((n) => Date.parse(n.startedAt!)));
  const t1 = Math.max(...rows.map((n) => Date.parse(n.finishedAt!)), t0 + 1);
  const labelW = 260; const width = 1000; const rowH = 16;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'gantt');
  svg.setAttribute('viewBox', `0 0 ${labelW + width + 10} ${rows.length * rowH + 24}`);
  const el = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  el('text', { x: labelW, y: 12, class: 'axis' }, '0 s');
  el('text', { x: labelW + width, y: 12, class: 'axis', 'text-anchor': 'end' }, duration(t1 - t0));
  rows.forEach((n, k) => {
    const y = 20 + k * rowH;
    const x = labelW + ((Date.parse(n.startedAt!) - t0) / (t1 - t0)) * width;
    const w = Math.max(2, ((Date.parse(n.finishedAt!) - Date.parse(n.startedAt!)) / (t1 - t0)) * width);
    el('text', { x: labelW - 6, y: y + 11, 'text-anchor': 'end', class: 'label' }, n.name.length > 38 ? `${n.name.slice(0, 37)}…` : n.name);
    const bar = el('rect', { x, y: y + 2, width: w, height: rowH - 4, class: `bar s-${n.status} k-${n.kind}` });
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${n.name}: ${n.status}, ${duration(Date.parse(n.finishedAt!) - Date.parse(n.startedAt!))}`;
    bar.append(title);
  });
  return svg;
}

export async function runPage(id: string, src?: string): Promise<HTMLElement> {
  const run = await loadRun(id, src);
  const skipped = run.nodes.filter((n) => n.status === 'skipped');
  const failed = run.nodes.filter((n) => n.status === 'error' || n.status === 'fail');
  const timed = run.nodes.some((n) => n.startedAt && n.finishedAt);
  return h('section', { class: 'run' },
    h('h1', {}, `Run ${run.id} `, badge(run.status)),
    h('p', {}, `${run.command}, triggered by ${run.trigger.kind}: ${run.trigger.summary}. Started ${run.startedAt.replace('T', ' ').slice(0, 19)} UTC`,
      run.finishedAt ? `, took ${duration(Date.parse(run.finishedAt) - Date.parse(run.startedAt))}.` : '.',
      run.consoleUrl ? h('span', {}, ' ', h('a', { href: run.consoleUrl, target: '_blank', rel: 'noopener' }, 'Execution in the Step Functions console')) : ''),
    ...freshnessLagSection(run),
    h('h2', {}, 'Timeline'),
    timed ? gantt(run) : h('p', {}, 'No timings recorded for this run.'),
    h('h2', {}, `Failures (${failed.length})`),
    failed.length ? h('div', { class: 'failures' }, run.failures.length ? run.failures.map((f) => h('div', { class: 'failure' },
      h('h3', {}, link(nodeHref(f.nodeId), f.name), f.failures !== undefined ? ` — ${f.failures} failing row${f.failures === 1 ? '' : 's'}` : ''),
      f.error ? h('pre', { class: 'error' }, f.error) : '',
      f.sample && f.sample.columns.length ? table(f.sample.columns, f.sample.rows.map((r) => r.map((c) => (c === null ? 'null' : String(c)))), 'grid sample') : '',
      f.sql ? h('details', {}, h('summary', {}, 'SQL to reproduce'), h('pre', {}, f.sql)) : '',
    )) : failed.map((n) => h('p', {}, link(nodeHref(n.id), n.name), ' ', badge(n.status), n.message ? ` ${n.message}` : ''))) : h('p', {}, 'Nothing failed.'),
    h('h2', {}, `Skipped (${skipped.length})`),
    skipped.length ? h('ul', {}, skipped.slice(0, 500).map((n) => h('li', {}, link(nodeHref(n.id), n.name), n.message ? ` — ${n.message}` : ''))) : h('p', {}, 'Nothing skipped.'),
  );
}

/** Loader landed → model published for the arrivals the run covered: p50/p95/max per source and per model (worst first). */
function freshnessLagSection(run: RunRecord): HTMLElement[] {
  const lag = run.freshnessLag;
  if (!lag?.overall) return [];
  const rows = (entries: [string, { count: number; p50Ms: number; p95Ms: number; maxMs: number }][], limit: number) => entries
    .sort(([, a], [, b]) => b.p95Ms - a.p95Ms).slice(0, limit)
    .map(([id, s]) => [id.startsWith('model.') ? link(nodeHref(id), id.split('.').slice(2).join('.')) : id.split('.').slice(2).join('.'), String(s.count), duration(s.p50Ms), duration(s.p95Ms), duration(s.maxMs)]);
  const models = Object.entries(lag.byModel);
  return [
    h('h2', {}, 'Freshness lag'),
    h('p', { class: 'freshness-lag' }, `${lag.overall.count} arrival${lag.overall.count === 1 ? '' : 's'}: from the loader landing data to its last downstream model published, p50 ${duration(lag.overall.p50Ms)}, p95 ${duration(lag.overall.p95Ms)}, max ${duration(lag.overall.maxMs)}`,
      lag.queued ? `; waiting for this run to start, p95 ${duration(lag.queued.p95Ms)}.` : '.'),
    table(['source', 'arrivals', 'p50', 'p95', 'max'], rows(Object.entries(lag.bySource), 100)),
    table(['model', 'arrivals', 'p50', 'p95', 'max'], rows(models, 50)),
    ...(models.length > 50 ? [h('p', {}, `The 50 worst of ${models.length} models by p95.`)] : []),
  ];
}

/** One cell per run, oldest first. */
export function historyStrip(letters: string, runs: string[]): HTMLElement {
  return h('span', { class: 'strip' }, [...letters].map((c, k) => h('a', { class: `cell s-${LETTER_STATUS[c] ?? 'none'}`, href: runHref(runs[k] ?? ''), title: `${runs[k]}: ${LETTER_STATUS[c]}` })));
}

export async function testHistoryPage(filter: string, nameOf: (id: string) => string): Promise<HTMLElement> {
  const history = await loadTestHistory();
  const rows = Object.entries(history.tests)
    .filter(([id]) => !filter || id.toLowerCase().includes(filter.toLowerCase()))
    .map(([id, letters]) => ({ id, letters, bad: (letters.match(/[fwe]/g) ?? []).length }))
    .sort((a, b) => b.bad - a.bad || a.id.localeCompare(b.id));
  return h('section', {}, h('h1', {}, 'Test history'),
    h('p', {}, `${rows.length} tests over the last ${history.runs.length} runs (oldest left). Failing and warning tests first.`),
    table(['test', 'fail/warn/error', 'history'], rows.slice(0, 500).map((r) => [link(nodeHref(r.id), nameOf(r.id)), String(r.bad), historyStrip(r.letters, history.runs)])));
}
