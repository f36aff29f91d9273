import { startedTestApp, TestApp, Call } from './support/app';

describe('simulator HTTP API', () => {
  let sim: TestApp & { call: Call };

  beforeEach(async () => {
    sim = await startedTestApp();
  });

  afterEach(async () => {
    await sim.app.stop();
  });

  test('GIVEN a started app WHEN probed THEN /healthz and /readyz answer 200 and /metrics serves Prometheus text', async () => {
    expect(await sim.call('GET', '/healthz')).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(await sim.call('GET', '/readyz')).toMatchObject({ status: 200, json: { ready: true, checks: { model: true, history: true } } });
    const metrics = await sim.call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    expect(metrics.text).toMatch(/^# TYPE airflow_scheduler_heartbeat counter$/m);
  });

  test('GIVEN a fail scenario posted for example_etl WHEN pipeline time passes THEN GET /scenarios lists it and /metrics shows the failed run', async () => {
    const posted = await sim.call('POST', '/scenarios', { dagId: 'example_etl', kind: 'fail' });
    expect(posted).toMatchObject({ status: 201, json: { dagId: 'example_etl', kind: 'fail', since: new Date(sim.clock.nowMs()).toISOString() } });
    expect((await sim.call('GET', '/scenarios')).json.scenarios).toEqual([posted.json]);
    expect(await sim.call('POST', '/clock/advance', { seconds: 3600 })).toMatchObject({ status: 200 });
    const metrics = (await sim.call('GET', '/metrics')).text;
    expect(metrics).toMatch(/^airflow_dagrun_failed_count\{dag_id="example_etl"\} 1$/m);
    expect(metrics).toMatch(/^airflow_ti_finish\{dag_id="example_etl",task_id="extract",state="failed"\} 1$/m);
  });

  test('GIVEN an active scenario WHEN DELETE /scenarios/:dagId THEN the pipeline recovers and the answer names what was cleared', async () => {
    await sim.call('POST', '/scenarios', { dagId: 'ml_pipeline', kind: 'slow', factor: 2 });
    expect(await sim.call('DELETE', '/scenarios/ml_pipeline')).toMatchObject({ status: 200, json: { dagId: 'ml_pipeline', recovered: 'slow' } });
    expect(await sim.call('DELETE', '/scenarios/ml_pipeline')).toMatchObject({ status: 200, json: { recovered: null } });
    expect((await sim.call('GET', '/scenarios')).json.scenarios).toEqual([]);
  });

  test('GIVEN a hang posted for datalake_ingest without a taskId WHEN two pipeline hours pass THEN its first task is running and one run is active; WHEN deleted THEN hang is recovered', async () => {
    expect(await sim.call('POST', '/scenarios', { dagId: 'datalake_ingest', kind: 'hang' })).toMatchObject({ status: 201, json: { kind: 'hang' } });
    await sim.call('POST', '/clock/advance', { seconds: 2 * 3600 });
    const metrics = (await sim.call('GET', '/metrics')).text;
    expect(metrics).toMatch(/^pipewatch_task_running_since_seconds\{dag_id="datalake_ingest",task_id="list_new_files"\} \d/m);
    expect(metrics).toMatch(/^pipewatch_dag_runs_active\{dag_id="datalake_ingest",state="running"\} 1$/m);
    expect(await sim.call('DELETE', '/scenarios/datalake_ingest')).toMatchObject({ status: 200, json: { dagId: 'datalake_ingest', recovered: 'hang' } });
  });

  test.each([
    ['body that is not JSON', '{"dagId":', /not valid JSON/],
    ['unknown kind', { dagId: 'example_etl', kind: 'explode' }, /invalid scenario/],
    ['missing dagId', { kind: 'fail' }, /invalid scenario/],
    ['unknown field', { dagId: 'example_etl', kind: 'fail', extra: 1 }, /invalid scenario/],
    ['slow factor out of range', { dagId: 'example_etl', kind: 'slow', factor: 0.5 }, /invalid scenario/],
    ['unknown dagId', { dagId: 'nope', kind: 'fail' }, /unknown dagId "nope"/],
    ['dq_drop on a pipeline without checks', { dagId: 'example_etl', kind: 'dq_drop' }, /has no dataQualityChecks/],
    ['hang naming a task the pipeline does not have', { dagId: 'example_etl', kind: 'hang', taskId: 'train' }, /has no task "train"/],
    ['taskId on a kind other than hang', { dagId: 'example_etl', kind: 'fail', taskId: 'extract' }, /invalid scenario/],
  ])('GIVEN a POST /scenarios with %s WHEN sent THEN 400 with a JSON error saying what is wrong', async (_case, body, message) => {
    const reply = await sim.call('POST', '/scenarios', body);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(message);
    expect(Array.isArray(reply.json.details)).toBe(true);
    expect((await sim.call('GET', '/scenarios')).json.scenarios).toEqual([]);
  });

  test('GIVEN an invalid kind WHEN rejected THEN the details list the allowed kinds', async () => {
    const reply = await sim.call('POST', '/scenarios', { dagId: 'example_etl', kind: 'explode' });
    expect(reply.json.details.join(' ')).toMatch(/'fail' \| 'slow' \| 'stale' \| 'dq_drop' \| 'hang'/);
  });

  test('GIVEN an unknown pipeline in the path WHEN DELETE /scenarios/:dagId THEN 404 listing the simulated pipelines', async () => {
    const reply = await sim.call('DELETE', '/scenarios/nope');
    expect(reply.status).toBe(404);
    expect(reply.json.details[0]).toMatch(/datalake_ingest, example_etl, data_quality, ml_pipeline/);
  });

  test.each([[{ seconds: 0 }], [{ seconds: 8 * 86400 }], [{ seconds: '60' }], [{}]])('GIVEN POST /clock/advance with %j WHEN sent THEN 400', async (body) => {
    const reply = await sim.call('POST', '/clock/advance', body);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(/seconds/);
  });

  test('GIVEN pipeline time fast-forwarded a day WHEN GET /runs THEN the newest runs come first, filtered and limited as asked', async () => {
    await sim.call('POST', '/clock/advance', { seconds: 86400 });
    const { json } = await sim.call('GET', '/runs?dagId=example_etl&limit=5');
    expect(json.runs).toHaveLength(5);
    expect(json.runs.every((r: { dagId: string }) => r.dagId === 'example_etl')).toBe(true);
    const finished = json.runs.map((r: { finishedAt: string }) => Date.parse(r.finishedAt));
    expect(finished).toEqual([...finished].sort((a, b) => b - a));
    expect((await sim.call('GET', '/runs?limit=0')).status).toBe(400);
  });

  test('GIVEN an unknown path or method WHEN requested THEN 404 or 405 with the allowed methods', async () => {
    expect((await sim.call('GET', '/nope')).status).toBe(404);
    const wrongMethod = await sim.call('PUT', '/scenarios', {});
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });

  test('GIVEN a malformed percent-encoded dagId WHEN DELETE /scenarios/:dagId THEN 400, not a server error', async () => {
    expect((await sim.call('DELETE', '/scenarios/%E0%A4%A')).status).toBe(400);
  });

  test('GIVEN a body over 16 KiB WHEN posted THEN 413', async () => {
    expect((await sim.call('POST', '/scenarios', 'x'.repeat(17 * 1024))).status).toBe(413);
  });
});
