/**
 * Tests run in parallel on 2 workers; integration tests open PGlite from one prepared template shared
 * by every process (see src/local/sql-engine/pglite-engine.ts, sharedTemplateDir).
 *
 * PGlite's CommonJS build loads its WebAssembly with a dynamic import(), which jest's module sandbox
 * refuses; transforming that build with swc turns it into require().
 */
const swc = ['@swc/jest', { jsc: { target: 'es2022' } }];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: {
    '^.+\\.(t|j)s$': swc,
    '@electric-sql/pglite/dist/.+\\.cjs$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: false } }],
  },
  // @middy/core is ESM-only: swc turns it into CommonJS for jest (Lambda and tsx load it natively).
  transformIgnorePatterns: ['/node_modules/(?!(@electric-sql/pglite|@middy)/)'],
  setupFiles: ['<rootDir>/tests/support/jest-setup.ts'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 120000,
  // Skipped suites say why at the end of the run (tests/support/skip-reason.ts).
  reporters: ['default', '<rootDir>/tests/support/skipped-tests-reporter.js'],
  maxWorkers: 2,
};
