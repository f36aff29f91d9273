import * as fs from 'fs';
import * as path from 'path';
import { GENERATED_PATH, generatedFiles, stableJson } from '../../dashboards/serialize';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const HOW_TO_FIX = 'run `npm run dashboards:render` and commit dashboards/generated';

describe('GIVEN the committed dashboards/generated folder', () => {
  const expected = generatedFiles(EXAMPLE_PIPELINES);
  const committed = fs.readdirSync(GENERATED_PATH).sort();

  test('WHEN the dashboards are re-rendered from the example pipelines THEN every file matches byte for byte', () => {
    const outdated = [...expected].filter(([name, content]) => !committed.includes(name) || fs.readFileSync(path.join(GENERATED_PATH, name), 'utf8') !== content).map(([name]) => name);
    expect({ outdated, fix: HOW_TO_FIX }).toEqual({ outdated: [], fix: HOW_TO_FIX });
  });

  test('WHEN listing the folder THEN it holds no file that no dashboard renders', () => {
    const stray = committed.filter((name) => !expected.has(name));
    expect({ stray, fix: HOW_TO_FIX }).toEqual({ stray: [], fix: HOW_TO_FIX });
  });

  test('WHEN naming the files THEN each is <uid>.json of the dashboard inside it', () => {
    for (const [name, content] of expected) expect(`${JSON.parse(content).uid}.json`).toBe(name);
  });
});

describe('GIVEN two objects with the same content in different key order', () => {
  test('WHEN serialized THEN the bytes are identical, keys sorted, 2-space indented, newline-terminated', () => {
    const a = stableJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } });
    const b = stableJson({ a: { c: 3, d: [2, { y: 2, z: 1 }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{\n  "a": {\n    "c": 3,\n    "d": [\n      2,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });
});
