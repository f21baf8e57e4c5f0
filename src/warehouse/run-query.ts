/** runQuery and waitForStatement are the engine's (src/engine/warehouse/run-query.ts); re-exported here for the adapters' importers. */
export * from '../engine/warehouse/run-query';
