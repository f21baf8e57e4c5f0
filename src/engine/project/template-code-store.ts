/**
 * Compiled template code kept on disk (`<dir>/<key>.js`), for jinja/environment.ts's macro sources: a new process
 * reads the code nunjucks compiled instead of compiling dbt's library and the project's macros again. Only the
 * latest entry is kept; a read-only folder means compiling again next time, never a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TemplateCodeStore } from '../jinja/environment';
import { writeFileAtomic } from '../write-file-atomic';

/** The store of compiled template code in `dir`: writing an entry removes the older ones. */
export function templateCodeStoreIn(dir: string): TemplateCodeStore {
  return {
    get: (key) => {
      try {
        return fs.readFileSync(path.join(dir, `${key}.js`), 'utf8');
      } catch {
        return undefined;
      }
    },
    set: (key, code) => {
      try {
        fs.mkdirSync(dir, { recursive: true });
        for (const old of fs.readdirSync(dir)) fs.rmSync(path.join(dir, old), { force: true });
        writeFileAtomic(path.join(dir, `${key}.js`), code);
      } catch {
        // a read-only state folder: compiled again next time
      }
    },
  };
}
