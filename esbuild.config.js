// esbuild options for serverless-esbuild (and bench/lambda-bundles.ts, which builds the same bundles on its own).
// The compiled dbt project is embedded in the bundles as JSON text through `define`, so the functions never read
// project files at run time. It is compiled here on every package, for the stage's target schema
// (`--param targetSchema=…`, default `analytics`): a bundle never carries a stale or foreign-schema project.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = __dirname;
const manifestFile = path.join(root, '.landfall', 'aws', 'landfall-manifest.json');

/** `landfall compile` for the Redshift dialect into .landfall/aws/ (~0.2 s; also what scripts/package.sh runs first). */
function compileForRedshift(targetSchema) {
  execFileSync(process.execPath, [path.join(root, 'bin', 'landfall.js'), 'compile', '--out', manifestFile], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      LANDFALL_DIALECT: 'redshift',
      LANDFALL_REDSHIFT_WORKGROUP: process.env.LANDFALL_REDSHIFT_WORKGROUP || 'package',
      LANDFALL_TARGET_SCHEMA: targetSchema,
    },
  });
}

/**
 * The stage's target schema: `custom.landfall.targetSchema` (= `${param:targetSchema}`, resolved by the framework before
 * plugins run), else LANDFALL_TARGET_SCHEMA, else `analytics`.
 */
function targetSchemaOf(serverless) {
  const fromTemplate = serverless?.service?.custom?.landfall?.targetSchema;
  return (typeof fromTemplate === 'string' && fromTemplate) || process.env.LANDFALL_TARGET_SCHEMA || 'analytics';
}

/**
 * Project source modules have no import-time side effects the bundles rely on, so an import whose exports a function
 * never uses is dropped whole — with the CommonJS packages behind it (nunjucks stays out of the functions that never
 * render a template). esbuild keeps a module otherwise, since a bare import might be for its side effects.
 */
const projectSourcesAreSideEffectFree = {
  name: 'landfall-side-effect-free-sources',
  setup(build) {
    const sources = path.join(root, 'src') + path.sep;
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'resolving' || !args.importer.startsWith(root)) return undefined;
      const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolving' });
      if (resolved.errors.length > 0 || !resolved.path.startsWith(sources)) return resolved;
      return { ...resolved, sideEffects: false };
    });
  },
};

/** The esbuild options of every Lambda bundle, given the manifest text to embed. */
function lambdaBuildOptions(manifestJson) {
  return {
    bundle: true,
    minify: true,
    legalComments: 'none',
    sourcemap: 'external',
    target: 'node22',
    platform: 'node',
    // ESM builds of the AWS SDK and Smithy packages tree-shake; their CommonJS builds (esbuild's default for
    // platform node) drag in every protocol and serializer.
    mainFields: ['module', 'main'],
    // The project's name alone too: a function that needs only it (src/runtime/project-name.ts) embeds no manifest.
    define: { LANDFALL_BUNDLED_MANIFEST_JSON: JSON.stringify(manifestJson), LANDFALL_BUNDLED_PROJECT_NAME: JSON.stringify(JSON.parse(manifestJson).projectName ?? '') },
    alias: {
      // Lambda passes the role's credentials in environment variables: the env provider is the whole chain there.
      '@aws-sdk/credential-provider-node': path.join(root, 'scripts', 'bundle', 'lambda-credentials.mjs'),
    },
    // nunjucks requires chokidar only for `watch: true`, which the engine never sets.
    external: ['chokidar'],
    plugins: [projectSourcesAreSideEffectFree],
  };
}

module.exports = (serverless) => {
  compileForRedshift(targetSchemaOf(serverless));
  return lambdaBuildOptions(fs.readFileSync(manifestFile, 'utf8'));
};
module.exports.lambdaBuildOptions = lambdaBuildOptions;
module.exports.manifestFile = manifestFile;
