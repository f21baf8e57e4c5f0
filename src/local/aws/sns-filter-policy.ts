/**
 * SNS subscription filter policies (scope `MessageAttributes`), evaluated as SNS documents them
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html and the pages it links):
 *
 * - every property of the policy must match a message attribute of that name (AND); within a property, any one of
 *   its values (OR); `"$or": [{…}, {…}]` matches when one of its policies does (and-or-logic.html);
 * - exact string matching; a `String.Array` attribute's elements are matched one by one (string-value-matching.html);
 *   `prefix`, `suffix`, `equals-ignore-case`; `anything-but` with a value, a list, or a `prefix`/`suffix`;
 * - `numeric` with `=`, `<`, `<=`, `>`, `>=` (one or a range of two), only against `Number` attributes; a bare number
 *   is numeric equality (numeric-value-matching.html);
 * - `exists: true` needs the attribute present; `exists: false` matches its absence, but "only matches if at least
 *   one attribute is present" (attribute-key-matching.html);
 * - constraints: at most 5 properties per policy and at most 150 value combinations
 *   (subscription-filter-policy-constraints.html): a bigger policy is refused, as SNS refuses it at Subscribe.
 * Anything else (`cidr`, `wildcard`, a MessageBody scope) is refused rather than answered wrongly.
 */
import { InvalidParameterError } from './errors';

export type FilterPolicy = Record<string, unknown>;
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
}

const MAX_PROPERTIES = 5;
const MAX_COMBINATIONS = 150;

/** Checks a policy as Subscribe/SetSubscriptionAttributes would; throws InvalidParameterError naming the problem. */
export function validateFilterPolicy(policy: unknown): asserts policy is FilterPolicy {
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) throw invalid('the filter policy must be a JSON object');
  if (combinations(policy as FilterPolicy) > MAX_COMBINATIONS) throw invalid(`the filter policy has more than ${MAX_COMBINATIONS} combinations of values`);
}

function combinations(policy: FilterPolicy): number {
  const keys = Object.keys(policy).filter((k) => k !== '$or');
  if (keys.length > MAX_PROPERTIES) throw invalid(`the filter policy has ${keys.length} properties; at most ${MAX_PROPERTIES}`);
  let count = 1;
  for (const key of keys) {
    const values = policy[key];
    if (!Array.isArray(values) || values.length === 0) throw invalid(`'${key}' must be a non-empty array of values`);
    values.forEach((v) => checkCondition(key, v));
    count *= values.length;
  }
  if ('$or' in policy) {
    const branches = policy.$or;
    if (!Array.isArray(branches) || branches.length < 2) throw invalid("'$or' must be an array of at least two policies");
    count *= branches.reduce((sum: number, b) => {
      validateFilterPolicy(b);
      return sum + combinations(b as FilterPolicy);
    }, 0);
  }
  return count;
}

function checkCondition(key: string, condition: unknown): void {
  if (typeof condition === 'string' || typeof condition === 'number') return;
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) throw invalid(`'${key}': unsupported value ${JSON.stringify(condition)}`);
  const [operator, ...more] = Object.keys(condition);
  if (more.length > 0 || operator === undefined) throw invalid(`'${key}': one operator per condition`);
  const operand = (condition as Record<string, unknown>)[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      if (typeof operand !== 'string') throw invalid(`'${key}': ${operator} takes a string`);
      return;
    case 'exists':
      if (typeof operand !== 'boolean') throw invalid(`'${key}': exists takes true or false`);
      return;
    case 'anything-but':
      if (typeof operand === 'string' || typeof operand === 'number') return;
      if (Array.isArray(operand) && operand.every((v) => typeof v === 'string' || typeof v === 'number')) return;
      if (operand && typeof operand === 'object' && !Array.isArray(operand)) {
        const [inner] = Object.keys(operand);
        if ((inner === 'prefix' || inner === 'suffix') && typeof (operand as Record<string, unknown>)[inner] === 'string') return;
      }
      throw invalid(`'${key}': anything-but takes a value, a list of values, or {prefix}/{suffix}`);
    case 'numeric':
      numericRange(key, operand);
      return;
    default:
      throw invalid(`'${key}': the operator '${operator}' is not supported by the local SNS`);
  }
}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

