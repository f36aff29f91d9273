/**
 * dbt tier (npm run test:dbt): real dbt against a real PostgreSQL, its metrics through a real
 * Pushgateway into Prometheus and Alertmanager on loopback. Files end in `.live.ts`, so the
 * default `jest` run never starts them.
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/dbt'],
  testMatch: ['**/*.live.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  maxWorkers: 1,
  testTimeout: 5 * 60_000,
  verbose: true,
};
