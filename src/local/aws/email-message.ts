/**
 * Formats a plain-text email as an RFC 5322 message (the content of an `.eml` file) with MIME
 * headers: non-ASCII header text is RFC 2047-encoded, and the body is sent as `8bit` when every line
 * fits the 998-byte SMTP limit, otherwise as quoted-printable. Lines end with CRLF.
 */

export interface EmailMessage {
  from: EmailAddress;
  to: EmailAddress[];
  subject: string;
  date: Date;
  /** Without angle brackets, e.g. `0f3c…@sns.localhost`. */
  messageId: string;
  body: string;
  /** Extra headers such as `X-Local-Sns-Topic-Arn`. Values must be ASCII. */
  extraHeaders?: Record<string, string>;
}

export interface EmailAddress {
  address: string;
  displayName?: string;
}

const CRLF = '\r\n';
/** SMTP's limit on a line, without the CRLF (RFC 5322 §2.1.1). */
const MAX_LINE_BYTES = 998;
/** Longest encoded word allowed by RFC 2047 §2. */
const MAX_ENCODED_WORD_LENGTH = 75;
const ENCODED_WORD_OVERHEAD = '=?UTF-8?B?'.length + '?='.length;

/**
 * Renders the message.
 *
 * @example
 * const eml = formatEmailMessage({
 *   from: { address: 'no-reply@sns.amazonaws.com', displayName: 'AWS Notifications' },
 *   to: [{ address: 'data-team@example.com' }],
 *   subject: '[landfall] run failed', date: new Date(), messageId: 'abc@sns.localhost', body: 'Hello',
 * });
 */
export function formatEmailMessage(message: EmailMessage): string {
  const { encoding, encodedBody } = encodeBody(message.body);
  const headers: [string, string][] = [
    ['From', formatAddress(message.from)],
    ['To', message.to.map(formatAddress).join(', ')],
    ['Subject', encodeHeaderText(message.subject)],
    ['Date', formatRfc5322Date(message.date)],
    ['Message-ID', `<${message.messageId}>`],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=UTF-8'],
    ['Content-Transfer-Encoding', encoding],
    ...Object.entries(message.extraHeaders ?? {}),
  ];
  return headers.map(([name, value]) => `${name}: ${value}`).join(CRLF) + CRLF + CRLF + encodedBody;
}

/** `Tue, 27 Nov 2026 02:10:00 +0000` */
export function formatRfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

function formatAddress(address: EmailAddress): string {
  if (!address.displayName) return `<${address.address}>`;
  const name = isPrintableAscii(address.displayName)
    ? `"${address.displayName.replace(/["\\]/g, '\\$&')}"`
    : encodeHeaderText(address.displayName);
  return `${name} <${address.address}>`;
}

function isPrintableAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/**
 * Returns printable ASCII text as it is; otherwise RFC 2047 `=?UTF-8?B?...?=` encoded words (each at
 * most 75 characters, never splitting a character), folded onto continuation lines.
 */
export function encodeHeaderText(text: string): string {
  if (isPrintableAscii(text)) return text;
  const maxBytesPerWord = Math.floor((MAX_ENCODED_WORD_LENGTH - ENCODED_WORD_OVERHEAD) / 4) * 3;
  const words: string[] = [];
  let chunk = '';
  for (const character of text) {
    if (Buffer.byteLength(chunk + character) > maxBytesPerWord) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

function encodeBody(body: string): { encoding: '8bit' | 'quoted-printable'; encodedBody: string } {
  const lines = body.split(/\r\n|\n|\r/);
  if (lines.every((line) => Buffer.byteLength(line) <= MAX_LINE_BYTES)) {
    return { encoding: '8bit', encodedBody: lines.join(CRLF) };
  }
  return { encoding: 'quoted-printable', encodedBody: lines.map(encodeQuotedPrintableLine).join(CRLF) };
}

/**
 * Quoted-printable encoding of one line of text (RFC 2045 §6.7): UTF-8 bytes outside printable
 * ASCII, `=`, and trailing spaces or tabs become `=XX`; output lines stay within 76 characters
 * through soft line breaks (`=` at the end of a line).
 */
export function encodeQuotedPrintableLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  const tokens: string[] = [];
  bytes.forEach((byte, index) => {
    const isLast = index === bytes.length - 1;
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !isLast);
    tokens.push(literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`);
  });
  const output: string[] = [];
  let current = '';
  for (const token of tokens) {
    if (current.length + token.length > 75) {
      output.push(`${current}=`);
      current = '';
    }
    current += token;
  }
  output.push(current);
  return output.join(CRLF);
}

/** Decodes quoted-printable text back to a string (used by tests and by tools reading the outbox). */
export function decodeQuotedPrintable(encoded: string): string {
  const joined = encoded.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index++) {
    const character = joined[index];
    if (character === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(index + 1, index + 3))) {
      bytes.push(Number.parseInt(joined.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(character, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
