/**
 * The docs site against dbt docs on the same generated project (bench/support/docs-site-project.ts: N models, 2N
 * tests, a model with 500 children), in the same run, in headless Debian chromium:
 * - generation: `landfall docs generate` vs `dbt docs generate` (whole processes, both with the catalog read from the
 *   same PostgreSQL, scripts/start-postgres.sh; nothing built, as `docs generate` needs no built models);
 * - the sites, each served over HTTP on 127.0.0.1: time to the overview's content, page weight, JS heap, search per
 *   keystroke, and the lineage graph of the 500-child model (bench/support/site-browser-metrics.ts).
 *
 *   npx tsx bench/docs-site.ts [--models 10000] [--dbt-models N] [--dbt-compile] [--skip-dbt] [--out bench/RESULTS-docs.md]
 *
 * dbt's side, by default: `dbt parse` then `dbt docs generate --no-compile` (which reuses the parse through dbt's
 * partial parsing), timed as two processes and summed. dbt then does not compile the nodes: its manifest has no
 * `compiled_code` (landfall's has it for every model) — the compile step is what made a full `dbt docs generate`
 * take 8–11 min at 2,000 models here, ~40 min at 10,000. `--dbt-compile` runs the full `dbt docs generate` instead.
 * `--dbt-models` measures dbt at a smaller size (the results say so).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/chromium';
import { serveSite } from '../src/docs-site/serve-site';
import { generateDocsSiteProject, HUB_CHILDREN } from './support/docs-site-project';
import { measureFullLineage, measureSite, type SiteMetrics, type SiteUnderTest } from './support/site-browser-metrics';
import { median, numberFlag, stringFlag } from './support/simple-models-project';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const models = numberFlag(args, 'models', 10_000);
const dbtModels = numberFlag(args, 'dbt-models', models);
const skipDbt = args.includes('--skip-dbt');
const dbtCompile = args.includes('--dbt-compile');
const out = stringFlag(args, 'out') ?? path.join(root, 'bench', 'RESULTS-docs.md');
const timeoutMs = numberFlag(args, 'timeout-s', 120) * 1000;
const HUB = 'model.bench.model_00000';
const SEARCH = 'amount_usd';

interface Generation { wallMs: number; cpuMs: number; maxRssMb: number; detail: string; parts?: { parse: Generation; docs: Generation } }

/** Runs a command under GNU time: wall, user+system CPU, max RSS. */
function timed(command: string, argv: string[], cwd: string): Generation {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', command, ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  const [wall, user, sys, rss] = result.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs: wall! * 1000, cpuMs: (user! + sys!) * 1000, maxRssMb: rss! / 1024, detail: result.stdout.trim().split('\n').slice(-2).join(' / ') };
}

function landfallSite(url: string): SiteUnderTest {
  return {
    url, timeoutMs, searchText: SEARCH,
    overviewReady: "document.querySelector('#overview h1') !== null",
    dataReady: "document.body.dataset.index === '1'",
    lineage: {
      pageHash: `#/n/${HUB}`,
      pageReady: "document.querySelector('section.node h1') !== null",
      open: async (page) => { await page.evaluate(`location.hash = '#/lineage/${HUB}?up=1&down=1&fold=none'`); },
      drawn: "Number(document.querySelector('section.lineage')?.dataset.items ?? 0) > 0",
    },
  };
}

function dbtSite(url: string): SiteUnderTest {
  return {
    url, timeoutMs, searchText: SEARCH,
    // dbt docs shows its overview once manifest.json and catalog.json are loaded and the project tree is built.
    // (its project tree starts collapsed: the project's name is shown, the models under it only when opened).
    overviewReady: "document.body.innerText.includes('auto-generated documentation') && document.body.innerText.includes('bench')",
    dataReady: "document.body.innerText.includes('auto-generated documentation') && document.body.innerText.includes('bench')",
    lineage: {
      pageHash: `#!/model/${HUB}`,
      pageReady: "document.body.innerText.includes('model_00000') && document.querySelector('[ng-click=\"onLauncherClick()\"]') !== null",
      open: async (page) => { await page.click('[ng-click="onLauncherClick()"]'); },
      drawn: "[...document.querySelectorAll('canvas')].some((c) => c.offsetWidth > 0)",
    },
  };
}

