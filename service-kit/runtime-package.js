// Writes the package.json of a service image's production modules: just the
// packages the service imports (its runtime-dependencies.json), at the versions
// the root package.json pins. Plain JavaScript because it runs in the Dockerfile
// before anything is compiled for it.
//   node service-kit/runtime-package.js <service folder> <package name> <output file>
const { readFileSync, writeFileSync } = require('fs');

const [folder, name, output] = process.argv.slice(2);
const root = JSON.parse(readFileSync('package.json', 'utf8'));
const names = JSON.parse(readFileSync(`${folder}/runtime-dependencies.json`, 'utf8'));
writeFileSync(output, JSON.stringify({ name, private: true, dependencies: Object.fromEntries(names.map((n) => [n, root.dependencies[n]])) }));
