import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProjectFiles } from '../../../src/engine/project/project-files';
import { ProjectError } from '../../../src/engine/errors';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-project-files-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('readProjectFiles: YAML as dbt reads it', () => {
  it('expands << merge keys of anchors, as PyYAML does', () => {
    const dir = project({
      'dbt_project.yml': 'name: p\nversion: "1"\nprofile: p\n',
      'models/a.sql': 'select 1 as id',
      'models/schema.yml': [
        'version: 2',
        'x-defaults: &defaults',
        '  config: {materialized: table}',
        '  description: shared',
        'models:',
        '  - name: a',
        '    <<: *defaults',
        '    description: own',
      ].join('\n'),
    });
    const properties = readProjectFiles(dir).properties[0]!.content as { models: Record<string, unknown>[] };
    expect(properties.models[0]).toEqual({ name: 'a', config: { materialized: 'table' }, description: 'own' });
  });

  it('names the file and line of invalid YAML', () => {
    const dir = project({ 'dbt_project.yml': 'name: p\nversion: "1"\nprofile: p\n', 'models/schema.yml': 'version: 2\nmodels:\n  - name: [a\n' });
    expect(() => readProjectFiles(dir)).toThrow(ProjectError);
    expect(() => readProjectFiles(dir)).toThrow(/models\/schema\.yml/);
  });
});
