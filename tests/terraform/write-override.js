// Writes zz_toolchain_override.tf.json beside a synthesized cdk.tf.json. Terraform and OpenTofu merge
// *_override.tf.json files over the configuration, so cdk.tf.json stays exactly as synthesized:
//  - the local backend's state goes to STATE_PATH (a temp dir), never to the developer's state file;
//  - in snapshot mode, required_providers point at the versions the toolchain actually built (from the
//    PROVIDER_<NAME>="<source> <version>" lines of ~/.cache/pipewatch/toolchain.env, exported), and a
//    SUBSTITUTED line per provider says so.
// Usage: node tests/terraform/write-override.js STACK_DIR STATE_PATH release|snapshot
const fs = require('fs');
const path = require('path');

const [dir, statePath, mode] = process.argv.slice(2);
if (!dir || !statePath || !['release', 'snapshot'].includes(mode)) {
  console.error('usage: write-override.js STACK_DIR STATE_PATH release|snapshot');
  process.exit(2);
}
const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
const override = { terraform: { backend: { local: { path: statePath } } } };
if (mode === 'snapshot') {
  override.terraform.required_providers = {};
  for (const [name, wanted] of Object.entries(config.terraform?.required_providers ?? {})) {
    const built = process.env[`PROVIDER_${name.toUpperCase()}`];
    if (!built) {
      console.error(`no build of ${wanted.source} in the toolchain`);
      process.exit(1);
    }
    const version = built.split(' ')[1];
    override.terraform.required_providers[name] = { source: wanted.source, version };
    console.log(`SUBSTITUTED ${wanted.source}: pinned ${wanted.version}, checked with snapshot ${version}`);
  }
}
fs.writeFileSync(path.join(dir, 'zz_toolchain_override.tf.json'), `${JSON.stringify(override, null, 2)}\n`);
