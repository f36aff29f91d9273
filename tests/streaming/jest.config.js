/**
 * Streaming tier (npm run test:streaming): a real Kafka broker (KRaft) with the JMX exporter
 * agent, a PySpark Structured Streaming job writing a Delta table, and an MLflow server, scraped
 * by Prometheus with the stack's streaming rules and alerting through Alertmanager on loopback.
 * Files end in `.live.ts`, so the default `jest` run never starts them.
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/streaming'],
  testMatch: ['**/*.live.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  maxWorkers: 1,
  testTimeout: 6 * 60_000,
  verbose: true,
};
