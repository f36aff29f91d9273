/**
 * `npm run dashboards:render`: writes dashboards/generated/<uid>.json for the
 * pipelines of pipelines.yaml and removes files no dashboard produces any more.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../content/pipeline/catalog';
import { GENERATED_PATH, generatedFiles } from './serialize';

function render(): void {
  const files = generatedFiles(loadPipelineCatalog(DEFAULT_PIPELINES_FILE));
  fs.mkdirSync(GENERATED_PATH, { recursive: true });
  for (const stale of fs.readdirSync(GENERATED_PATH).filter((f) => !files.has(f))) {
    fs.rmSync(path.join(GENERATED_PATH, stale));
    console.log(`removed ${stale}`);
  }
  for (const [name, content] of files) {
    fs.writeFileSync(path.join(GENERATED_PATH, name), content);
  }
  console.log(`rendered ${files.size} dashboards to ${path.relative(process.cwd(), GENERATED_PATH) || '.'}`);
}

render();
