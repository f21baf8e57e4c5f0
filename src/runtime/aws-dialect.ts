/** The SQL dialect of the deployment (`LANDFALL_DIALECT`, Redshift by default), once per container. */
import { dialects, type DialectName } from '../engine';
import type { Dialect } from '../engine/dialects';
import { once } from './environment';

export const awsDialect: () => Dialect = /* @__PURE__ */ once(() => {
  const dialectName = (process.env.LANDFALL_DIALECT ?? 'redshift') as DialectName;
  const dialect = dialects[dialectName];
  if (!dialect) throw new Error(`LANDFALL_DIALECT must be one of ${Object.keys(dialects).join(', ')}, got '${dialectName}'`);
  return dialect;
});
