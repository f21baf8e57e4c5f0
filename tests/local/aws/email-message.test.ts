import {
  decodeQuotedPrintable,
  encodeHeaderText,
  encodeQuotedPrintableLine,
  formatEmailMessage,
  formatRfc5322Date,
} from '../../../src/local/aws/email-message';

describe('Function: encodeHeaderText', () => {
  it('leaves printable ASCII as it is', () => {
    expect(encodeHeaderText('[landfall] run failed: 1 test')).toBe('[landfall] run failed: 1 test');
  });

  it('splits non-ASCII text into encoded words of at most 75 characters without splitting a character', () => {
    const text = '✗'.repeat(40) + ' données';
    const words = encodeHeaderText(text).split('\r\n ');

    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    const decoded = words.map((word) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(word)![1], 'base64').toString('utf8'));
    expect(decoded.join('')).toBe(text);
    expect(decoded.every((chunk) => !chunk.includes('\uFFFD'))).toBe(true);
  });
});

describe('Function: encodeQuotedPrintableLine', () => {
  it('escapes =, non-ASCII bytes and trailing whitespace', () => {
    expect(encodeQuotedPrintableLine('a=b é ')).toBe('a=3Db =C3=A9=20');
  });

  it('keeps encoded lines within 76 characters and never splits an escape', () => {
    const line = 'é'.repeat(100);
    const encoded = encodeQuotedPrintableLine(line);

    for (const part of encoded.split('\r\n')) {
      expect(part.length).toBeLessThanOrEqual(76);
      expect(part.replace(/=$/, '')).toMatch(/^(=[0-9A-F]{2})*$/);
    }
    expect(decodeQuotedPrintable(encoded)).toBe(line);
  });
});

describe('Function: formatEmailMessage', () => {
  it('writes the headers in order, a blank line, and the body with CRLF line ends', () => {
    const eml = formatEmailMessage({
      from: { address: 'no-reply@sns.amazonaws.com', displayName: 'AWS "Notifications"' },
      to: [{ address: 'a@example.com' }],
      subject: 'hello',
      date: new Date('2026-11-27T02:10:00Z'),
      messageId: 'id-1@sns.localhost',
      body: 'line 1\nline 2',
    });

    expect(eml).toBe(
      [
        'From: "AWS \\"Notifications\\"" <no-reply@sns.amazonaws.com>',
        'To: <a@example.com>',
        'Subject: hello',
        'Date: Fri, 27 Nov 2026 02:10:00 +0000',
        'Message-ID: <id-1@sns.localhost>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'line 1',
        'line 2',
      ].join('\r\n'),
    );
  });
});

describe('Function: formatRfc5322Date', () => {
  it('formats in UTC with a numeric zone', () => {
    expect(formatRfc5322Date(new Date('2026-01-02T03:04:05Z'))).toBe('Fri, 02 Jan 2026 03:04:05 +0000');
  });
});
