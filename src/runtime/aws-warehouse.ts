/** The SQL dialect and the Redshift Data API warehouse, built from the environment once per container. */
import type { Manifest } from '../engine';
import type { Dialect } from '../engine/dialects';
import { readConnectionTarget } from '../warehouse/connection-config';
import { RedshiftDataWarehouse } from '../warehouse/redshift-data-warehouse';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { awsManifest } from './aws-manifest';
import { once } from './environment';

import { awsDialect } from './aws-dialect';

export { awsDialect };

export const awsWarehouse: () => Warehouse = /* @__PURE__ */ once(() => new RedshiftDataWarehouse({ target: readConnectionTarget() }));

/** What every warehouse task needs: the project, its dialect and the warehouse. */
export function awsWarehouseTask(): { manifest: Manifest; dialect: Dialect; warehouse: Warehouse } {
  return { manifest: awsManifest(), dialect: awsDialect(), warehouse: awsWarehouse() };
}
