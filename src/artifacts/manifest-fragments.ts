/**
 * manifest.json from per-node fragments: each node entry's serialised JSON (UTF-8 bytes) is kept with a key — the hash of
 * everything its builder reads (manifest-entry-keys.ts) — so a recompile builds and serialises only the entries whose
 * inputs changed, and assembles the file by concatenation. The text is equal, byte for byte, to
 * `JSON.stringify(manifestArtifact(input))` (tests/artifacts/manifest-fragments.test.ts).
 *
 * Every entry carries `created_at` (the compile's time): a fragment is kept as the text before that value and the
 * text after it, so the same fragment serves every compile.
 *
 * Between processes (`landfall compile`), the fragments live in the manifest.json last written: a small index beside
 * the partial-parse cache (`.landfall/manifest-fragments.json`) holds each entry's key and its offsets in that file,
 * and is trusted only while the file has the size and modification time recorded when it was written.
 *
 * Keys cost a serialisation of each node (~180 ms for 8,500 entries), so a recompile that only patched model texts
 * into the last compiled manifest (engine/project/model-edits.ts) skips them: the index records the manifest it was
 * assembled from (`assembledFrom`, the compiled artifact's identity), and when this compile patched exactly that
 * manifest, every entry but the edited models' is built from the same inputs as then — except a model's compiled
 * SQL, which a render may print differently each time (`run_started_at`…): its hash is kept per entry and compared —
 * or, for a model whose last render was stable (compiled-code.ts), not even rendered: its entry is kept as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../engine/write-file-atomic';
import { CompiledCode } from './compiled-code';
import type { EntrySpec } from './manifest-artifact';
import { parentAndChildMaps, parentsOf, type NodeSection } from './manifest-maps';
import { entryKey } from './manifest-entry-keys';
import { contentHash } from '../engine/project/partial-parse';
import type { Json, NodeContext } from './manifest-nodes';

/** One node entry as UTF-8 text: `head + created_at + tail` is its JSON. */
export interface Fragment {
  key: string;
  /** dbt's unique id (the entry's key in its section). */
  id: string;
  /** For parent_map: what the entry depends on, sorted. */
  parents: string[];
  head: Buffer;
  tail: Buffer;
  /** A model entry's compiled SQL (`landfall compile`), hashed: null when it has none. */
  compiled?: string | null;
  /** That compiled SQL came from a stable render: the same inputs print it again (compiled-code.ts `CompiledCode.stable`). */
  stable?: boolean;
}

/** The index's file name under the state folder. */
export const MANIFEST_FRAGMENTS_FILE = 'manifest-fragments.json';

/** Bump when a node builder's output changes for the same inputs: an index written by another version is ignored. */
const FRAGMENTS_VERSION = 4;

interface SavedIndex {
  version: number;
  artifact: { size: number; mtimeMs: number; generatedAt: string };
  /** The identity of the manifest the entries were built from (see the file comment), when the writer knew it. */
  assembledFrom?: string;
  /** `[spec key, entry key, dbt id, parents, head start, head end, tail start, tail end, compiled SQL hash, stable (1)]`, byte offsets in the artifact. */
  entries: [string, string, string, string[], number, number, number, number, (string | null)?, 1?][];
  /** Byte offsets of `"parent_map":{…},"child_map":{…}`: a function of the entries' ids, order and parents. */
  maps?: [number, number];
  /** Byte offset of `,"nodes":`, where the metadata ends (manifest-splice.ts replaces what is before it). */
  bodyStart?: number;
}

/** Byte offsets of an entry in the file: head start, head end, tail start, tail end. */
export type EntryOffsets = [number, number, number, number];

/** The file on disk the kept fragments point into, with each entry's offsets (manifest-splice.ts). */
export interface SpliceBasis {
  bytes: Buffer;
  bodyStart: number;
  maps: [number, number];
  /** By spec key, in file order. */
  offsets: Map<string, EntryOffsets>;
  /** The kept fragments by spec key, in file order. */
  entries: ReadonlyMap<string, Fragment>;
  /** The landfall ids `trustUnchangedSince` named as changed. */
  changed: ReadonlySet<string>;
}

