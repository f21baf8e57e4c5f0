/** Parse time: read a dbt project folder and compile it into the manifest (CLI and local stack only). */
export { readProjectFiles, type ReadProjectOptions } from './project/project-files';
export { compileManifest, type CompileOptions } from './project/compile-manifest';
export { compileProject } from './project/compile-project';
export { PartialParseCache, PARTIAL_PARSE_FILE, type PartialParseStats } from './project/partial-parse';
