import { tokenizeSql } from '../sql-engine/sql-tokenizer';

/** A Data API parameter: `:name` in the SQL, a string value. */
export interface NamedParameter {
  name: string;
  value: string;
}

export interface BoundSql {
  /** The SQL with each supplied `:name` replaced by `$1`, `$2`, … */
  sql: string;
  /** The values for `$1`, `$2`, … in order. */
  values: string[];
}

/**
 * Turns Data API named parameters into PostgreSQL positional ones. `::` casts, string literals,
 * quoted identifiers and comments are left alone, and so is a `:word` that names no supplied
 * parameter (the database then reports the syntax error, as Redshift would).
 *
 * @example
 * bindNamedParameters("select :d::date, ':d'", [{ name: 'd', value: '2024-01-01' }]);
 * // { sql: "select $1::date, ':d'", values: ['2024-01-01'] }
 */
export function bindNamedParameters(sql: string, parameters: readonly NamedParameter[]): BoundSql {
  if (parameters.length === 0) return { sql, values: [] };
  const valueByName = new Map(parameters.map((parameter) => [parameter.name, parameter.value]));
  const positionByName = new Map<string, number>();
  const values: string[] = [];
  const text = tokenizeSql(sql)
    .map((token) => {
      if (token.kind !== 'named-parameter') return token.text;
      const name = token.text.slice(1);
      const value = valueByName.get(name);
      if (value === undefined) return token.text;
      let position = positionByName.get(name);
      if (position === undefined) {
        values.push(value);
        position = values.length;
        positionByName.set(name, position);
      }
      return `$${position}`;
    })
    .join('');
  return { sql: text, values };
}
