/** Parse time: read a dbt project folder and compile it into the manifest (CLI and local stack only). */
export { readProjectFiles } from './project/project-files';
export { compileManifest, type CompileOptions } from './project/compile-manifest';
export { compileProject } from './project/compile-project';
