import { renderAlloy, ref } from '../../constructs/loki/alloy-syntax';

describe('GIVEN Alloy blocks as objects', () => {
  test('THEN they render as Alloy syntax with quoted strings, references and nested blocks', () => {
    const text = renderAlloy([
      {
        name: 'loki.source.file',
        label: 'tasks',
        attributes: { targets: ref('local.file_match.tasks.targets'), forward_to: [ref('loki.write.default.receiver')], labels: { job: 'x' } },
        blocks: [{ name: 'rule', attributes: { regex: 'a"b' } }],
      },
    ]);
    expect(text).toBe(
      [
        'loki.source.file "tasks" {',
        '  targets = local.file_match.tasks.targets',
        '  forward_to = [loki.write.default.receiver]',
        '  labels = {',
        '    "job" = "x",',
        '  }',
        '  rule {',
        '    regex = "a\\"b"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });
});
