import type { DialectName } from '../target';
import type { Dialect } from './dialect';
import { postgresDialect } from './postgres';
import { redshiftDialect } from './redshift';

export const dialects: Record<DialectName, Dialect> = { postgres: postgresDialect, redshift: redshiftDialect };
export type { Dialect, RelationKind } from './dialect';
