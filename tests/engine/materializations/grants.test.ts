import { dialects } from '../../../src/engine/dialects';
import {
  GrantsConfigError, grantStatements, grantsByRelation, grantsMissingFrom, mergeGrants, normalizeGrants,
} from '../../../src/engine/materializations/grants';

const orders = { schema: 'analytics', identifier: 'orders' };

describe('mergeGrants', () => {
  it('replaces the grantees of a privilege a later level names, and keeps the privileges it does not name', () => {
    expect(mergeGrants([{ select: ['reporter'], insert: ['loader'] }, { select: ['analyst'] }]))
      .toEqual({ select: ['analyst'], insert: ['loader'] });
  });

  it("adds to the earlier grantees when the key starts with '+'", () => {
    expect(mergeGrants([{ select: ['reporter'] }, { '+select': ['analyst'] }, { '+select': 'auditor', '+update': ['loader'] }]))
      .toEqual({ select: ['reporter', 'analyst', 'auditor'], update: ['loader'] });
  });

  it('is undefined when no level sets grants, and keeps a malformed level for validation to report', () => {
    expect(mergeGrants([undefined, null])).toBeUndefined();
    expect(mergeGrants([{ select: ['a'] }, 'select'])).toBe('select');
  });
});

describe('normalizeGrants', () => {
  it('lower-cases privileges and plain names, keeps group and role prefixes, and drops duplicates', () => {
    expect(normalizeGrants({ SELECT: ['Reporter', 'reporter', 'group:Analysts', 'user:Loader', 'ROLE:Auditor'], insert: 'x' }))
      .toEqual({ select: ['reporter', 'group:analysts', 'loader', 'role:auditor'], insert: ['x'] });
  });

  it('keeps names that are not plain identifiers exactly as written (they are quoted in SQL)', () => {
    expect(normalizeGrants({ select: ['IAM:Alice'] })).toEqual({ select: ['IAM:Alice'] });
  });

  it('rejects what is not a mapping of privileges to names', () => {
    expect(() => normalizeGrants(['select'])).toThrow(GrantsConfigError);
    expect(() => normalizeGrants({ 'select; drop table x': ['a'] })).toThrow("'select; drop table x' is not a privilege");
    expect(() => normalizeGrants({ select: [{ name: 'a' }] })).toThrow('must be names');
    expect(() => normalizeGrants({ select: ['bad"name'] })).toThrow('not a valid grantee name');
    expect(() => normalizeGrants({ select: [''] })).toThrow('not a valid grantee name');
  });
});

describe('grantsMissingFrom', () => {
  it("is dbt's diff_of_two_dicts: what the first holds that the second does not, case-insensitively", () => {
    expect(grantsMissingFrom({ select: ['a', 'B'], insert: ['c'] }, { SELECT: ['b'] })).toEqual({ select: ['a'], insert: ['c'] });
    expect(grantsMissingFrom({ select: ['a'] }, { select: ['a'] })).toEqual({});
  });
});

describe('grantStatements', () => {
  it('grants every configured privilege on a new or replaced relation, and revokes nothing', () => {
    expect(grantStatements(dialects.postgres, orders, { select: ['reporter', 'analyst'], insert: ['loader'] }, undefined)).toEqual([
      'grant select on "analytics"."orders" to "reporter", "analyst"',
      'grant insert on "analytics"."orders" to "loader"',
    ]);
  });

  it('on a relation kept in place, first revokes what is held but no longer configured', () => {
    const current = { select: ['reporter', 'old_reader'], update: ['loader'] };
    expect(grantStatements(dialects.postgres, orders, { select: ['reporter'] }, current)).toEqual([
      'revoke select on "analytics"."orders" from "old_reader"',
      'revoke update on "analytics"."orders" from "loader"',
      'grant select on "analytics"."orders" to "reporter"',
    ]);
  });

  it('revokes every grantee of a privilege configured with an empty list', () => {
    expect(grantStatements(dialects.postgres, orders, { select: [] }, { select: ['reporter'] }))
      .toEqual(['revoke select on "analytics"."orders" from "reporter"']);
  });

  it('does nothing at all without a grants config, as dbt leaves such relations alone', () => {
    expect(grantStatements(dialects.postgres, orders, {}, { select: ['reporter'] })).toEqual([]);
  });

  it('names Redshift users, groups and roles with their keywords', () => {
    expect(grantStatements(dialects.redshift, orders, { select: ['alice', 'group:analysts', 'role:reporter'] }, { select: ['group:old'] })).toEqual([
      'revoke select on "analytics"."orders" from group "old"',
      'grant select on "analytics"."orders" to "alice", group "analysts", role "reporter"',
    ]);
  });
});

describe('grantsByRelation', () => {
  it('groups catalog rows by relation and privilege', () => {
    expect(grantsByRelation([
      ['analytics', 'orders', 'SELECT', 'reporter'],
      ['analytics', 'orders', 'select', 'analyst'],
      ['analytics', 'customers', 'insert', 'loader'],
    ])).toEqual({ 'analytics.orders': { select: ['reporter', 'analyst'] }, 'analytics.customers': { insert: ['loader'] } });
  });
});
