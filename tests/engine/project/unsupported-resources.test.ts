import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

function project(models: { name: string; text: string }[], modelsConfig: Record<string, unknown> = {}): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'p', models: { p: modelsConfig } },
    models: models.map(({ name, text }) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text })),
    singularTests: [], macros: [], seeds: [], properties: [],
  } as ProjectFiles;
}

describe('microbatch incrementals', () => {
  it('refuses a microbatch model at parse, naming its file, instead of running it as another strategy', () => {
    const files = project([{ name: 'events_daily', text: "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day') }} select 1 as id" }]);
    expect(() => compileManifest(files, { target })).toThrow(/models\/events_daily\.sql.*microbatch' is not supported yet/s);
  });

  it('refuses microbatch set in dbt_project.yml on incremental models', () => {
    const files = project([{ name: 'inc', text: 'select 1 as id' }], { '+materialized': 'incremental', '+incremental_strategy': 'microbatch' });
    expect(() => compileManifest(files, { target })).toThrow(/models\/inc\.sql.*microbatch/s);
  });

  it('ignores the key on a model that is not incremental, as dbt does', () => {
    const files = project([{ name: 'v', text: "{{ config(materialized='view') }} select 1 as id" }], { '+incremental_strategy': 'microbatch' });
    expect(compileManifest(files, { target }).models['model.p.v']!.config.materialized).toBe('view');
  });
});

describe('settings landfall parses but does not act on', () => {
  it('warn instead of being ignored silently: persist_docs, groups and access, unknown top-level YAML keys', () => {
    const files = project([
      { name: 'a', text: "{{ config(persist_docs={'relation': true, 'columns': true}) }} select 1 as id" },
      { name: 'b', text: "{{ config(group='finance', access='private') }} select 1 as id" },
      { name: 'c', text: 'select 1 as id' },
    ]);
    files.properties.push({ file: 'models/_props.yml', content: { version: 2, groups: [{ name: 'finance', owner: { name: 'F' } }], macros: [], modles: [] } as never });
    const warnings = compileManifest(files, { target }).parseWarnings ?? [];
    expect(warnings).toEqual([
      "models/_props.yml: `groups:` is not enforced by landfall (a ref to another group's private model builds, where dbt fails)",
      'models/_props.yml: unexpected top-level key `modles`, ignored (dbt 1.10 warns about it too)',
      'persist_docs is not applied by landfall yet: no COMMENT ON is run for 1 node(s) (models/a.sql)',
      'model access and groups are not enforced by landfall: 1 node(s) set access or group (models/b.sql)',
    ]);
  });

  it('say nothing for a project that sets none of them', () => {
    expect(compileManifest(project([{ name: 'c', text: 'select 1 as id' }]), { target }).parseWarnings).toBeUndefined();
  });
});
