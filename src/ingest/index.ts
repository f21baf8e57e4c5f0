/** Loading landed S3 objects into raw tables: routes from source meta, manifests, the load ledger. */
export * from './errors';
export * from './s3-routes';
export * from './copy-statements';
export * from './object-store';
export * from './load-steps';