function fmt(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function fullText(m: Awaited<ReturnType<typeof measureFullLineage>>): string {
  return 'error' in m ? m.error : `${fmt(m.ms)} (${m.nodes} nodes, ${m.items} drawn)`;
}

function searchSummary(m: SiteMetrics): string {
  return `median ${fmt(median(m.searchMsPerKeystroke))}, max ${fmt(Math.max(...m.searchMsPerKeystroke))}`;
}

async function main(): Promise<void> {
  const databaseUrl = execFileSync('bash', [path.join(root, 'scripts', 'start-postgres.sh')], { encoding: 'utf8' }).trim();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-docs-bench-'));
  const load = [os.loadavg()[0]!.toFixed(1)];
  const lfProject = path.join(work, 'landfall');
  generateDocsSiteProject(lfProject, models, databaseUrl);
  process.stderr.write(`generated ${models} models in ${lfProject}\n`);
  // The CLI as installed (`npm ci` builds its bundle; bin/landfall.js falls back to tsx when src/ is newer).
  // `--cli FILE` runs another entry point (e.g. a bundle built at a known commit while src/ is being edited).
  const cli = stringFlag(args, 'cli') ?? path.join(root, 'bin', 'landfall.js');
  if (!stringFlag(args, 'cli')) execFileSync(process.execPath, [path.join(root, 'scripts', 'build-cli.js')], { stdio: 'ignore' });
  // Three cold runs (fresh state folder: no partial-parse cache), the median by wall time reported.
  const lfRuns = [0, 1, 2].map((i) => timed(process.execPath, [cli, 'docs', 'generate', '--project-dir', lfProject, '--state-dir', path.join(work, `state-${i}`), '--database-url', databaseUrl], root));
  const lfGen = [...lfRuns].sort((a, b) => a.wallMs - b.wallMs)[1]!;
  process.stderr.write(`landfall docs generate: ${fmt(lfGen.wallMs)} (${lfGen.detail})\n`);
  let dbtGen: Generation | undefined;
  const dbtProject = path.join(work, 'dbt');
  if (!skipDbt) {
    generateDocsSiteProject(dbtProject, dbtModels, databaseUrl);
    const dbt = path.join(root, '.venv-dbt', 'bin', 'dbt');
    const where = ['--project-dir', dbtProject, '--profiles-dir', dbtProject];
    if (dbtCompile) dbtGen = timed(dbt, ['docs', 'generate', ...where], dbtProject);
    else {
      const parse = timed(dbt, ['parse', ...where], dbtProject);
      const docs = timed(dbt, ['docs', 'generate', '--no-compile', ...where], dbtProject);
      dbtGen = { wallMs: parse.wallMs + docs.wallMs, cpuMs: parse.cpuMs + docs.cpuMs, maxRssMb: Math.max(parse.maxRssMb, docs.maxRssMb), detail: docs.detail, parts: { parse, docs } };
    }
    process.stderr.write(`dbt docs generate: ${fmt(dbtGen.wallMs)}\n`);
  }
  load.push(os.loadavg()[0]!.toFixed(1));
  const browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--js-flags=--max-old-space-size=4096'], headless: true, protocolTimeout: timeoutMs * 3 });
  const lfServer = await serveSite({ dir: path.join(lfProject, 'target'), watch: [], regenerate: () => undefined });
  const lf = await measureSite(browser, landfallSite(lfServer.url));
  process.stderr.write(`landfall site: ${JSON.stringify(lf)}\n`);
  // `+model+` of the most referenced model: every node downstream, folded by folder where a layer is large, and not.
  const fullFolded = await measureFullLineage(browser, lfServer.url, HUB, 'auto', timeoutMs);
  const fullUnfolded = await measureFullLineage(browser, lfServer.url, HUB, 'none', timeoutMs);
  process.stderr.write(`landfall +model+: ${JSON.stringify({ fullFolded, fullUnfolded })}\n`);
  let dbt: SiteMetrics | undefined;
  if (dbtGen) {
    const dbtServer = await serveSite({ dir: path.join(dbtProject, 'target'), watch: [], regenerate: () => undefined });
    dbt = await measureSite(browser, dbtSite(dbtServer.url));
    process.stderr.write(`dbt docs site: ${JSON.stringify(dbt)}\n`);
    await dbtServer.close();
  }
  await lfServer.close();
  await browser.close();
  load.push(os.loadavg()[0]!.toFixed(1));
  const dbtVersion = skipDbt ? '' : execFileSync(path.join(root, '.venv-dbt', 'bin', 'python'), ['-c', 'import dbt.version; print(dbt.version.__version__)'], { encoding: 'utf8' }).trim();
  const chromium = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).trim();
  const row = (name: string, goal: string, l: string, d: string) => `| ${name} | ${goal} | ${l} | ${d} |`;
  const dbtNote = dbtModels === models ? '' : ` (dbt measured at ${dbtModels} models: see below)`;
  const lines = [
    '# Docs site: landfall vs dbt docs',
    '',
    `Generated by \`npx tsx bench/docs-site.ts ${args.join(' ')}\` on ${new Date().toISOString().slice(0, 10)}.`,
    `Machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; dbt-core ${dbtVersion || 'not run'}; ${chromium}, headless.`,
    `Load average (1 min) before / after generation / at the end: ${load.join(' / ')} — other work shared the 2 cores; CPU times are less affected than wall times.`,
    '',
    `landfall: \`landfall docs generate\` (compile, compiled SQL of every model, catalog, the site), 3 cold runs (wall / CPU: ${lfRuns.map((r) => `${fmt(r.wallMs)} / ${fmt(r.cpuMs)}`).join(', ')}), the median shown. ` +
      (dbtCompile ? 'dbt: `dbt docs generate` (parse, compile, catalog).' : 'dbt: `dbt parse` + `dbt docs generate --no-compile` (parse, then catalog and the site\'s manifest from the parse; dbt compiles no SQL: its manifest has no `compiled_code`, which landfall\'s has).'),
    '',
    `Project (bench/support/docs-site-project.ts): ${models} view models, ${models * 2} tests, descriptions and 2 documented columns per model, 20 folders; \`model_00000\` has ${HUB_CHILDREN} children. Nothing built: the catalog is read from an empty schema on the same PostgreSQL for both.`,
    '',
    `| measure | goal | landfall | dbt docs${dbtNote} |`,
    '|---|---|---|---|',
    row('`docs generate`, whole process (wall)', '< 5 s', fmt(lfGen.wallMs), fmt(dbtGen?.wallMs)),
    row('`docs generate`, CPU (user+sys)', '', fmt(lfGen.cpuMs), fmt(dbtGen?.cpuMs)),
    row('`docs generate`, max RSS', '', `${Math.round(lfGen.maxRssMb)} MB`, dbtGen ? `${Math.round(dbtGen.maxRssMb)} MB` : '—'),
    ...(dbtGen?.parts ? [
      row('&nbsp;&nbsp;dbt: `dbt parse` wall / CPU', '', '', `${fmt(dbtGen.parts.parse.wallMs)} / ${fmt(dbtGen.parts.parse.cpuMs)}`),
      row('&nbsp;&nbsp;dbt: `dbt docs generate --no-compile` wall / CPU', '', '', `${fmt(dbtGen.parts.docs.wallMs)} / ${fmt(dbtGen.parts.docs.cpuMs)}`),
    ] : []),
    row('overview shown (meaningful content, from navigation start)', '< 1 s', fmt(lf.overviewMs), fmt(dbt?.overviewMs)),
    row('first contentful paint', '', fmt(lf.firstContentfulPaintMs), fmt(dbt?.firstContentfulPaintMs)),
    row('bytes loaded when the overview was seen (the index may already be in)', '', `${(lf.pageBytes / 1e6).toFixed(2)} MB`, dbt ? `${(dbt.pageBytes / 1e6).toFixed(2)} MB` : '—'),
    row('search and lineage ready (all data loaded): time, bytes', '', `${fmt(lf.readyMs)}, ${(lf.readyBytes / 1e6).toFixed(2)} MB`, dbt ? `${fmt(dbt.readyMs)}, ${(dbt.readyBytes / 1e6).toFixed(2)} MB` : '—'),
    row('JS heap after load and search', '', `${Math.round(lf.heapMb)} MB`, dbt ? `${Math.round(dbt.heapMb)} MB` : '—'),
    row(`search per keystroke ("${SEARCH}", ${SEARCH.length} keystrokes, input event → 2nd frame)`, '< 50 ms', searchSummary(lf), dbt ? searchSummary(dbt) : '—'),
    row(`lineage of the ${HUB_CHILDREN}-child model (ask → graph drawn, page responsive)`, '< 300 ms', fmt(lf.lineageMs) + (lf.lineageNote ? ` ${lf.lineageNote}` : ''), dbt ? fmt(dbt.lineageMs) + (dbt.lineageNote ? ` ${dbt.lineageNote}` : '') : '—'),
    row('`+model+` of the most referenced model, layers over 60 nodes folded by folder (landfall\'s default)', '', fullText(fullFolded), '—'),
    row('`+model+` of the most referenced model, nothing folded', '', fullText(fullUnfolded), '—'),
    '',
    `Per keystroke (ms), landfall: ${lf.searchMsPerKeystroke.map((v) => v.toFixed(1)).join(', ')}${dbt ? `; dbt docs: ${dbt.searchMsPerKeystroke.map((v) => v.toFixed(0)).join(', ')}` : ''}.`,
    '',
    'How each figure is taken (bench/support/site-browser-metrics.ts): both sites are served by the same static server;',
    "the overview is \"shown\" when landfall's overview heading exists, and when dbt docs' welcome text and project tree",
    '(its root) are on the page (checked every animation frame); a keystroke sets `#search` (both sites use that id) and fires `input`,',
    'and ends at the second animation frame after it; the lineage is asked for from the model\'s page (landfall: its',
    'lineage view with depth 1 each way, no folding, all 502 nodes; dbt docs: the "View Lineage Graph" button, `+model+`)',
    'and ends when a graph canvas is on the page and the page answers an animation frame again.',
    '',
  ];
  fs.writeFileSync(out, `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => { process.stderr.write(`${(error as Error).stack}\n`); process.exit(1); });
