/** Shared set-up for the local AWS endpoint tests: a temporary state folder and SDK client settings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Dummy credentials and region: the local endpoints accept any signature. */
export function clientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
}

export function makeStateDir(): { stateDir: string; remove: () => void } {
  const stateDir = mkdtempSync(join(tmpdir(), 'landfall-local-aws-'));
  return { stateDir, remove: () => rmSync(stateDir, { recursive: true, force: true }) };
}

/** A promise with its resolve function, to hold a task open until the test releases it. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
