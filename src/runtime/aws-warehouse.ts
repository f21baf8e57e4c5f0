/** The SQL dialect and the Redshift Data API warehouse, built from the environment once per container. */
import { dialects, type DialectName } from '../engine';
import type { Manifest } from '../engine';
import type { Dialect } from '../engine/dialects';
import { readConnectionTarget } from '../warehouse/connection-config';
import { RedshiftDataWarehouse } from '../warehouse/redshift-data-warehouse';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { awsManifest } from './aws-manifest';
import { once } from './environment';

export const awsDialect: () => Dialect = /* @__PURE__ */ once(() => {
  const dialectName = (process.env.LANDFALL_DIALECT ?? 'redshift') as DialectName;
  const dialect = dialects[dialectName];
  if (!dialect) throw new Error(`LANDFALL_DIALECT must be one of ${Object.keys(dialects).join(', ')}, got '${dialectName}'`);
  return dialect;
});

export const awsWarehouse: () => Warehouse = /* @__PURE__ */ once(() => new RedshiftDataWarehouse({ target: readConnectionTarget() }));

/** What every warehouse task needs: the project, its dialect and the warehouse. */
export function awsWarehouseTask(): { manifest: Manifest; dialect: Dialect; warehouse: Warehouse } {
  return { manifest: awsManifest(), dialect: awsDialect(), warehouse: awsWarehouse() };
}
