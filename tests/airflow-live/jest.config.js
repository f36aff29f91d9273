/**
 * The live Airflow check (`npm run test:airflow`, docs/airflow.md): real Airflow, statsd_exporter and
 * Prometheus on loopback. Files end in `.live.ts`, so neither the default `jest` run nor the live tier
 * (tests/live) picks them up.
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/airflow-live'],
  testMatch: ['**/*.live.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // Start-up, Airflow's retries of the failing ml_pipeline run and the stop all fit in here.
  testTimeout: 14 * 60_000,
  verbose: true,
};