/** What reuse did in the last assembly. */
export interface FragmentStats {
  reused: number;
  built: number;
  /** Of the reused, those taken on `trustUnchangedSince`'s word, without computing their keys. */
  trusted: number;
}

/**
 * Node entries of manifest.json by landfall id, kept as text between compiles (in memory, and optionally on disk).
 *
 * @example
 * const fragments = ManifestFragments.open('.landfall/manifest-fragments.json', 'dbt/target/manifest.json');
 * const text = manifestArtifactText(input, fragments); // reuses every unchanged entry
 * // write text to dbt/target/manifest.json, then:
 * fragments.save('dbt/target/manifest.json');
 */
export class ManifestFragments {
  private kept = new Map<string, Fragment>();
  /** Set by `replaceAll`: the fragments of the file just assembled, not yet pointed into it (see `entries`). */
  private pending?: Map<string, Fragment>;
  /** The last assembled file and each entry's byte offsets in it, for `save`. */
  private last?: { bytes: Buffer; generatedAt: string; offsets: Map<string, EntryOffsets>; maps: [number, number]; bodyStart?: number };
  /** The file the index described when opened, for splicing (see `spliceBasis`). */
  private onDisk?: { bytes: Buffer; bodyStart: number; maps: [number, number]; offsets: Map<string, EntryOffsets> };
  /** The parent and child maps of the kept entries, as text, when the index located them. */
  private keptMaps?: Buffer;
  /** What the kept entries were built from (read from the index); `save` records `assembledFrom` instead. */
  private builtFrom?: string;
  /** Set by `trustUnchangedSince`: the landfall ids whose entries may have changed; every other entry is taken by its spec key alone. */
  private changedSinceBuilt?: ReadonlySet<string>;
  /** The identity of the manifest being assembled now, recorded by `save` (the caller sets it). */
  assembledFrom?: string;
  stats: FragmentStats = { reused: 0, built: 0, trusted: 0 };

  /**
   * The kept fragments, pointing into the last file assembled. Made on first use after `replaceAll`: a CLI compile
   * only saves the index, which needs their offsets, not 8,500 new fragment objects.
   */
  private get entries(): Map<string, Fragment> {
    if (this.pending && this.last) {
      const { bytes, offsets } = this.last;
      this.kept = new Map();
      for (const [specKey, fragment] of this.pending) {
        const [hs, he, ts, te] = offsets.get(specKey)!;
        this.kept.set(specKey, { ...fragment, head: bytes.subarray(hs, he), tail: bytes.subarray(ts, te) });
      }
      this.pending = undefined;
    }
    return this.kept;
  }

  /** @param indexFile where `save` writes the index; none keeps the fragments in memory only. */
  constructor(readonly indexFile?: string) {}

  /** The fragments of `artifactFile` when the index at `indexFile` describes it as it is on disk, else none. */
  static open(indexFile: string, artifactFile: string): ManifestFragments {
    const fragments = new ManifestFragments(indexFile);
    try {
      const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as SavedIndex;
      const stat = fs.statSync(artifactFile);
      if (index.version !== FRAGMENTS_VERSION || index.artifact.size !== stat.size || index.artifact.mtimeMs !== stat.mtimeMs) return fragments;
      // Bytes, not text: the fragments are copied into the next file as they are, never decoded or encoded again.
      const bytes = fs.readFileSync(artifactFile);
      // Another writer with the same size and time is unlikely; one with another generated_at is caught here.
      if (!bytes.subarray(0, 400).toString('utf8').includes(JSON.stringify(index.artifact.generatedAt))) return fragments;
      const offsets = new Map<string, EntryOffsets>();
      for (const [specKey, key, id, parents, hs, he, ts, te, compiled, stable] of index.entries) {
        fragments.entries.set(specKey, { key, id, parents, head: bytes.subarray(hs, he), tail: bytes.subarray(ts, te), ...(compiled === undefined ? {} : { compiled }), ...(stable === 1 ? { stable: true } : {}) });
        offsets.set(specKey, [hs, he, ts, te]);
      }
      if (typeof index.bodyStart === 'number' && index.maps && offsets.size === fragments.entries.size) {
        fragments.onDisk = { bytes, bodyStart: index.bodyStart, maps: index.maps, offsets };
      }
      fragments.builtFrom = index.assembledFrom;
      if (index.maps) fragments.keptMaps = bytes.subarray(index.maps[0], index.maps[1]);
    } catch {
      // no index, no artifact, or unreadable: every entry is built
    }
    return fragments;
  }

