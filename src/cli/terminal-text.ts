/**
 * Text from payloads (connector ids, sync ids, S3 keys, reasons) reaches the terminal through `serve` and
 * `send-event`. A raw ESC, CR or backspace in it would let a webhook body move the cursor, rewrite earlier lines,
 * recolour or hide output; bidirectional overrides would reorder what is shown. Every such character is shown as
 * a visible escape instead (`\x1b`, `\r`, `\u202e`); line feeds and tabs are kept.
 */
// C0 controls but tab and line feed, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * @example
 * terminalSafe('sync \u001b[2Jdone\r'); // 'sync \\x1b[2Jdone\\r'
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (character) => {
    if (character === '\r') return '\\r';
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
