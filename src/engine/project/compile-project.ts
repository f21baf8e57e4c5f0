import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../manifest';
import type { Target } from '../target';
import { compileManifest } from './compile-manifest';
import { readProjectFiles } from './project-files';
import { dmsSchedulesOf } from '../../schedules/dms-schedules';

/**
 * Compile a project folder and write the artifact the functions load (`landfall compile`).
 *
 * @example
 * compileProject('dbt', { name: 'prod', type: 'redshift', schema: 'analytics', database: 'dev' }, '.landfall/aws/landfall-manifest.json');
 */
export function compileProject(projectDir: string, target: Target, outFile: string, cliVars?: Record<string, unknown>): Manifest {
  const manifest = compileManifest(readProjectFiles(projectDir), { target, cliVars });
  dmsSchedulesOf(manifest); // throws InvalidScheduleError naming the source of a bad `meta.landfall.dms.schedule`
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(manifest));
  return manifest;
}