  /**
   * The manifest being assembled is the one identified by `basis` with only the nodes `changed` (landfall ids) edited:
   * when the kept entries were built from that manifest, the others are reused without computing their keys.
   * Returns whether they were.
   */
  trustUnchangedSince(basis: string, changed: Iterable<string>): boolean {
    if (this.builtFrom === undefined || this.builtFrom !== basis) return false;
    this.changedSinceBuilt = new Set(changed);
    return true;
  }

  /**
   * Whether model `id`'s kept entry is vouched for by `trustUnchangedSince` and its compiled SQL came from a stable
   * render: then that SQL need not be rendered again (compiled-code.ts `CompiledCodeOptions.unchanged`).
   */
  keepsStableModel(id: string): boolean {
    if (!this.changedSinceBuilt || this.changedSinceBuilt.has(id)) return false;
    return this.entries.get(`model:${id}`)?.stable === true;
  }

  /**
   * The file the kept fragments point into, when `trustUnchangedSince` vouched for them and the index located every
   * part of it: manifest-splice.ts then copies its unchanged byte ranges instead of assembling 8,500 entries.
   */
  spliceBasis(): SpliceBasis | undefined {
    if (!this.changedSinceBuilt || !this.onDisk) return undefined;
    return { ...this.onDisk, entries: this.entries, changed: this.changedSinceBuilt };
  }

  /** The kept fragment of an entry that `trustUnchangedSince` vouches for (its compiled SQL checked by the caller). */
  takeUnchanged(specKey: string, nodeId: string): Fragment | undefined {
    if (!this.changedSinceBuilt || this.changedSinceBuilt.has(nodeId)) return undefined;
    return this.entries.get(specKey);
  }

  /**
   * The kept parent and child maps, when `made` (by spec key, in file order) has exactly the kept entries' spec keys,
   * ids and parents in the same order: the maps are a function of those alone.
   */
  keptMapsFor(made: ReadonlyMap<string, Fragment>): Buffer | undefined {
    if (!this.keptMaps || made.size !== this.entries.size) return undefined;
    const kept = this.entries.entries();
    for (const [specKey, fragment] of made) {
      const [keptKey, keptFragment] = kept.next().value as [string, Fragment];
      if (keptKey !== specKey || keptFragment.id !== fragment.id) return undefined;
      if (keptFragment.parents !== fragment.parents && keptFragment.parents.join('\n') !== fragment.parents.join('\n')) return undefined;
    }
    return this.keptMaps;
  }

  /** The kept fragment of `specKey` when it was made from the same inputs (`key`). */
  take(specKey: string, key: string): Fragment | undefined {
    const kept = this.entries.get(specKey);
    return kept?.key === key ? kept : undefined;
  }

  /** Keep exactly the fragments of the file just assembled, pointing into it (so older files can be collected). */
  replaceAll(bytes: Buffer, generatedAt: string, fragments: Map<string, Fragment>, offsets: Map<string, EntryOffsets>, maps: [number, number], bodyStart?: number): void {
    this.pending = fragments;
    this.keptMaps = bytes.subarray(maps[0], maps[1]);
    this.last = { bytes, generatedAt, offsets, maps, ...(bodyStart === undefined ? {} : { bodyStart }) };
    this.onDisk = undefined; // the entries now point into the new file, not into the one opened
  }

