/**
 * The checks every compile that writes the manifest the functions run makes: `landfall compile` (which packaging
 * runs, so also the manifest embedded in the bundles), the local stack's start and its watcher's recompiles. A bad
 * `meta.landfall.dms.schedule` or `meta.landfall.s3` stops the compile naming the source, so no function reads an
 * unchecked one from a manifest landfall wrote; the alerting facts read from the YAML are attached to the manifest.
 */
import type { Manifest } from '../engine';
import type { ProjectFiles } from '../engine/project/project-files';
import { attachAlertingFacts } from '../alerts/alerting-facts';
import { s3RoutesOf } from '../ingest/s3-routes';
import { dmsSchedulesOf } from '../schedules/dms-schedules';

/** The checks for the project in `projectDir`, in the order they run. */
export function compileChecks(projectDir: string): ((manifest: Manifest, files?: ProjectFiles) => unknown)[] {
  return [dmsSchedulesOf, s3RoutesOf, attachAlertingFacts(projectDir)];
}
