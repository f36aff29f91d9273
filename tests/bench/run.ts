import { readdirSync } from 'fs';
import { join } from 'path';
import { Benchmark } from './bench';

/**
 * `npm run bench`: runs every tests/bench/*.bench.ts (or those whose name
 * contains an argument) one after another and exits 1 if any missed a goal.
 */
async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((x) => f.includes(x))))
    .sort();
  if (files.length === 0) throw new Error(`no benchmark in ${__dirname} matches ${filters.join(', ') || '*.bench.ts'}`);
  const missed: string[] = [];
  for (const file of files) {
    // require, not import(): ts-node compiles these files only on the CommonJS path.
    const bench: Benchmark = require(join(__dirname, file)).default;
    const started = Date.now();
    console.log(`\n## ${bench.name} (${file})\n`);
    const met = await bench.run((line) => console.log(line));
    console.log(`\n${met ? 'goals met' : 'GOAL MISSED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!met) missed.push(bench.name);
  }
  if (missed.length > 0) {
    console.error(`\nbenchmarks that missed a goal: ${missed.join(', ')}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