  /** After the last assembled text was written to `artifactFile`: write the index that lets the next process reuse it. */
  save(artifactFile: string): void {
    if (!this.indexFile || !this.last) return;
    const stat = fs.statSync(artifactFile);
    if (stat.size !== this.last.bytes.length) return; // not the file assembled last
    const entries: SavedIndex['entries'] = [];
    for (const [specKey, fragment] of this.pending ?? this.entries) {
      const [hs, he, ts, te] = this.last.offsets.get(specKey)!;
      if (fragment.compiled === undefined) entries.push([specKey, fragment.key, fragment.id, fragment.parents, hs, he, ts, te]);
      else if (fragment.stable) entries.push([specKey, fragment.key, fragment.id, fragment.parents, hs, he, ts, te, fragment.compiled, 1]);
      else entries.push([specKey, fragment.key, fragment.id, fragment.parents, hs, he, ts, te, fragment.compiled]);
    }
    const index: SavedIndex = {
      version: FRAGMENTS_VERSION, artifact: { size: stat.size, mtimeMs: stat.mtimeMs, generatedAt: this.last.generatedAt },
      ...(this.assembledFrom === undefined ? {} : { assembledFrom: this.assembledFrom }), entries, maps: this.last.maps,
      ...(this.last.bodyStart === undefined ? {} : { bodyStart: this.last.bodyStart }),
    };
    fs.mkdirSync(path.dirname(this.indexFile), { recursive: true });
    writeFileAtomic(this.indexFile, JSON.stringify(index));
  }
}

/** A node entry's JSON split around its `created_at` value (an entry without one has an empty tail and no marker). */
export function splitAtCreatedAt(entry: Json): { head: Buffer; tail: Buffer } {
  const before: Json = {};
  const after: Json = {};
  let seen = false;
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'created_at') seen = true;
    else (seen ? after : before)[key] = value;
  }
  if (!seen) return { head: Buffer.from(JSON.stringify(entry)), tail: EMPTY };
  const head = JSON.stringify(before);
  const tail = JSON.stringify(after);
  return {
    head: Buffer.from(`${head === '{}' ? '{' : `${head.slice(0, -1)},`}"created_at":`),
    tail: Buffer.from(tail === '{}' ? '}' : `,${tail.slice(1)}`),
  };
}

export interface ManifestTextParts {
  ctx: NodeContext;
  specs: EntrySpec[];
  head: { metadata: Json };
  /** Made only when the file is assembled (manifest-splice.ts keeps the last file's). */
  middle: () => { macros: Json; docs: Json };
  selectors: Json;
  fragments?: ManifestFragments;
}

/** The spec's identity across compiles: its section kind and landfall id. */
export function specKeyOf(spec: EntrySpec): string {
  return `${spec.kind}:${spec.node.uniqueId}`;
}

const EMPTY = Buffer.alloc(0);

export function compiledHash(sql: string | undefined): string | null {
  return sql === undefined ? null : contentHash(sql);
}

