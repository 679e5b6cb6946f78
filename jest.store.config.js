/**
 * `npm run test:store`: the store-behaviour tests (test/db) alone, against MONGODB_URI when it is
 * set (an operator's check of a MongoDB before go-live), otherwise against the embedded store.
 * Every test file works in its own throwaway database (`t_<file>_<random>`), dropped at its end:
 * the app's own database is never opened. The same files run in `npm test` (jest.config.js).
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/db'],
  globalSetup: '<rootDir>/test/helpers/store-global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
};
