/**
 * What `run_query()` and `load_result(name).table` return: a small, read-only copy of the agate
 * `Table` dbt hands to templates. Rows and columns are arrays (so `for`, `| length`, `| list`, `[0]`
 * and slices behave as in Jinja) whose items can also be found by name, like agate's
 * `MappedSequence`: `table.columns['amount']`, `row['amount']`, `row.amount`, `row[-1]`.
 */
import { JINJA_MEMBER, type JinjaMembers } from '../jinja/environment';

export type AgateValue = string | number | boolean | null;

/** Rows as the warehouse returned them, with their column names and type names. */
export interface TabularResult {
  columns: { name: string; type: string }[];
  rows: AgateValue[][];
}

type PythonMethods = Record<string, (...args: any[]) => unknown>;

/**
 * agate's `MappedSequence`: values by position (negative counts from the end) or by name. In templates
 * it has Python's `keys()`, `values()` (a list), `items()`, `get()` and `dict()`; in TypeScript it is an array.
 * Plain property access by name also works (for filters such as `sum(attribute='amount')`) unless the
 * name is an array member.
 */
export class MappedSequence<T> extends Array<T> implements JinjaMembers {
  /** Results of `map`, `filter`, `slice`… are plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  declare readonly names: readonly string[];

  /** The item at a position or with a name; undefined when there is none. */
  item(key: string | number): T | undefined {
    if (typeof key === 'number') return this[key < 0 ? this.length + key : key];
    const index = this.names.indexOf(key);
    return index === -1 ? undefined : this[index];
  }

  protected pythonMethods(): PythonMethods {
    return {
      keys: () => [...this.names],
      values: () => [...this],
      items: () => this.names.map((name, i) => [name, this[i]]),
      get: (key: string | number, fallback: unknown = null) => this.item(key) ?? fallback,
      dict: () => Object.fromEntries(this.names.map((name, i) => [name, this[i]])),
    };
  }

  [JINJA_MEMBER](key: string | number): unknown {
    if (typeof key === 'string') {
      const methods = this.pythonMethods();
      if (Object.prototype.hasOwnProperty.call(methods, key)) return methods[key];
    }
    return this.item(key);
  }
}

function fill<S extends MappedSequence<unknown>>(sequence: S, items: readonly unknown[], names: readonly string[]): S {
  for (const item of items) sequence.push(item);
  Object.defineProperty(sequence, 'names', { value: names, enumerable: false });
  names.forEach((name, i) => {
    if (!(name in sequence)) Object.defineProperty(sequence, name, { get: () => sequence[i], enumerable: false });
  });
  return sequence;
}

/** One row: `row[0]`, `row['id']`, `row.id`, `row.values()`, `row.dict()`. */
export class AgateRow extends MappedSequence<AgateValue> {}

/** One column: its `name`, `data_type.name`, and its values (`column.values()`, `column[0]`, `for v in column`). */
export class AgateColumn extends MappedSequence<AgateValue> {
  declare readonly name: string;
  declare readonly data_type: { name: string };

  protected override pythonMethods(): PythonMethods {
    return {
      ...super.pythonMethods(),
      values_distinct: () => [...new Set(this)],
      values_without_nulls: () => this.filter((v) => v !== null),
    };
  }

  override [JINJA_MEMBER](key: string | number): unknown {
    if (key === 'name' || key === 'data_type') return this[key];
    return super[JINJA_MEMBER](key);
  }
}

function makeColumn(name: string, type: string, values: AgateValue[]): AgateColumn {
  const column = fill(new AgateColumn(), values, []);
  Object.defineProperty(column, 'name', { value: name, enumerable: false });
  Object.defineProperty(column, 'data_type', { value: { name: type }, enumerable: false });
  return column;
}

/**
 * The agate `Table` of a query result: `columns`, `rows`, `column_names`, `column_types`.
 *
 * @example
 * const table = AgateTable.of({ columns: [{ name: 'method', type: 'varchar' }], rows: [['card'], ['cash']] });
 * renderTemplate("{{ t.columns[0].values() | join(',') }}", { t: table }, { file: 'x.sql' }); // 'card,cash'
 */
export class AgateTable implements JinjaMembers {
  readonly columns: MappedSequence<AgateColumn>;
  readonly rows: MappedSequence<AgateRow>;
  readonly column_names: string[];
  readonly column_types: { name: string }[];

  private constructor(result: TabularResult) {
    this.column_names = result.columns.map((c) => c.name);
    this.column_types = result.columns.map((c) => ({ name: c.type }));
    this.rows = fill(new MappedSequence<AgateRow>(), result.rows.map((r) => fill(new AgateRow(), r, this.column_names)), []);
    this.columns = fill(
      new MappedSequence<AgateColumn>(),
      result.columns.map((c, i) => makeColumn(c.name, c.type, result.rows.map((r) => r[i] ?? null))),
      this.column_names,
    );
  }

  static of(result: TabularResult): AgateTable {
    return new AgateTable(result);
  }

  /** A table with no columns and no rows (what `statement` stores when nothing was fetched). */
  static empty(): AgateTable {
    return new AgateTable({ columns: [], rows: [] });
  }

  /** `{% for row in table %}` iterates the rows, as agate's Table does (dbt_utils' get_relations_by_pattern). */
  [Symbol.iterator](): Iterator<AgateRow> {
    return this.rows[Symbol.iterator]();
  }

  [JINJA_MEMBER](key: string | number): unknown {
    // dbt prints tables to the log; a template that calls print_table() gets nothing.
    if (key === 'print_table') return () => '';
    if (key === 'columns' || key === 'rows' || key === 'column_names' || key === 'column_types') return this[key];
    return undefined;
  }
}
