// esbuild options for serverless-esbuild: the compiled dbt project (written by `npm run package`) is
// embedded in the bundles through `define`, so the functions never read project files at run time.
const fs = require('node:fs');
const path = require('node:path');

const manifestFile = path.join(__dirname, '.landfall', 'aws', 'landfall-manifest.json');

module.exports = () => {
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${manifestFile} is missing: package with \`npm run package\` (it compiles the dbt project for Redshift first)`);
  }
  return {
    bundle: true,
    minify: true,
    sourcemap: 'external',
    target: 'node22',
    platform: 'node',
    define: { LANDFALL_BUNDLED_MANIFEST: fs.readFileSync(manifestFile, 'utf8') },
    // The AWS SDK and middy are bundled at the versions the lock file pins, not taken from the runtime.
    external: [],
  };
};
