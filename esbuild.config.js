// esbuild options for serverless-esbuild: the compiled dbt project is embedded in the bundles as JSON text through
// `define`, so the functions never read project files at run time. `npm run package` compiles it first;
// a bare `npx osls package` compiles it here when it is missing.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const manifestFile = path.join(__dirname, '.landfall', 'aws', 'landfall-manifest.json');

function compileForRedshift() {
  execFileSync(process.execPath, [path.join(__dirname, 'bin', 'landfall.js'), 'compile', '--out', manifestFile], {
    stdio: 'inherit',
    env: { ...process.env, LANDFALL_DIALECT: 'redshift', LANDFALL_REDSHIFT_WORKGROUP: process.env.LANDFALL_REDSHIFT_WORKGROUP || 'package' },
  });
}

module.exports = () => {
  if (!fs.existsSync(manifestFile)) compileForRedshift();
  return {
    bundle: true,
    minify: true,
    sourcemap: 'external',
    target: 'node22',
    platform: 'node',
    define: { LANDFALL_BUNDLED_MANIFEST_JSON: JSON.stringify(fs.readFileSync(manifestFile, 'utf8')) },
    // The AWS SDK and middy are bundled at the versions the lock file pins, not taken from the runtime.
    external: [],
  };
};
