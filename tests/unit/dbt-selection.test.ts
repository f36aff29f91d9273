import { dbtRuleGroups } from '../../content/dbt/rules';
import { dbtDagEnvironment, dbtSelectionArgs } from '../../content/dbt/selection';
import { DbtProjectSpec } from '../../content/dbt/spec';
import { validateDbtProjectSpec } from '../../content/dbt/validate';

const SHOP: DbtProjectSpec = { project: 'shop', path: 'dbt/shop', target: 'prod', ownerTeam: 'analytics' };
const WHERE = 'local-dev/Monitoring/dbt.projects[0]';
const check = (selectors: DbtProjectSpec['selectors']) => () => validateDbtProjectSpec({ ...SHOP, selectors }, WHERE);

describe('GIVEN a dbt project that declares selectors', () => {
  it('WHEN it selects and excludes by expression THEN dbt gets --select then --exclude with each expression as an argument', () => {
    expect(dbtSelectionArgs({ select: ['tag:hourly', '+fct_orders'], exclude: ['tag:deprecated'] })).toEqual(['--select', 'tag:hourly', '+fct_orders', '--exclude', 'tag:deprecated']);
    expect(dbtSelectionArgs({ exclude: ['path:models/legacy'] })).toEqual(['--exclude', 'path:models/legacy']);
  });

  it('WHEN it names a selector of selectors.yml THEN dbt gets --selector alone', () => {
    expect(dbtSelectionArgs({ selector: 'nightly' })).toEqual(['--selector', 'nightly']);
  });

  it('WHEN it declares none THEN dbt runs the whole project', () => {
    expect(dbtSelectionArgs(undefined)).toEqual([]);
    expect(dbtDagEnvironment(SHOP)).toEqual({ PIPEWATCH_DBT_PROJECT_DIR: 'dbt/shop', PIPEWATCH_DBT_TARGET: 'prod' });
  });

  it('THEN the DAG environment carries the expressions space-separated, as the DAG splits them', () => {
    expect(dbtDagEnvironment({ ...SHOP, selectors: { select: ['tag:hourly', '+fct_orders'], exclude: ['tag:deprecated'] } })).toEqual({
      PIPEWATCH_DBT_PROJECT_DIR: 'dbt/shop',
      PIPEWATCH_DBT_TARGET: 'prod',
      PIPEWATCH_DBT_SELECT: 'tag:hourly +fct_orders',
      PIPEWATCH_DBT_EXCLUDE: 'tag:deprecated',
    });
    expect(dbtDagEnvironment({ ...SHOP, selectors: { selector: 'nightly' } })).toEqual({ PIPEWATCH_DBT_PROJECT_DIR: 'dbt/shop', PIPEWATCH_DBT_TARGET: 'prod', PIPEWATCH_DBT_SELECTOR: 'nightly' });
  });

  it('THEN every alert of the project says which runs it watches, and a project without selectors says nothing of it', () => {
    const [, , scoped, whole] = dbtRuleGroups([{ ...SHOP, selectors: { selector: 'nightly' } }, { ...SHOP, target: 'dev' }]);
    const modelFailed = scoped.rules.find((r) => 'alert' in r && r.alert === 'DbtModelFailed');
    expect(modelFailed && 'annotations' in modelFailed && modelFailed.annotations.description).toBe(
      'The latest invocation of dbt project {{ $labels.project }} (target {{ $labels.target }}) could not build model {{ $labels.model }} (model owner: {{ $labels.owner }}); models downstream of it were skipped and keep old data until it builds again. The monitored invocations run with --selector nightly.',
    );
    expect(scoped.rules.every((r) => 'annotations' in r && r.annotations.description.endsWith('run with --selector nightly.'))).toBe(true);
    expect(whole.rules.some((r) => 'annotations' in r && r.annotations.description.includes('monitored invocations run'))).toBe(false);
  });

  it.each([
    ['graph operators and intersections', { select: ['@stg_orders', '2+fct_orders+1', 'path:models/marts,config.materialized:table', 'source:shop.orders+', 'state:modified+'] }],
    ['a wildcard', { select: ['fqn:shop.staging.*'] }],
  ])('WHEN it uses %s THEN it is valid', (_name, selectors) => {
    expect(check(selectors)).not.toThrow();
  });

  it.each([
    ['a selector next to expressions', { selector: 'nightly', select: ['tag:hourly'] }, `${WHERE}: invalid selectors {"selector":"nightly","select":["tag:hourly"]}. dbt ignores --select and --exclude when --selector is given`],
    ['an empty selection', { select: [] }, `${WHERE}: invalid selectors {"select":[]}. Give \`select\` and/or \`exclude\` expressions`],
    ['two expressions in one entry', { select: ['tag:a tag:b'] }, `${WHERE}: invalid selectors.select[0] "tag:a tag:b". Write one selection per list entry`],
    ['a misspelt method', { exclude: ['tag:x', 'tags:deprecated'] }, `${WHERE}: invalid selectors.exclude[1] "tags:deprecated". "tags" is not a dbt selection method; did you mean "tag"?`],
    ['a flag for an expression', { select: ['--full-refresh'] }, `${WHERE}: invalid selectors.select[0] "--full-refresh". Use dbt node selection syntax`],
    ['a quote', { select: ['"fct_orders"'] }, `${WHERE}: invalid selectors.select[0] "\\"fct_orders\\"". Use dbt node selection syntax`],
    ['a selector name with a space', { selector: 'night ly' }, `${WHERE}: invalid selectors.selector "night ly". Use the \`name\` of a selector in the project's selectors.yml`],
  ])('WHEN it declares %s THEN synth fails naming the key, the value and the fix', (_name, selectors, message) => {
    expect(check(selectors)).toThrow(message);
  });
});
