/**
 * A small JSON Schema (draft 2020-12) validator covering what dbt's artifact schemas use: type, properties,
 * required, additionalProperties (false or a schema), propertyNames, anyOf, enum, const, items, prefixItems,
 * maxItems, minItems, pattern. `format`, `default`, titles and descriptions are annotations and are not checked.
 * Errors name the JSON path, so a failing artifact says where it is wrong.
 */
export type Schema = boolean | { [key: string]: unknown };

const KNOWN = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'anyOf', 'enum', 'const', 'items',
  'prefixItems', 'maxItems', 'minItems', 'pattern', 'format', 'default', 'title', 'description', '$schema', '$id', 'examples',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Every error found, as `path: message` (empty when the value is valid). */
export function validate(schema: Schema, value: unknown, path = '$', errors: string[] = []): string[] {
  if (schema === true) return errors;
  if (schema === false) {
    errors.push(`${path}: not allowed`);
    return errors;
  }
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`validator does not know the keyword '${key}' (at schema for ${path})`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => matchesType(value, t))) {
      errors.push(`${path}: expected ${types.join(' or ')}, got ${typeOf(value)}`);
      return errors;
    }
  }
  if (schema.const !== undefined && JSON.stringify(value) !== JSON.stringify(schema.const)) errors.push(`${path}: must be ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  if (schema.pattern !== undefined && typeof value === 'string' && !new RegExp(schema.pattern as string, 'u').test(value)) {
    errors.push(`${path}: '${value}' does not match ${String(schema.pattern)}`);
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (schema.anyOf !== undefined) {
    const branches = (schema.anyOf as Schema[]).map((branch) => validate(branch, value, path, []));
    if (!branches.some((e) => e.length === 0)) {
      // The branch that got furthest (fewest errors) explains the failure best.
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
      errors.push(`${path}: matches no anyOf branch; closest: ${best.slice(0, 3).join('; ')}`);
    }
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in record)) errors.push(`${path}: missing required '${key}'`);
    for (const [key, child] of Object.entries(record)) {
      if (schema.propertyNames !== undefined) validate(schema.propertyNames as Schema, key, `${path}[key ${key}]`, errors);
      if (key in properties) validate(properties[key]!, child, `${path}.${key}`, errors);
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected property '${key}'`);
      else if (schema.additionalProperties !== undefined && schema.additionalProperties !== true) validate(schema.additionalProperties as Schema, child, `${path}.${key}`, errors);
    }
  }
  if (Array.isArray(value)) {
    const prefix = (schema.prefixItems ?? []) as Schema[];
    if (schema.maxItems !== undefined && value.length > (schema.maxItems as number)) errors.push(`${path}: more than ${String(schema.maxItems)} items`);
    if (schema.minItems !== undefined && value.length < (schema.minItems as number)) errors.push(`${path}: fewer than ${String(schema.minItems)} items`);
    value.forEach((item, i) => {
      if (i < prefix.length) validate(prefix[i]!, item, `${path}[${i}]`, errors);
      else if (schema.items !== undefined) validate(schema.items as Schema, item, `${path}[${i}]`, errors);
    });
  }
  return errors;
}
