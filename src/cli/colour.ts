/**
 * Colour for PASS/WARN/ERROR/SKIP, as dbt prints them: only when stdout is a terminal, never with `NO_COLOR`
 * set (https://no-color.org) or `--no-color` (main.ts turns the flag into NO_COLOR); `FORCE_COLOR=1` forces it.
 */
export type Tone = 'PASS' | 'WARN' | 'ERROR' | 'SKIP' | 'DIM';

const CODES: Record<Tone, string> = { PASS: '32', WARN: '33', ERROR: '31', SKIP: '33', DIM: '2' };

export function colourEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}

/** `text` in the tone's colour when colour is on, else as it is. */
export function paint(text: string, tone: Tone): string {
  return colourEnabled() ? `\u001b[${CODES[tone]}m${text}\u001b[0m` : text;
}

/** The tone of a dbt status word (OK/PASS/SUCCESS green, WARN yellow, ERROR/FAIL red, SKIP yellow). */
export function toneOf(status: string): Tone | undefined {
  if (/^(OK|PASS|SUCCESS|SUCCEEDED)/.test(status)) return 'PASS';
  if (/^WARN/.test(status)) return 'WARN';
  if (/^(ERROR|FAIL|FAILED|TIMED_OUT|ABORTED)/.test(status)) return 'ERROR';
  if (/^SKIP/.test(status)) return 'SKIP';
  return undefined;
}
