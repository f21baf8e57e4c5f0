import { renderProjectYaml } from '../../../src/engine/project/project-yaml-render';
import { compileManifest } from '../../../src/engine/project/compile-manifest';

const target = { name: 'ci', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

describe('renderProjectYaml: dbt_project.yml Jinja', () => {
  it('renders configs natively: an expression keeps its type, text with Jinja becomes text', () => {
    process.env.LANDFALL_TEST_SCHEMA_SUFFIX = 'blue';
    const rendered = renderProjectYaml({
      name: 'p',
      models: { p: { '+materialized': "{{ 'table' if target.name == 'prod' else 'view' }}", '+enabled': "{{ target.name != 'dev' }}", marts: { '+schema': "marts_{{ env_var('LANDFALL_TEST_SCHEMA_SUFFIX') }}" } } },
    }, { target, cliVars: {} });
    expect(rendered.models).toEqual({ p: { '+materialized': 'view', '+enabled': true, marts: { '+schema': 'marts_blue' } } });
  });

  it('leaves hooks and run hooks for later, and renders vars as text unless they are one expression', () => {
    const project = {
      name: 'p',
      'on-run-start': ["insert into audit values ('{{ invocation_id }}')"],
      models: { p: { '+post-hook': 'grant select on {{ this }} to reporter' } },
      vars: { days: "{{ env_var('LANDFALL_TEST_DAYS', '3') }}", label: "{{ target.name }}-run", flags: '{{ [1, 2] }}' },
    };
    const rendered = renderProjectYaml(project, { target, cliVars: {} });
    expect(rendered['on-run-start']).toEqual(project['on-run-start']);
    expect(rendered.models).toEqual(project.models);
    expect(rendered.vars).toEqual({ days: '3', label: 'ci-run', flags: [1, 2] });
  });

  it('is applied before configs are read, so a rendered enabled: false disables the model', () => {
    const manifest = compileManifest({
      root: '/nowhere',
      project: { name: 'p', models: { p: { legacy: { '+enabled': "{{ target.name == 'prod' }}" } } } },
      models: [
        { file: 'models/legacy/old.sql', relative: 'legacy/old.sql', text: 'select 1 as id' },
        { file: 'models/new.sql', relative: 'new.sql', text: 'select 1 as id' },
      ],
      singularTests: [], macros: [], seeds: [], properties: [],
    }, { target });
    expect(Object.keys(manifest.models)).toEqual(['model.p.new']);
  });
});
