/**
 * Writes a built site: a folder (index.html with the overview and app inlined, data files beside it) or one
 * self-contained HTML file (every data file inlined). Files of an earlier build are replaced, run files too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { docsAppJs } from './app-bundle';
import { siteHtml } from './site-shell';
import type { SiteData } from './build-site-data';

export function writeSiteFolder(site: SiteData, dir: string): { files: number; bytes: number } {
  fs.rmSync(path.join(dir, 'data'), { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'data', 'nodes'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'data', 'runs'), { recursive: true });
  const html = siteHtml({ overview: site.overview, appJs: docsAppJs() });
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  let bytes = Buffer.byteLength(html);
  for (const [file, text] of site.files) {
    fs.writeFileSync(path.join(dir, file), text);
    bytes += Buffer.byteLength(text);
  }
  return { files: site.files.size + 1, bytes };
}

export function writeSiteFile(site: SiteData, file: string): { files: number; bytes: number } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const html = siteHtml({ overview: site.overview, appJs: docsAppJs(), files: Object.fromEntries(site.files) });
  fs.writeFileSync(file, html);
  return { files: 1, bytes: Buffer.byteLength(html) };
}
