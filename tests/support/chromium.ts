/**
 * Debian's chromium for browser tests (puppeteer-core, no browser download). The suites that need it run through
 * `npm run test:browser`, which installs it first (scripts/setup-chromium.sh); under plain `npm test` they skip and
 * say why.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.LANDFALL_CHROMIUM ?? '/usr/bin/chromium';

/** The flags every browser test launches with (headless, no sandbox, nothing phoning home). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why browser suites are skipped in this process, or undefined when they run. */
export function browserSkipReason(): string | undefined {
  if (process.env.LANDFALL_BROWSER !== '1') return 'browser suites run with `npm run test:browser` (LANDFALL_BROWSER=1)';
  if (!existsSync(CHROMIUM_PATH)) return `no chromium at ${CHROMIUM_PATH}: run scripts/setup-chromium.sh`;
  return undefined;
}
