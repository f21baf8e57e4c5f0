// Stands in for js-yaml in the Jinja render context (src/engine/render/render-context.ts) of the Lambda bundles of a
// project that never mentions `fromyaml` or `toyaml` (plugin in esbuild.config.js, decided from the compiled project
// the bundle embeds). Nothing reaches these unless a template builds one of those names at run time.
function leftOut() {
  throw new Error('fromyaml/toyaml: js-yaml is not in this bundle because the compiled project never mentions fromyaml or toyaml (esbuild.config.js); name the function in the template and package again');
}
export const load = leftOut;
export const dump = leftOut;
export default { load, dump };
