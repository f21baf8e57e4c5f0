/**
 * How a render context is laid out for renderTemplate (environment.ts): names shared by many renders sit in a
 * prototype layer marked here (render/render-context.ts: one per dialect), names made on first read are listed under
 * {@link LAZY_CONTEXT_NAMES}, and nunjucks, which copies a context with Object.keys, gets a flattened copy.
 */

/** Every name of `context`, its prototypes' included, as own properties (nunjucks copies a context with Object.keys). */
export function flatten(context: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const key in context) flat[key] = context[key];
  return flat;
}

/**
 * The names of a context whose values are made when first read (render-context.ts: `graph`, `model`): renderTemplate
 * reads them through instead of copying them, so a template that never reads them never makes them.
 */
export const LAZY_CONTEXT_NAMES: unique symbol = Symbol('landfall.lazyContextNames');

/** `ctx[key]` reads `context[key]` when read; an assignment (`{% set %}`) replaces it in `ctx` only. */
export function readThrough(ctx: Record<string, unknown>, context: Record<string, unknown>, key: string): void {
  Object.defineProperty(ctx, key, {
    get: () => context[key],
    set(value: unknown) {
      Object.defineProperty(ctx, key, { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  });
}

/** Context prototypes shared by many renders (render/render-context.ts: one per dialect). */
const sharedContextLayers = new WeakSet<object>();

/**
 * Mark `layer` as shared by many render contexts (their prototype): renderTemplate then copies only a context's own
 * names per render and keeps the layer's, under each macro scope, once. The layer must not change afterwards.
 */
export function markSharedContextLayer(layer: object): void {
  sharedContextLayers.add(layer);
}

export function isSharedContextLayer(layer: object): boolean {
  return sharedContextLayers.has(layer);
}
