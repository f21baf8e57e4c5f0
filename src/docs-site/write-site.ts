/**
 * Writes a built site: a folder (index.html with the overview and app inlined, data files beside it) or one
 * self-contained HTML file (every data file inlined). Files of an earlier build are replaced, run files too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../engine/write-file-atomic';
import { docsAppJs } from './app-bundle';
import { siteHtml } from './site-shell';
import type { SiteData } from './build-site-data';

/** Every file under `dir`, relative to `root` with `/` separators. */
function filesUnder(root: string, dir: string): string[] {
  if (!fs.existsSync(path.join(root, dir))) return [];
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const relative = `${dir}/${e.name}`;
    return e.isDirectory() ? filesUnder(root, relative) : [relative];
  });
}

export function writeSiteFolder(site: SiteData, dir: string): { files: number; bytes: number } {
  // Files of an earlier build that this one does not write (fewer shards, runs gone) are removed; the rest are
  // overwritten in place (removing the whole data/ folder first cost ~0.3 s at 10,000 models).
  for (const stale of filesUnder(dir, 'data')) if (!site.files.has(stale)) fs.rmSync(path.join(dir, stale), { force: true });
  fs.mkdirSync(path.join(dir, 'data', 'nodes'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'data', 'runs'), { recursive: true });
  const html = siteHtml({ overview: site.overview, appJs: docsAppJs() });
  // Each file written beside and renamed: a server reading the folder meanwhile (`serve`) sends whole files.
  let bytes = Buffer.byteLength(html);
  for (const [file, text] of site.files) {
    writeFileAtomic(path.join(dir, file), text);
    bytes += Buffer.byteLength(text);
  }
  writeFileAtomic(path.join(dir, 'index.html'), html);
  return { files: site.files.size + 1, bytes };
}

export function writeSiteFile(site: SiteData, file: string): { files: number; bytes: number } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const html = siteHtml({ overview: site.overview, appJs: docsAppJs(), files: Object.fromEntries(site.files) });
  fs.writeFileSync(file, html);
  return { files: 1, bytes: Buffer.byteLength(html) };
}
