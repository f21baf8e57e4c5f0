// Stands in for the AWS SDK's pure-JavaScript SHA-1, SHA-256 and MD5 (Sha1Js, Sha256Js, Md5Js: ~7.5 KiB minified) in the
// Lambda bundles (plugin in esbuild.config.js). The SDK hashes with node:crypto (Sha1Node, Sha256Node, Md5Node) and
// keeps the JavaScript classes only as the fallback for a Node.js whose crypto lacks the algorithm; the Lambda Node.js
// runtimes have all three in OpenSSL. Were one missing (e.g. a FIPS build without MD5), constructing the hash fails
// here with the reason instead of silently hashing in JavaScript.
export class JsHashNotBundled {
  constructor() {
    throw new Error('this Node.js has no native hash for an algorithm the AWS SDK needs, and the Lambda bundle leaves out its JavaScript fallback (scripts/bundle/no-js-hash-fallback.mjs): remove the plugin in esbuild.config.js');
  }
}
export { JsHashNotBundled as Sha1Js, JsHashNotBundled as Sha256Js, JsHashNotBundled as Md5Js };
