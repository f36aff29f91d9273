import { parseLogQL, parsePromQL, variableInnerQuery } from '../../dashboards/query-languages';
import { refersToVariable, substituteVariables } from '../../dashboards/template-variables';

describe('GIVEN a query with Grafana template variables', () => {
  test('WHEN substituted THEN interval variables become durations and others plain words, in every syntax', () => {
    const { text } = substituteVariables('rate(x{a=~"$dag_id", b="${team}", c="${team:regex}", d="[[old]]"}[$__rate_interval]) offset $__range');
    expect(text).toBe('rate(x{a=~"variable_value", b="variable_value", c="variable_value", d="variable_value"}[5m]) offset 1d');
  });

  test('WHEN an offset in the substituted text is mapped back THEN it points into the query as written', () => {
    const written = 'sum(x[$__rate_interval]) by (dag_id) +';
    const substituted = substituteVariables(written);
    const endOfSubstituted = substituted.text.length;
    expect(substituted.originalOffset(endOfSubstituted)).toBe(written.length);
    expect(substituted.originalOffset(substituted.text.indexOf('5m') + 1)).toBe(written.indexOf('$__rate_interval'));
    expect(substituted.originalOffset(2)).toBe(2);
  });

  test('WHEN asked whether a variable is referenced THEN whole names count and prefixes do not', () => {
    expect(refersToVariable('x{dag_id=~"$dag_id"}', 'dag_id')).toBe(true);
    expect(refersToVariable('x{dag_id=~"${dag_id:regex}"}', 'dag_id')).toBe(true);
    expect(refersToVariable('x{dag_id=~"$dag_id_other"}', 'dag_id')).toBe(false);
  });
});

describe('GIVEN PromQL queries', () => {
  test('WHEN a query is valid THEN it has no errors and lists the metrics its selectors name', () => {
    const parsed = parsePromQL(
      'histogram_quantile(0.9, sum by (le) (rate(pipewatch_warehouse_response_time_seconds_bucket[5m]))) / on() group_left count(up{job="x"}) or label_replace(vector(1), "dag_id", "a", "", "")',
    );
    expect(parsed).toEqual({ errors: [], metricNames: ['pipewatch_warehouse_response_time_seconds_bucket', 'up'], unnamedSelectors: [] });
  });

  test('WHEN a query is cut short THEN the error sits where the input ends', () => {
    const parsed = parsePromQL('sum(rate(up[5m])');
    expect(parsed.errors).toEqual([{ offset: 16, position: '1:17', near: 'um(rate(up[5m])' }]);
  });

  test('WHEN a query spans lines THEN the position gives line and column', () => {
    expect(parsePromQL('sum(up)\n  +\n  )').errors[0].position).toBe('3:3');
  });
});

describe('GIVEN LogQL queries', () => {
  test('WHEN a metric query over a stream with filters and a variable range is valid THEN it has no errors', () => {
    expect(parseLogQL('sum by (container) (count_over_time({job="containers", container=~"$container"} |~ "(?i)error" [$__interval]))').errors).toEqual([]);
  });

  test('WHEN a stream selector is not closed THEN it reports an error', () => {
    expect(parseLogQL('{job="containers"').errors).not.toEqual([]);
  });
});

describe('GIVEN Grafana variable definitions', () => {
  test('WHEN a definition wraps a selector or an expression THEN the inner query is extracted', () => {
    expect(variableInnerQuery('label_values(airflow_ti_finish{state="failed"}, dag_id)')).toBe('airflow_ti_finish{state="failed"}');
    expect(variableInnerQuery('query_result(topk(5, up))')).toBe('topk(5, up)');
  });

  test('WHEN a definition lists a label without a selector THEN there is no inner query to check', () => {
    expect(variableInnerQuery('label_values(dag_id)')).toBeUndefined();
  });
});
