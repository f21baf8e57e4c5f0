import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's top-level `events/` folder. */
export const EVENTS_DIR = join(__dirname, '..', '..', 'events');

/** The exact bytes of a file under `events/`, e.g. `samples/fivetran/sync-end-successful.json`. */
export function readEventsFile(relativePath: string): Buffer {
  return readFileSync(join(EVENTS_DIR, relativePath));
}

/** A file under `events/`, parsed as JSON. */
export function readEventsJson(relativePath: string): unknown {
  return JSON.parse(readEventsFile(relativePath).toString('utf8'));
}
