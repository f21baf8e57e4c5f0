/**
 * target/manifest.json after a recompile that only patched model texts (engine/project/model-edits.ts), as the last
 * file with a few byte ranges replaced: the metadata (`generated_at`, `invocation_id`…) and the entries of the models
 * whose entry changed (the edited ones, and any whose compiled SQL is printed differently this time, such as a render
 * of `run_started_at`). Everything else — 8,500 entries, macros, docs, parent and child maps — is copied as one range
 * each side of a replaced entry, never split into entries, keyed or assembled (manifest-fragments.ts does that).
 *
 * The difference from assembling: an unchanged entry keeps the `created_at` it had (as dbt's partial parsing keeps the
 * node it parsed before, with its time), and so do the macros; a rebuilt entry has this compile's. Everything else is
 * byte for byte what a full compile writes (tests/cli/compile-recompile-edits.test.ts masks only the times).
 *
 * Only when the fragments vouch for the kept entries (`ManifestFragments.trustUnchangedSince`) and the entries to
 * write are the kept ones, in the same order, with the same ids and parents; otherwise undefined, and the caller
 * assembles.
 */
import { CompiledCode } from './compiled-code';
import type { EntryOffsets, Fragment, ManifestFragments, ManifestTextParts } from './manifest-fragments';
import { compiledHash, specKeyOf, splitAtCreatedAt } from './manifest-fragments';
import { entryKey } from './manifest-entry-keys';
import { parentsOf } from './manifest-maps';

/** The new file's bytes, or undefined when it cannot be spliced (see the file comment). */
export function splicedManifest(parts: Omit<ManifestTextParts, 'fragments'>, fragments: ManifestFragments): Buffer | undefined {
  const basis = fragments.spliceBasis();
  if (!basis || parts.specs.length !== basis.entries.size || basis.offsets.size !== basis.entries.size) return undefined;
  const { ctx } = parts;
  const compiledCode = ctx.compiled instanceof CompiledCode ? ctx.compiled : undefined;
  const made = new Map<string, Fragment>();
  const replaced: [string, EntryOffsets, Fragment][] = [];
  const kept = basis.entries.entries();
  for (const spec of parts.specs) {
    const specKey = specKeyOf(spec);
    const [keptKey, keptFragment] = kept.next().value as [string, Fragment];
    if (keptKey !== specKey) return undefined;
    const id = spec.node.uniqueId;
    let fragment = keptFragment;
    if (spec.kind !== 'model') {
      if (basis.changed.has(id)) return undefined; // a patch edits models only
    } else if (basis.changed.has(id) || !(compiledCode?.notRendered.has(id) && keptFragment.stable)) {
      const compiled = ctx.compiled ? compiledHash(ctx.compiled.get(id)) : undefined;
      const stable = compiled !== undefined && compiledCode?.stable.has(id) === true;
      if (basis.changed.has(id) || compiled !== keptFragment.compiled) {
        const entry = spec.build();
        const parents = parentsOf(spec.section, entry);
        // Another id or other parents would change the maps: assemble instead.
        if (entry.unique_id !== keptFragment.id || parents.join('\n') !== keptFragment.parents.join('\n')) return undefined;
        fragment = { key: entryKey(spec, ctx), id: keptFragment.id, parents: keptFragment.parents, ...splitAtCreatedAt(entry), ...(compiled === undefined ? {} : { compiled }), stable };
        replaced.push([specKey, basis.offsets.get(specKey)!, fragment]);
      } else if ((keptFragment.stable === true) !== stable) {
        fragment = { ...keptFragment, stable };
      }
    }
    made.set(specKey, fragment);
  }

  // The new file: new metadata, then the old bytes with the replaced entries' ranges swapped.
  const head = Buffer.from(`{"metadata":${JSON.stringify(parts.head.metadata)}`);
  const createdAt = Buffer.from(JSON.stringify(ctx.createdAt));
  replaced.sort((a, b) => a[1][0] - b[1][0]);
  const chunks: Buffer[] = [head];
  /** Where each replaced entry starts in the old file, and how much longer it is in the new one. */
  const shifts: [number, number][] = [];
  let at = basis.bodyStart;
  let shift = head.length - basis.bodyStart;
  const newOffsets = new Map<string, EntryOffsets>();
  for (const [specKey, [hs, , , te], fragment] of replaced) {
    chunks.push(basis.bytes.subarray(at, hs));
    const newStart = hs + shift;
    const stamp = fragment.tail.length > 0 ? createdAt : Buffer.alloc(0);
    chunks.push(fragment.head, stamp, fragment.tail);
    const headEnd = newStart + fragment.head.length;
    const tailStart = headEnd + stamp.length;
    newOffsets.set(specKey, [newStart, headEnd, tailStart, tailStart + fragment.tail.length]);
    shift += fragment.head.length + stamp.length + fragment.tail.length - (te - hs);
    shifts.push([hs, shift]);
    at = te;
  }
  chunks.push(basis.bytes.subarray(at));
  const bytes = Buffer.concat(chunks);

  // Every other offset moves by the growth of what was replaced before it.
  const shiftAt = (offset: number): number => {
    let moved = head.length - basis.bodyStart;
    for (const [start, total] of shifts) if (start < offset) moved = total;
    return offset + moved;
  };
  const offsets = new Map<string, EntryOffsets>();
  for (const [specKey, old] of basis.offsets) offsets.set(specKey, newOffsets.get(specKey) ?? [shiftAt(old[0]), shiftAt(old[1]), shiftAt(old[2]), shiftAt(old[3])]);
  const maps: [number, number] = [shiftAt(basis.maps[0]), shiftAt(basis.maps[1])];
  fragments.replaceAll(bytes, String((parts.head.metadata as { generated_at?: unknown }).generated_at ?? ''), made, offsets, maps, head.length);
  fragments.stats = { reused: made.size - replaced.length, built: replaced.length, trusted: made.size - replaced.length };
  return bytes;
}
