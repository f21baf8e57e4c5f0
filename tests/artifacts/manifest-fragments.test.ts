/**
 * manifest.json from per-node fragments (src/artifacts/manifest-fragments.ts): the text equals JSON.stringify of the
 * object writer's artifact, cold and after changes, reusing exactly the entries whose inputs did not change — across
 * processes through the index beside the artifact, too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { manifestArtifact, manifestArtifactText, type ManifestArtifactInput } from '../../src/artifacts/manifest-artifact';
import { ManifestFragments } from '../../src/artifacts/manifest-fragments';
import { projectDocsOf } from '../../src/artifacts/project-docs';
import { compiledCodeOf } from '../../src/artifacts/compiled-code';

const JAFFLE = path.resolve(__dirname, '..', 'compat', 'projects', 'jaffle_mart');
const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

describe('manifest.json from fragments', () => {
  let dir: string;
  let project: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-fragments-'));
    project = path.join(dir, 'project');
    fs.cpSync(JAFFLE, project, { recursive: true, filter: (f) => !/\/(target|logs)$/.test(f) });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  let clock = Date.parse('2026-12-05T12:00:00Z');
  function inputOf(): ManifestArtifactInput {
    const files = readProjectFiles(project);
    const manifest = compileManifest(files, { target });
    clock += 1500;
    const generatedAt = new Date(clock);
    return { manifest, docs: projectDocsOf(files), compiledCode: compiledCodeOf(manifest, generatedAt), invocationId: `compile-${clock}`, generatedAt };
  }

  function edit(file: string, change: (text: string) => string): void {
    const absolute = path.join(project, file);
    fs.writeFileSync(absolute, change(fs.readFileSync(absolute, 'utf8')));
  }

  it('equals the object writer cold, and after a model, an upstream alias and a description change, reusing the rest', () => {
    const fragments = new ManifestFragments();
    let input = inputOf();
    expect(manifestArtifactText(input, fragments)).toBe(JSON.stringify(manifestArtifact(input)));
    expect(manifestArtifactText(input)).toBe(JSON.stringify(manifestArtifact(input)));
    const entries = fragments.stats.built;
    expect(fragments.stats.reused).toBe(0);

    // Unchanged project, later time: every entry reused, created_at and generated_at new.
    input = inputOf();
    const again = manifestArtifactText(input, fragments);
    expect(again).toBe(JSON.stringify(manifestArtifact(input)));
    expect(fragments.stats).toEqual({ reused: entries, built: 0, trusted: 0 });

    // One model's SQL: that model's entry is rebuilt, nothing else.
    edit('models/staging/stg_orders.sql', (text) => `${text}\n-- edited\n`);
    input = inputOf();
    expect(manifestArtifactText(input, fragments)).toBe(JSON.stringify(manifestArtifact(input)));
    expect(fragments.stats.built).toBe(1);

    // An upstream's alias: its entry, and each model whose compiled SQL names it, are rebuilt.
    const downstream = Object.values(input.manifest.models).filter((m) => m.dependsOn.includes('model.jaffle_mart.stg_orders')).length;
    expect(downstream).toBeGreaterThan(0);
    edit('models/staging/stg_orders.sql', (text) => `{{ config(alias='stg_orders_renamed') }}\n${text}`);
    input = inputOf();
    const renamed = manifestArtifactText(input, fragments);
    expect(renamed).toBe(JSON.stringify(manifestArtifact(input)));
    expect(renamed).toContain('stg_orders_renamed');
    expect(fragments.stats.built).toBeGreaterThanOrEqual(1 + downstream);
    expect(fragments.stats.built).toBeLessThan(entries);

    // A new dependency: parent_map and child_map are made again, not taken from the last file.
    edit('models/marts/orders.sql', (text) => `${text}\n-- also reads {{ ref('stg_customers') }}\n`);
    input = inputOf();
    const text = manifestArtifactText(input, fragments);
    expect(text).toBe(JSON.stringify(manifestArtifact(input)));
    expect((JSON.parse(text) as { child_map: Record<string, string[]> }).child_map['model.jaffle_mart.stg_customers']).toContain('model.jaffle_mart.orders');
  });

  it('a description added in YAML rebuilds the entry of that model only', () => {
    const fragments = new ManifestFragments();
    manifestArtifactText(inputOf(), fragments);
    edit('models/marts/_marts.yml', (text) => text.replace('  - name: customers\n', '  - name: customers\n    description: Edited in YAML.\n'));
    let input = inputOf();
    const text = manifestArtifactText(input, fragments);
    expect(text).toBe(JSON.stringify(manifestArtifact(input)));
    expect(text).toContain('Edited in YAML.');
    expect(fragments.stats.built).toBe(1);

    input = inputOf();
    manifestArtifactText(input, fragments);
    expect(fragments.stats.built).toBe(0);
  });

  it('between processes: the index beside the written artifact lets a new process reuse it, and a foreign artifact is not trusted', () => {
    const index = path.join(dir, 'state', 'manifest-fragments.json');
    const artifact = path.join(dir, 'manifest.json');
    let input = inputOf();
    const first = ManifestFragments.open(index, artifact);
    fs.writeFileSync(artifact, manifestArtifactText(input, first));
    first.save(artifact);
    expect(first.stats.reused).toBe(0);

    edit('models/staging/stg_orders.sql', (text) => `${text}\n-- edited\n`);
    input = inputOf();
    const second = ManifestFragments.open(index, artifact);
    const text = manifestArtifactText(input, second);
    expect(text).toBe(JSON.stringify(manifestArtifact(input)));
    expect(second.stats.built).toBe(1);
    fs.writeFileSync(artifact, text);
    second.save(artifact);

    // Someone else rewrites manifest.json: the index no longer describes it, every entry is built.
    fs.writeFileSync(artifact, JSON.stringify(manifestArtifact(input)).replace('"nodes":{', '"nodes": {'));
    input = inputOf();
    const third = ManifestFragments.open(index, artifact);
    expect(manifestArtifactText(input, third)).toBe(JSON.stringify(manifestArtifact(input)));
    expect(third.stats.reused).toBe(0);
  });

  it('a patch of the manifest the entries were built from reuses them unkeyed, but not an edited node, a changed compiled SQL or another basis', () => {
    const index = path.join(dir, 'state', 'manifest-fragments.json');
    const artifact = path.join(dir, 'manifest.json');
    // A spliced file (manifest-splice.ts) keeps the created_at of the entries it did not rebuild: compared without them.
    const withoutCreatedAt = (text: string) => text.replace(/"created_at":[0-9.e+-]+/g, '"created_at":0');
    const write = (input: ManifestArtifactInput, fragments: ManifestFragments, basis: string, spliced = false) => {
      const text = manifestArtifactText(input, fragments);
      if (spliced) expect(withoutCreatedAt(text)).toBe(withoutCreatedAt(JSON.stringify(manifestArtifact(input))));
      else expect(text).toBe(JSON.stringify(manifestArtifact(input)));
      fs.writeFileSync(artifact, text);
      fragments.assembledFrom = basis;
      fragments.save(artifact);
    };
    const first = ManifestFragments.open(index, artifact);
    write(inputOf(), first, 'artifact-1');
    const entries = first.stats.built;

    // stg_orders edited (as model-edits.ts patches it), and customers' compiled SQL differs though nobody said so
    // (a render that reads run_started_at prints something new each time): both rebuilt, the rest trusted.
    edit('models/staging/stg_orders.sql', (text) => `${text}\n-- edited\n`);
    let input = inputOf();
    input = { ...input, compiledCode: new Map([...input.compiledCode!, ['model.jaffle_mart.customers', 'select 2 as printed_now']]) };
    const second = ManifestFragments.open(index, artifact);
    expect(second.trustUnchangedSince('artifact-1', ['model.jaffle_mart.stg_orders'])).toBe(true);
    const before = JSON.parse(fs.readFileSync(artifact, 'utf8')) as { nodes: Record<string, { created_at: number }> };
    write(input, second, 'artifact-2', true);
    expect(second.stats).toEqual({ reused: entries - 2, built: 2, trusted: entries - 2 });
    const after = JSON.parse(fs.readFileSync(artifact, 'utf8')) as { nodes: Record<string, { created_at: number }> };
    expect(fs.readFileSync(artifact, 'utf8')).toContain('select 2 as printed_now');
    // The two rebuilt entries have this compile's time; a kept one its own.
    expect(after.nodes['model.jaffle_mart.stg_orders']!.created_at).toBe(input.generatedAt.getTime() / 1000);
    expect(after.nodes['model.jaffle_mart.customers']!.created_at).toBe(input.generatedAt.getTime() / 1000);
    expect(after.nodes['model.jaffle_mart.orders']!.created_at).toBe(before.nodes['model.jaffle_mart.orders']!.created_at);

    // Built from another manifest than the one patched: every key is computed (only customers' SQL changed back), and
    // every other entry is taken from the spliced file at the offsets its index gives.
    input = inputOf();
    const third = ManifestFragments.open(index, artifact);
    expect(third.trustUnchangedSince('artifact-1', [])).toBe(false);
    write(input, third, 'artifact-3');
    expect(third.stats).toEqual({ reused: entries - 1, built: 1, trusted: 0 });
  });
});
