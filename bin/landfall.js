#!/usr/bin/env node
// The landfall CLI. TypeScript sources run through tsx, so there is no build step between an edit and a run.
// The machine runs Node 20; Lambda runs nodejs22.x. The SDK's Node-version notice is for the former.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    console.error(error && error.message ? `landfall: ${error.message}` : error);
    process.exitCode = 2;
  });
