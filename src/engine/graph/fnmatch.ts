/**
 * dbt's wildcards: Python's `fnmatch` on POSIX (case-sensitive), which dbt's selector methods call on names, tags,
 * packages, file names and the fully qualified name (https://docs.getdbt.com/reference/node-selection/methods:
 * `*` any run of characters, `?` one character, `[abc]` one of them, `[a-z]` one of a range; `[!abc]` negates).
 * `*` crosses `.` and `/` as in fnmatch. Where fnmatch quietly reads a broken class as literal text (an unclosed `[`,
 * a reversed range `[z-a]`) and so selects nothing, landfall refuses the pattern and says where it breaks.
 */
import { SelectionError } from '../errors';

/** Whether a selector value holds one of dbt's wildcard characters (dbt's `is_selected_node` test). */
export function hasWildcard(value: string): boolean {
  return /[*?[\]]/.test(value);
}

const compiled = new Map<string, RegExp>();

/**
 * The pattern as an anchored regular expression. `selector` names the selector in the error.
 *
 * @example
 * fnmatchRegExp('stg_[a-c]*', 'stg_[a-c]*').test('stg_customers') // true
 */
export function fnmatchRegExp(pattern: string, selector: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      if (!source.endsWith('.*')) source += '.*';
    } else if (char === '?') {
      source += '.';
    } else if (char === '[') {
      const { regex, end } = characterClass(pattern, i, selector);
      source += regex;
      i = end;
    } else {
      source += escapeRegExp(char);
    }
  }
  const regExp = new RegExp(`^${source}$`, 's');
  compiled.set(pattern, regExp);
  return regExp;
}

/** Whether `text` matches the fnmatch `pattern`. */
export function fnmatch(text: string, pattern: string, selector: string = pattern): boolean {
  return fnmatchRegExp(pattern, selector).test(text);
}

/** `[...]` starting at `start`: a `!` first negates, a `]` first (after `!`) is literal, `a-z` is a range. */
function characterClass(pattern: string, start: number, selector: string): { regex: string; end: number } {
  let j = start + 1;
  const negated = pattern[j] === '!';
  if (negated) j++;
  const firstMember = j;
  if (pattern[j] === ']') j++;
  while (j < pattern.length && pattern[j] !== ']') j++;
  if (j >= pattern.length) {
    throw new SelectionError(
      `selector '${selector}': the '[' at position ${start + 1} of '${pattern}' opens a character class that is never closed `
      + `(write '[[]' for a literal '[')`,
    );
  }
  const members = pattern.slice(firstMember, j);
  let regex = '';
  for (let k = 0; k < members.length; k++) {
    const from = members[k]!;
    if (members[k + 1] === '-' && k + 2 < members.length) {
      const to = members[k + 2]!;
      if (from > to) {
        throw new SelectionError(`selector '${selector}': the range '${from}-${to}' in '${pattern}' is reversed (no character lies from '${from}' to '${to}')`);
      }
      regex += `${escapeClassChar(from)}-${escapeClassChar(to)}`;
      k += 2;
    } else {
      regex += escapeClassChar(from);
    }
  }
  return { regex: `[${negated ? '^' : ''}${regex}]`, end: j };
}

function escapeRegExp(char: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(char) ? `\\${char}` : char;
}

function escapeClassChar(char: string): string {
  return /[\]\\^[-]/.test(char) ? `\\${char}` : char;
}
