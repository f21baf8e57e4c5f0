import { dialects } from '../../../src/engine/dialects';
import { redshiftGrantee } from '../../../src/engine/dialects/redshift';

describe('Dialect: grants SQL', () => {
  it('PostgreSQL reads the grants the current role gave to others, as dbt-postgres does', () => {
    const sql = dialects.postgres.grantsQuery(['analytics', "o'brien"]);
    expect(sql).toContain('from information_schema.role_table_grants');
    expect(sql).toContain('grantor = current_role and grantee <> current_role');
    expect(sql).toContain("table_schema in ('analytics', 'o''brien')");
  });

  it('Redshift reads users, groups and roles from SVV_RELATION_PRIVILEGES, prefixed as the grants config names them', () => {
    const sql = dialects.redshift.grantsQuery(['analytics']);
    expect(sql).toContain('from svv_relation_privileges');
    expect(sql).toContain("when 'group' then 'group:' || identity_name");
    expect(sql).toContain("when 'role' then 'role:' || identity_name");
    expect(sql).toContain("namespace_name in ('analytics')");
  });

  it('quotes every grantee', () => {
    const relation = { schema: 'analytics', identifier: 'orders' };
    expect(dialects.postgres.grantSql(relation, 'select', ['reporter', 'IAM:Alice'])).toBe('grant select on "analytics"."orders" to "reporter", "IAM:Alice"');
    expect(dialects.postgres.revokeSql(relation, 'select', ['reporter'])).toBe('revoke select on "analytics"."orders" from "reporter"');
    expect(redshiftGrantee('user:bob')).toBe('"bob"');
    expect(redshiftGrantee('IAM:Alice')).toBe('"IAM:Alice"');
    expect(redshiftGrantee('group:analysts')).toBe('group "analysts"');
  });
});
