/**
 * Live tier: real servers on loopback (see docs/live-tests.md). Test files end in `.live.ts`, so the
 * default `jest` run (tests/**\/*.test.ts) never starts servers. Each file runs its own stack; the
 * files run side by side because their time goes into waiting for Alertmanager's timers, not CPU.
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/live'],
  testMatch: ['**/*.live.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  maxWorkers: 4,
  testTimeout: 12 * 60_000,
  // A stack that fails to stop must not keep the run alive.
  forceExit: false,
  verbose: true,
};
