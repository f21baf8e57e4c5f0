/**
 * SNS's limits on email alerts, and helpers that keep text within them without breaking characters.
 */

/** SNS Publish: the message may be at most 256 KB, counted in UTF-8 bytes. */
export const MAX_BODY_BYTES = 262_144;
/** SNS Publish: the subject must be shorter than 100 characters. */
export const MAX_SUBJECT_CHARACTERS = 99;

const ELLIPSIS = '…';

/** Replaces line breaks, tabs and other control characters with spaces and collapses runs of spaces. */
export function toSingleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Cuts text to at most `maxCharacters` code points, ending with `…` when it was cut. */
export function truncateCharacters(text: string, maxCharacters: number): string {
  const characters = [...text];
  if (characters.length <= maxCharacters) return text;
  return characters.slice(0, Math.max(0, maxCharacters - 1)).join('') + ELLIPSIS;
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const cut = Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8');
  // A character split by the cut decodes as U+FFFD at the end: drop it.
  return cut.replace(/\uFFFD+$/, '');
}

/**
 * Keeps a block of text (SQL, an error message) within `maxBytes`, cutting at a line end when one
 * is near and appending a note that says how much was left out and where to find the rest.
 */
export function truncateBlock(text: string, maxBytes: number, whereToFindAll: string): string {
  const totalBytes = Buffer.byteLength(text, 'utf8');
  if (totalBytes <= maxBytes) return text;
  let kept = truncateUtf8(text, maxBytes);
  const lastLineEnd = kept.lastIndexOf('\n');
  if (lastLineEnd > kept.length / 2) kept = kept.slice(0, lastLineEnd);
  const omitted = totalBytes - Buffer.byteLength(kept, 'utf8');
  return `${kept}\n[… truncated: ${omitted.toLocaleString('en-US')} more bytes; ${whereToFindAll}]`;
}
