/**
 * k8s tier: a real kube-apiserver with etcd on loopback (docs/kubernetes.md). Test files end in
 * `.k8s.ts`, so the default `jest` run never starts them.
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/k8s-api'],
  testMatch: ['**/*.k8s.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  maxWorkers: 1,
  testTimeout: 5 * 60_000,
  verbose: true,
};