/** manifest.json (UTF-8) from its parts; see the file comment. */
export function assembleManifest(parts: ManifestTextParts): Buffer {
  const { ctx, specs, fragments } = parts;
  const createdAt = Buffer.from(JSON.stringify(ctx.createdAt));
  const sections: Record<NodeSection, Map<string, string>> = { nodes: new Map(), sources: new Map(), exposures: new Map(), unit_tests: new Map() };
  const made = new Map<string, Fragment>();
  const stats: FragmentStats = { reused: 0, built: 0, trusted: 0 };
  const compiledCode = ctx.compiled instanceof CompiledCode ? ctx.compiled : undefined;
  for (const spec of specs) {
    const specKey = specKeyOf(spec);
    const id = spec.node.uniqueId;
    // A stable model not rendered again (compiled-code.ts): its vouched-for entry is kept as it is.
    let fragment = compiledCode?.notRendered.has(id) && spec.kind === 'model' ? fragments?.takeUnchanged(specKey, id) : undefined;
    if (fragment?.stable) {
      stats.reused++;
      stats.trusted++;
      sections[spec.section].set(fragment.id, specKey);
      made.set(specKey, fragment);
      continue;
    }
    // A model's compiled SQL, hashed: a fragment vouched for by `trustUnchangedSince` must have been built with the same.
    const compiled = fragments && ctx.compiled && spec.kind === 'model' ? compiledHash(ctx.compiled.get(id)) : undefined;
    const stable = compiled !== undefined && compiledCode?.stable.has(id) === true;
    fragment = fragments?.takeUnchanged(specKey, id);
    if (fragment && fragment.compiled !== compiled) fragment = undefined;
    if (!fragment) {
      const key = fragments ? entryKey(spec, ctx) : '';
      fragment = fragments?.take(specKey, key);
      if (!fragment) {
        const entry = spec.build();
        fragment = { key, id: entry.unique_id as string, parents: parentsOf(spec.section, entry), ...splitAtCreatedAt(entry) };
        stats.built++;
      } else stats.reused++;
      if (compiled !== fragment.compiled) fragment = { ...fragment, ...(compiled === undefined ? {} : { compiled }) };
    } else {
      stats.reused++;
      stats.trusted++;
    }
    if (fragments && spec.kind === 'model' && (fragment.stable === true) !== stable) fragment = { ...fragment, stable };
    // As in an object: a second entry under the same id keeps the first one's place and replaces its value.
    sections[spec.section].set(fragment.id, specKey);
    made.set(specKey, fragment);
  }
  // The entries in file order (a replaced duplicate id is dropped): the maps depend on their ids, order and parents.
  const inFile = new Map([...Object.values(sections)].flatMap((ids) => [...ids.values()].map((specKey) => [specKey, made.get(specKey)!] as const)));
  const maps = (): string => {
    const parents = new Map<string, string[]>();
    for (const section of Object.values(sections)) for (const [id, specKey] of section) parents.set(id, made.get(specKey)!.parents);
    const asKeys = (section: Map<string, string>) => Object.fromEntries([...section.keys()].map((id) => [id, true]));
    const { parentMap, childMap } = parentAndChildMaps({ nodes: asKeys(sections.nodes), sources: asKeys(sections.sources), exposures: asKeys(sections.exposures), unit_tests: asKeys(sections.unit_tests) }, parents);
    return `"parent_map":${JSON.stringify(parentMap)},"child_map":${JSON.stringify(childMap)}`;
  };

  const out: Buffer[] = [];
  let length = 0;
  const push = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    out.push(bytes);
    length += bytes.length;
  };
  const offsets = new Map<string, EntryOffsets>();
  const section = (ids: Map<string, string>) => {
    push('{');
    let first = true;
    for (const [id, specKey] of ids) {
      const fragment = made.get(specKey)!;
      push(`${first ? '' : ','}${JSON.stringify(id)}:`);
      first = false;
      const headStart = length;
      push(fragment.head);
      const headEnd = length;
      if (fragment.tail.length > 0) push(createdAt);
      const tailStart = length;
      push(fragment.tail);
      offsets.set(specKey, [headStart, headEnd, tailStart, length]);
    }
    push('}');
  };
  push(`{"metadata":${JSON.stringify(parts.head.metadata)}`);
  const bodyStart = length;
  push(',"nodes":');
  section(sections.nodes);
  push(',"sources":');
  section(sections.sources);
  const middle = parts.middle();
  push(`,"macros":${JSON.stringify(middle.macros)},"docs":${JSON.stringify(middle.docs)},"exposures":`);
  section(sections.exposures);
  push(`,"metrics":{},"groups":{},"selectors":${JSON.stringify(parts.selectors)},"disabled":{},`);
  const mapsStart = length;
  push(fragments?.keptMapsFor(inFile) ?? maps());
  const mapsEnd = length;
  push(',"group_map":{},"saved_queries":{},"semantic_models":{},"unit_tests":');
  section(sections.unit_tests);
  push('}');
  const bytes = Buffer.concat(out, length);
  if (fragments) {
    fragments.replaceAll(bytes, String((parts.head.metadata as { generated_at?: unknown }).generated_at ?? ''), inFile, offsets, [mapsStart, mapsEnd], bodyStart);
    fragments.stats = stats;
  }
  return bytes;
}
