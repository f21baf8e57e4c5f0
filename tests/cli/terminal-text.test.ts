import { terminalSafe } from '../../src/cli/terminal-text';

describe('terminalSafe', () => {
  it('shows ESC, CR, backspace, BEL, DEL and C1 controls as visible escapes', () => {
    expect(terminalSafe('a\u001b[2J\rb\u0008c\u0007d\u007fe\u009bf')).toBe('a\\x1b[2J\\rb\\x08c\\x07d\\x7fe\\x9bf');
  });

  it('shows bidi overrides and line separators as \\u escapes', () => {
    expect(terminalSafe('evil\u202etxt.exe\u2028x')).toBe('evil\\u202etxt.exe\\u2028x');
  });

  it('keeps line feeds, tabs and ordinary unicode', () => {
    expect(terminalSafe('Run a:\n\tdéjà vu — 東京 ✓')).toBe('Run a:\n\tdéjà vu — 東京 ✓');
  });

  it('leaves no raw control character in any string', () => {
    let all = '';
    for (let code = 0; code < 0x2100; code += 1) all += String.fromCharCode(code);
    const safe = terminalSafe(all);
    expect(safe).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  });
});
