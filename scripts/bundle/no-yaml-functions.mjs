// Stands in for js-yaml in the Lambda bundles of a project that never mentions `fromyaml` or `toyaml` (esbuild alias in
// esbuild.config.js, decided from the compiled project the bundle embeds). Only the Jinja context's fromyaml/toyaml
// use js-yaml at run time, so nothing reaches these unless a template builds the name at run time.
function leftOut() {
  throw new Error('fromyaml/toyaml: js-yaml is not in this bundle because the compiled project never mentions fromyaml or toyaml (esbuild.config.js); name the function in the template and package again');
}
export const load = leftOut;
export const dump = leftOut;
export default { load, dump };