function numericRange(key: string, operand: unknown): [string, number][] {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) throw invalid(`'${key}': numeric takes [op, n] or [op, n, op, n]`);
  const pairs: [string, number][] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const [op, n] = [operand[i], operand[i + 1]];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op) || typeof n !== 'number') throw invalid(`'${key}': numeric operator ${JSON.stringify(op)} with ${JSON.stringify(n)}`);
    pairs.push([op, n]);
  }
  if (pairs.length === 2 && (!pairs[0]![0].startsWith('>') || !pairs[1]![0].startsWith('<'))) throw invalid(`'${key}': a numeric range is [">" or ">=", low, "<" or "<=", high]`);
  return pairs;
}

/**
 * Does a message with these attributes pass the policy?
 *
 * @example
 * matchesFilterPolicy({ owner: ['finance'] }, { owner: { DataType: 'String', StringValue: 'finance' } }) // true
 */
export function matchesFilterPolicy(policy: FilterPolicy, attributes: Record<string, MessageAttribute>): boolean {
  for (const [key, values] of Object.entries(policy)) {
    if (key === '$or') {
      if (!(values as FilterPolicy[]).some((branch) => matchesFilterPolicy(branch, attributes))) return false;
      continue;
    }
    const attribute = attributes[key];
    if (!(values as unknown[]).some((condition) => matchesCondition(condition, attribute, Object.keys(attributes).length))) return false;
  }
  return true;
}

function matchesCondition(condition: unknown, attribute: MessageAttribute | undefined, attributeCount: number): boolean {
  if (condition !== null && typeof condition === 'object' && 'exists' in condition) {
    return (condition as { exists: boolean }).exists ? attribute !== undefined : attribute === undefined && attributeCount > 0;
  }
  if (!attribute) return false;
  const isNumber = attribute.DataType.startsWith('Number');
  const strings = isNumber ? [] : attribute.DataType === 'String.Array' ? arrayElements(attribute.StringValue) : [attribute.StringValue ?? ''];
  const number = isNumber ? Number(attribute.StringValue) : undefined;
  if (typeof condition === 'string') return strings.includes(condition);
  if (typeof condition === 'number') return number === condition;
  const [operator] = Object.keys(condition as object);
  const operand = (condition as Record<string, unknown>)[operator!];
  switch (operator) {
    case 'prefix':
      return strings.some((s) => s.startsWith(operand as string));
    case 'suffix':
      return strings.some((s) => s.endsWith(operand as string));
    case 'equals-ignore-case':
      return strings.some((s) => s.toLowerCase() === (operand as string).toLowerCase());
    case 'numeric':
      return number !== undefined && Number.isFinite(number) && numericRange('', operand).every(([op, n]) => compare(number, op, n));
    case 'anything-but': {
      if (operand && typeof operand === 'object' && !Array.isArray(operand)) {
        const [inner] = Object.keys(operand);
        const text = (operand as Record<string, string>)[inner!]!;
        return strings.length > 0 && strings.every((s) => (inner === 'prefix' ? !s.startsWith(text) : !s.endsWith(text)));
      }
      const excluded = Array.isArray(operand) ? operand : [operand];
      if (isNumber) return number !== undefined && !excluded.includes(number);
      return strings.length > 0 && strings.every((s) => !excluded.includes(s));
    }
    default:
      return false;
  }
}

function compare(value: number, op: string, n: number): boolean {
  return op === '=' ? value === n : op === '<' ? value < n : op === '<=' ? value <= n : op === '>' ? value > n : value >= n;
}

function arrayElements(value: string | undefined): string[] {
  try {
    const parsed = JSON.parse(value ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((v) => typeof v === 'string' || typeof v === 'number').map(String) : [];
  } catch {
    return [];
  }
}

function invalid(message: string): InvalidParameterError {
  return new InvalidParameterError(`Invalid parameter: FilterPolicy: ${message}`);
}
