import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { notDeployed, plannedChanges, replacesOnly, targetProblems } from './tier-checks';

const PROMETHEUS_YML = ['scrape_configs:', '  - job_name: prometheus', '    static_configs:', '      - targets:', '        - prometheus:9090', '        - loki:3100', '        - cadvisor:8080'].join('\n');
const CONFIG = {
  resource: {
    docker_container: {
      Monitoring_Prometheus_1: { name: 'tier-a-prometheus', upload: [{ file: '/etc/prometheus/prometheus.yml', source: 'assets/prometheus.yml' }] },
      Monitoring_Redis_1: { name: 'tier-a-redis', upload: [] },
    },
  },
};

describe('GIVEN the docker tier deployed without Loki and cAdvisor', () => {
  test('WHEN the scraped hosts are compared with the deployed services THEN loki and cadvisor are the left-out ones', () => {
    const stackDir = mkdtempSync(join(tmpdir(), 'pw-tier-checks-'));
    mkdirSync(join(stackDir, 'assets'));
    writeFileSync(join(stackDir, 'assets/prometheus.yml'), PROMETHEUS_YML);
    try {
      expect(notDeployed(CONFIG, stackDir, ['prometheus', 'redis'])).toEqual(['loki', 'cadvisor']);
    } finally {
      rmSync(stackDir, { recursive: true, force: true });
    }
  });

  test('WHEN Prometheus is up and Loki down THEN there is no problem', () => {
    const targets = [
      { job: 'prometheus', instance: 'prometheus:9090', health: 'up', lastError: '' },
      { job: 'loki', instance: 'loki:3100', health: 'down', lastError: 'no such host' },
    ];
    expect(targetProblems(targets, ['loki'])).toEqual([]);
  });

  test('WHEN a deployed target is down and a left-out one up THEN both are problems, with the scrape error', () => {
    const targets = [
      { job: 'prometheus', instance: 'prometheus:9090', health: 'down', lastError: 'connection refused' },
      { job: 'loki', instance: 'loki:3100', health: 'up', lastError: '' },
    ];
    expect(targetProblems(targets, ['loki'])).toEqual(['prometheus=down (connection refused)', 'loki=up']);
  });
});

describe('GIVEN a terraform plan as `terraform show -json` prints it', () => {
  const plan = (changes: [address: string, actions: string[]][]) => ({ resource_changes: changes.map(([address, actions]) => ({ address, change: { actions } })) });

  test('WHEN only Prometheus is replaced THEN that is the only change and it counts as a replacement', () => {
    const changes = plannedChanges(plan([['docker_container.Monitoring_Prometheus_A1', ['delete', 'create']], ['docker_image.P_Image-redis', ['no-op']], ['data.x', ['read']]]));
    expect(changes).toEqual(['docker_container.Monitoring_Prometheus_A1:delete+create']);
    expect(replacesOnly(changes, [/^docker_container\.Monitoring_Prometheus_[A-Z0-9]+$/])).toBe(true);
  });

  test('WHEN Prometheus and the simulator are replaced THEN that is exactly a replacement of both, and of neither alone', () => {
    const changes = plannedChanges(plan([['docker_container.Monitoring_Prometheus_A1', ['delete', 'create']], ['docker_container.Monitoring_MetricsApp_C3', ['create', 'delete']]]));
    const prometheus = /^docker_container\.Monitoring_Prometheus_[A-Z0-9]+$/;
    const simulator = /^docker_container\.Monitoring_MetricsApp_[A-Z0-9]+$/;
    expect(replacesOnly(changes, [prometheus, simulator])).toBe(true);
    expect(replacesOnly(changes, [prometheus])).toBe(false);
    expect(replacesOnly(changes.slice(0, 1), [prometheus, simulator])).toBe(false);
  });

  test('WHEN another container changes too, or Prometheus is only updated THEN it is not a Prometheus-only replacement', () => {
    const alsoRedis = plannedChanges(plan([['docker_container.Monitoring_Prometheus_A1', ['create', 'delete']], ['docker_container.Monitoring_Redis_B2', ['update']]]));
    const updated = plannedChanges(plan([['docker_container.Monitoring_Prometheus_A1', ['update']]]));
    expect(replacesOnly(alsoRedis, [/^docker_container\.Monitoring_Prometheus_[A-Z0-9]+$/])).toBe(false);
    expect(replacesOnly(updated, [/^docker_container\.Monitoring_Prometheus_[A-Z0-9]+$/])).toBe(false);
  });
});
