/**
 * The static shell: index.html with the styles, the app and the overview inlined, so the overview paints
 * from the first response. `dataScript` carries every data file in single-file mode.
 */
import type { SiteOverview } from './site-data';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#1a202c;display:grid;grid-template-columns:230px 1fr;min-height:100vh}
nav{background:#1a365d;color:#e2e8f0;padding:12px;position:sticky;top:0;height:100vh;overflow:auto}nav a{color:#e2e8f0;display:block;padding:3px 0;text-decoration:none}nav a:hover{text-decoration:underline}
nav h2{font-size:15px;margin:0 0 10px}#search{width:100%;padding:6px;border-radius:4px;border:0;margin-bottom:10px}
#search-results{list-style:none;margin:0;padding:0;position:absolute;left:240px;top:8px;width:560px;max-height:70vh;overflow:auto;background:#fff;border:1px solid #cbd5e0;box-shadow:0 4px 16px rgba(0,0,0,.2);z-index:5}
#search-results li{padding:4px 8px;border-bottom:1px solid #edf2f7}#search-results a{color:#2b6cb0;font-weight:600}
main{padding:16px 24px;min-width:0}h1{font-size:22px;margin:4px 0 8px}h2{font-size:16px;margin:18px 0 6px}.muted{color:#718096}
.type{font-size:12px;background:#edf2f7;border-radius:3px;padding:1px 6px;margin-left:6px;color:#4a5568}.count{margin-right:12px}
table.grid{border-collapse:collapse;font-size:13px;max-width:100%}.grid th,.grid td{border-bottom:1px solid #e2e8f0;padding:3px 8px;text-align:left;vertical-align:top}
pre{background:#f7fafc;border:1px solid #e2e8f0;padding:8px;overflow:auto;max-height:420px;font-size:12px}pre.error{background:#fff5f5;border-color:#feb2b2}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:24px}.refs{margin:0;padding-left:18px}
.badge{border-radius:3px;padding:1px 6px;font-size:12px;color:#fff;background:#718096}.s-pass,.s-success{background:#38a169}.s-fail,.s-error,.s-failed,.s-runtime-error{background:#e53e3e}.s-warn{background:#dd6b20}.s-skipped,.s-none{background:#a0aec0}.s-running{background:#3182ce}
.chip{display:inline-block;border-radius:3px;padding:0 5px;margin:1px;font-size:11px;color:#fff;text-decoration:none}
.strip{display:inline-flex;gap:1px}.cell{display:inline-block;width:8px;height:14px}
.lineage-controls{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-bottom:6px}.lineage-host{height:calc(100vh - 150px);border:1px solid #e2e8f0}.lineage-canvas{width:100%;height:100%;display:block;cursor:grab}
svg.gantt{width:100%;height:auto;font-size:11px}svg.gantt .bar{fill:#38a169}svg.gantt .bar.k-test{fill:#68d391}svg.gantt .bar.s-fail,svg.gantt .bar.s-error{fill:#e53e3e}svg.gantt .bar.s-warn{fill:#dd6b20}svg.gantt .axis{fill:#718096}
.failure{border-left:3px solid #e53e3e;padding-left:10px;margin-bottom:12px}
@media (max-width:800px){body{grid-template-columns:1fr}nav{position:static;height:auto}.cols{grid-template-columns:1fr}#search-results{left:8px;width:calc(100% - 16px)}}
`;

/** `</script` and `<!--` cannot appear inside an inline script; JSON escapes `<` so nothing can close the tag. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export interface ShellOptions {
  overview: SiteOverview;
  appJs: string;
  /** Single-file mode: every data file, path → JSON text. */
  files?: Record<string, string>;
}

export function siteHtml(options: ShellOptions): string {
  const title = `${options.overview.project} · landfall docs`.replace(/[<>&"]/g, '');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>${title}</title><style>${STYLE}</style></head>
<body><nav><h2>${title}</h2><input id="search" type="search" placeholder="Search models, columns…" autocomplete="off">
<a href="#/">Overview</a><a href="#/runs">Runs</a><a href="#/tests">Test history</a><a href="#/freshness">Source freshness</a><a href="#/partitions">Partitions</a></nav>
<ul id="search-results" hidden></ul><main id="main"></main>
<script type="application/json" id="lf-overview">${inlineJson(options.overview)}</script>
${options.files ? `<script type="application/json" id="lf-files">${inlineJson(options.files)}</script>` : ''}
<script>${options.appJs.replace(/<\/script/gi, '<\\/script')}</script>
</body></html>
`;
}
