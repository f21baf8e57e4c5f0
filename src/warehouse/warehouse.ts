/** The Warehouse port is the engine's (src/engine/warehouse/warehouse.ts); re-exported here for the adapters' importers. */
export * from '../engine/warehouse/warehouse';
