/** A database error placed in the statement (psql's LINE n and caret) and mapped to the model file's line. */
import { describeLocation, locateSqlError } from '../../src/cli/error-location';
import { closestNames, didYouMean } from '../../src/cli/suggest';

const SOURCE = "{{ config(materialized='table') }}\n-- orders with their amount\nselect\n  id,\n  amont as amount\nfrom {{ ref('raw_orders') }}\n";
const STATEMENT = 'create table "analytics"."orders__tmp" as (\n\n-- orders with their amount\nselect\n  id,\n  amont as amount\nfrom "dev"."analytics"."raw_orders"\n)';

describe('locateSqlError', () => {
  it("finds PostgreSQL's missing column in the statement and the same line in the model file", () => {
    const location = locateSqlError('ERROR: column "amont" does not exist', [STATEMENT], SOURCE)!;
    expect(location).toEqual({ statementLine: 6, column: 3, lineText: '  amont as amount', fileLine: 5 });
    expect(describeLocation(location, 'models/orders.sql')).toEqual(['LINE 6:   amont as amount', '          ^', 'at models/orders.sql:5']);
  });

  it('uses a Redshift-style Position when the error carries one', () => {
    const offset = STATEMENT.indexOf('from "dev"');
    const location = locateSqlError(`ERROR: syntax error at or near "from" Position: ${offset + 1}`, [STATEMENT], SOURCE)!;
    expect(location.statementLine).toBe(7);
    // The line comes from Jinja (ref() rendered): no file line claims it, and the description says so.
    expect(location.fileLine).toBeUndefined();
    expect(describeLocation(location, 'models/orders.sql')[2]).toContain('comes from Jinja');
  });

  it('says nothing when the error names nothing it can find', () => {
    expect(locateSqlError('ERROR: division by zero', [STATEMENT], SOURCE)).toBeUndefined();
  });
});

describe('did you mean', () => {
  it('suggests the closest names, closest first, and nothing for a name far from all', () => {
    expect(closestNames('stg_ordrs', ['stg_orders', 'stg_customers', 'orders'])).toEqual(['stg_orders']);
    expect(didYouMean('--ful-refresh', ['--full-refresh', '--select'], (f) => f)).toBe(' (did you mean --full-refresh?)');
    expect(didYouMean('zzz', ['build', 'run'])).toBe('');
  });
});
