/**
 * dbt's four built-in generic tests, as Jinja SQL that returns the failing rows. Arguments come from
 * project YAML (never from events); literal values are escaped.
 */
export interface GenericTestArgs {
  /** A Jinja expression for the tested relation: `ref('x')` or `source('s', 't')`. */
  model: string;
  columnName?: string;
  args: Record<string, unknown>;
  where?: string;
}

type Builder = (input: GenericTestArgs) => string;

function relationExpr(input: GenericTestArgs): string {
  const base = `{{ ${input.model} }}`;
  return input.where ? `(select * from ${base} where ${input.where}) dbt_subquery` : base;
}

function requireColumn(input: GenericTestArgs): string {
  if (!input.columnName) throw new Error('needs a column (declare it under columns:)');
  return input.columnName;
}

export function sqlStringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export const GENERIC_TESTS: Record<string, Builder> = {
  not_null: (input) => `select ${requireColumn(input)}\nfrom ${relationExpr(input)}\nwhere ${requireColumn(input)} is null`,
  unique: (input) => {
    const column = requireColumn(input);
    return `select ${column} as unique_field, count(*) as n_records\nfrom ${relationExpr(input)}\nwhere ${column} is not null\ngroup by ${column}\nhaving count(*) > 1`;
  },
  accepted_values: (input) => {
    const column = requireColumn(input);
    const values = input.args.values;
    if (!Array.isArray(values) || values.length === 0) throw new Error("needs a non-empty 'values' list");
    const quote = input.args.quote !== false;
    const list = values.map((v) => (quote ? sqlStringLiteral(String(v)) : String(v))).join(', ');
    return `with all_values as (\n  select ${column} as value_field, count(*) as n_records\n  from ${relationExpr(input)}\n  group by ${column}\n)\nselect *\nfrom all_values\nwhere value_field not in (${list})`;
  },
  relationships: (input) => {
    const column = requireColumn(input);
    const to = input.args.to;
    const field = input.args.field;
    if (typeof to !== 'string' || typeof field !== 'string') throw new Error("needs 'to' (ref or source) and 'field'");
    const parent = to.trim().startsWith('{{') ? to : `{{ ${to} }}`;
    return `with child as (\n  select ${column} as from_field\n  from ${relationExpr(input)}\n  where ${column} is not null\n),\nparent as (\n  select ${field} as to_field\n  from ${parent}\n)\nselect from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\nwhere parent.to_field is null`;
  },
};

/** The Jinja SQL of a generic test. Throws a plain Error with what is missing; callers add the file. */
export function buildGenericTestSql(testName: string, input: GenericTestArgs): string {
  const builder = GENERIC_TESTS[testName];
  if (!builder) throw new Error(`unknown generic test '${testName}'`);
  return builder(input);
}
