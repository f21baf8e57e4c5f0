import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';

/** Static checks of dbt/ that keep the sample project inside what landfall's engine and Redshift support. */
const projectDir = path.join(__dirname, '..', '..', 'dbt');

function filesUnder(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, extension);
    return entry.name.endsWith(extension) ? [full] : [];
  });
}

interface ColumnProperties {
  name: string;
  data_tests?: (string | Record<string, unknown>)[];
}

interface ModelProperties {
  name: string;
  columns?: ColumnProperties[];
}

const modelFiles = filesUnder(path.join(projectDir, 'models'), '.sql');
const modelNames = modelFiles.map((file) => path.basename(file, '.sql'));
const propertyFiles = filesUnder(path.join(projectDir, 'models'), '.yml');
const modelProperties: ModelProperties[] = propertyFiles.flatMap(
  (file) => ((load(fs.readFileSync(file, 'utf8')) as { models?: ModelProperties[] }).models ?? []),
);

function testNames(column: ColumnProperties): string[] {
  return (column.data_tests ?? []).map((test) => (typeof test === 'string' ? test : Object.keys(test)[0]));
}

describe('dbt project: landfall_demo', () => {
  it('declares its name, profile and the paths the engine reads', () => {
    const project = load(fs.readFileSync(path.join(projectDir, 'dbt_project.yml'), 'utf8')) as Record<string, unknown>;

    expect(project).toMatchObject({
      name: 'landfall_demo',
      profile: 'landfall',
      'model-paths': ['models'],
      'seed-paths': ['seeds'],
      'test-paths': ['tests'],
      'macro-paths': ['macros'],
      vars: { raw_schema: 'raw', lookback_days: 3 },
    });
  });

  it('names staging models stg_<source>__<entity>s inside their source folder', () => {
    for (const file of modelFiles.filter((f) => f.includes(`${path.sep}staging${path.sep}`))) {
      const source = path.basename(path.dirname(file));
      expect(path.basename(file)).toMatch(new RegExp(`^stg_${source}__[a-z_]+s\\.sql$`));
    }
  });

  it('calls source() only in staging models', () => {
    for (const file of modelFiles) {
      const usesSource = fs.readFileSync(file, 'utf8').includes('source(');
      expect({ file, usesSource }).toEqual({ file, usesSource: file.includes(`${path.sep}staging${path.sep}`) });
    }
  });

  it('ends every model with select * from the last CTE', () => {
    for (const file of modelFiles) {
      expect(fs.readFileSync(file, 'utf8').trim()).toMatch(/select \* from (final|renamed)$/);
    }
  });

  it('avoids PostgreSQL-only syntax that Redshift rejects', () => {
    const sqlFiles = [...modelFiles, ...filesUnder(path.join(projectDir, 'tests'), '.sql'), ...filesUnder(path.join(projectDir, 'macros'), '.sql')];
    for (const file of sqlFiles) {
      const sql = fs.readFileSync(file, 'utf8').toLowerCase();
      expect({ file, found: [/::/, /filter\s*\(\s*where/, /generate_series/, /\bilike\b/, /distinct on/].filter((re) => re.test(sql)).map(String) }).toEqual({
        file,
        found: [],
      });
    }
  });

  it('documents every model and tests its key with unique and not_null', () => {
    expect(modelProperties.map((model) => model.name).sort()).toEqual([...modelNames].sort());
    for (const model of modelProperties) {
      const keyColumn = model.columns?.[0];
      expect({ model: model.name, tests: keyColumn ? testNames(keyColumn) : [] }).toEqual({
        model: model.name,
        tests: expect.arrayContaining(['unique', 'not_null']),
      });
    }
  });

  it('writes generic test parameters under arguments', () => {
    for (const model of modelProperties) {
      for (const column of model.columns ?? []) {
        for (const test of column.data_tests ?? []) {
          if (typeof test === 'string') continue;
          const [name] = Object.keys(test);
          expect({ test: `${model.name}.${column.name}.${name}`, keys: Object.keys(test[name] as object) }).toEqual({
            test: `${model.name}.${column.name}.${name}`,
            keys: ['arguments'],
          });
        }
      }
    }
  });

  it('routes every source to a loader through meta.landfall', () => {
    const sources = filesUnder(path.join(projectDir, 'models'), '__sources.yml').flatMap(
      (file) => (load(fs.readFileSync(file, 'utf8')) as { sources: { name: string; meta?: { landfall?: object } }[] }).sources,
    );

    expect(Object.fromEntries(sources.map((source) => [source.name, source.meta?.landfall]))).toEqual({
      wetransfer_app_db: { fivetran: { connector_id: 'wetransfer_app_db' } },
      events: { s3: { bucket: 'landfall-landing', prefix: 'firehose/product_events/', format: 'json' } },
    });
  });
});
