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

/**
 * The AWS SDK's schema modules (`dist-es/schemas/schemas_0.js` of each `@aws-sdk/client-…`) declare every operation's shapes,
 * many as object literals with computed keys (`{ [_h]: ["GET", …] }`, `_h` a module constant). esbuild keeps any
 * object literal with a computed key (the key could run code), so an S3 bundle carried the shapes of all ~100 S3
 * operations (~57 KiB minified) for the two it calls. Writing each such key as the string constant it names makes
 * those statements side-effect free, and unused shapes are dropped; the shapes that remain are the same values.
 */
const awsSdkSchemasTreeShake = {
  name: 'landfall-aws-sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const constants = new Map();
      for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) constants.set(name, literal);
      const contents = source.replace(/\[(_\w+)\]:/g, (key, name) => (constants.has(name) ? `${constants.get(name)}:` : key));
      return { contents, loader: 'js' };
    });
  },
};

/**
 * The SDK's JavaScript SHA-1/SHA-256/MD5 are fallbacks for a Node.js without those hashes in node:crypto (Sha256Node and
 * the others pick the native class at load); Lambda's Node.js runtimes (Amazon Linux 2023, its OpenSSL, not in FIPS
 * mode: https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html) have them, so each module is replaced by one
 * whose class fails with the reason if ever constructed (scripts/bundle/no-js-hash-fallback.mjs). ~7.5 KiB in every
 * S3 bundle, ~3.3 KiB in the others (SHA-256 signs every request).
 */
const awsSdkNoJsHashFallback = {
  name: 'landfall-aws-sdk-no-js-hash-fallback',
  setup(build) {
    const stub = path.join(root, 'scripts', 'bundle', 'no-js-hash-fallback.mjs');
    build.onLoad({ filter: /[\\/](?:@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/](?:sha256[\\/]Sha256Js|md5[\\/]Md5Js)|@aws-sdk[\\/]checksums[\\/]dist-es[\\/]submodules[\\/]sha[\\/]sha1[\\/]Sha1Js)\.js$/ }, (args) => {
      const name = path.basename(args.path, '.js');
      return { contents: `export { ${name} } from ${JSON.stringify(stub)};`, loader: 'js', resolveDir: path.dirname(stub) };
    });
  },
};

/** The SDK clients import their package.json for its version (the User-Agent header): the rest of it is dead weight. */
const awsSdkPackageVersionOnly = {
  name: 'landfall-aws-sdk-package-version',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/ }, async (args) => {
      const { name, version } = JSON.parse(await fs.promises.readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

/**
 * js-yaml (~57 KiB minified) serves the Jinja context's `fromyaml`/`toyaml` (src/engine/render/render-context.ts). The
 * project a bundle embeds is fixed when it is packaged, so when no model, test or macro of it (packages included)
 * mentions either name, the render context's js-yaml is replaced by a module that fails with the reason. Only that
 * importer's: other run-time code that reads YAML (e.g. landfall.yml settings) gets the real js-yaml.
 */
function projectUsesYamlFunctions(manifestJson) {
  return /\b(?:fromyaml|toyaml)\b/.test(manifestJson);
}

function renderContextWithoutYaml(manifestJson) {
  const renderContext = path.join(root, 'src', 'engine', 'render', 'render-context.ts');
  const stub = path.join(root, 'scripts', 'bundle', 'no-yaml-functions.mjs');
  return {
    name: 'landfall-render-context-yaml',
    setup(build) {
      if (projectUsesYamlFunctions(manifestJson)) return;
      build.onResolve({ filter: /^js-yaml$/ }, (args) => (args.importer === renderContext ? { path: stub } : undefined));
    },
  };
}

/** The compiled project as it is embedded: Brotli-compressed JSON text in base64 (60 → 7 KiB for dbt/; decoded once per container, ~0.3 ms). */
function embeddedManifest(manifestJson) {
  const zlib = require('node:zlib');
  const params = { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(manifestJson) };
  return zlib.brotliCompressSync(Buffer.from(manifestJson, 'utf8'), { params }).toString('base64');
}

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
    define: {
      LANDFALL_BUNDLED_MANIFEST_BROTLI: JSON.stringify(embeddedManifest(manifestJson)),
      LANDFALL_BUNDLED_PROJECT_NAME: JSON.stringify(JSON.parse(manifestJson).projectName ?? ''),
    },
    alias: {
      // Lambda passes the role's credentials in environment variables: the env provider is the whole chain there.
      '@aws-sdk/credential-provider-node': path.join(root, 'scripts', 'bundle', 'lambda-credentials.mjs'),
      // No operation the functions send streams events: the SDK's event-stream codec is dead code (~15 KiB).
      '@smithy/core/event-streams': path.join(root, 'scripts', 'bundle', 'no-event-streams.mjs'),
      // The DynamoDB client's endpoint-discovery cache needs five methods of an LRU, not mnemonist's (~5 KiB).
      'mnemonist/lru-cache': path.join(root, 'scripts', 'bundle', 'lru-cache.mjs'),
    },
    // nunjucks requires chokidar only for `watch: true`, which the engine never sets.
    external: ['chokidar'],
    plugins: [projectSourcesAreSideEffectFree, renderContextWithoutYaml(manifestJson), awsSdkSchemasTreeShake, awsSdkPackageVersionOnly, awsSdkNoJsHashFallback],
  };
}

module.exports = (serverless) => {
  compileForRedshift(targetSchemaOf(serverless));
  return lambdaBuildOptions(fs.readFileSync(manifestFile, 'utf8'));
};
module.exports.lambdaBuildOptions = lambdaBuildOptions;
module.exports.manifestFile = manifestFile;
module.exports.embeddedManifest = embeddedManifest;
