// Checks a Compose file without a Docker engine: valid YAML (no duplicate keys), valid against the Compose
// Specification's JSON schema, and the references the schema cannot check (depends_on names a service, a named
// volume is declared, the build context, the Dockerfile and repository files mounted into containers exist).
// Usage: node tools/lint-compose.mjs TOOLS_DIR COMPOSE_FILE   (TOOLS_DIR holds node_modules with ajv, yaml, dclint)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [toolsDir, composeFile] = process.argv.slice(2);
if (!toolsDir || !composeFile) {
  console.error('usage: node tools/lint-compose.mjs TOOLS_DIR COMPOSE_FILE');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(toolsDir), 'package.json'));
const Ajv = require('ajv');
const YAML = require('yaml');

const problems = [];
const composeDir = path.dirname(path.resolve(composeFile));

const document = YAML.parseDocument(fs.readFileSync(composeFile, 'utf8'));
for (const error of [...document.errors, ...document.warnings]) {
  problems.push(`YAML: ${error.message}`);
}
const compose = problems.length === 0 ? document.toJS() : null;

if (compose) {
  // The upstream compose-spec.json as dclint ships it. Its "$schema" is spelled
  // https://json-schema.org/draft-07/schema, which Ajv does not know by that name; the schema is draft-07, Ajv's own
  // default, so the line is dropped rather than a metaschema added. strictTypes is off because the upstream schema
  // uses union types and untyped "additionalProperties"; every other strict check stays on.
  const schemaFile = path.join(toolsDir, 'node_modules/dclint/schemas/compose.schema.json');
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  const validate = ajv.compile(schema);
  if (!validate(compose)) {
    for (const error of validate.errors) {
      problems.push(`schema: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
    }
  }

  const services = compose.services ?? {};
  const declaredVolumes = new Set(Object.keys(compose.volumes ?? {}));
  const exists = (relative) => fs.existsSync(path.resolve(composeDir, relative));
  for (const [name, service] of Object.entries(services)) {
    const dependsOn = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dependency of dependsOn) {
      if (!(dependency in services)) problems.push(`${name}: depends_on names no service "${dependency}"`);
    }
    if (service.build) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      const context = build.context ?? '.';
      if (!exists(context)) problems.push(`${name}: build context ${context} does not exist`);
      const dockerfile = path.join(context, build.dockerfile ?? 'Dockerfile');
      if (!exists(dockerfile)) problems.push(`${name}: Dockerfile ${dockerfile} does not exist`);
    }
    for (const volume of service.volumes ?? []) {
      const mount = typeof volume === 'string' ? parseShortVolume(volume) : volume;
      if (mount.type === 'volume' && mount.source && !declaredVolumes.has(mount.source)) {
        problems.push(`${name}: volume "${mount.source}" is not declared under the top-level volumes`);
      }
      // .local/ is made on the laptop (make pki, make dev-token), so it is absent from a fresh clone.
      if (mount.type === 'bind' && !mount.source.split(/[\\/]/).includes('.local') && !exists(mount.source)) {
        problems.push(`${name}: bind mount source ${mount.source} does not exist`);
      }
    }
  }
}

function parseShortVolume(text) {
  const source = text.split(':')[0];
  if (!text.includes(':')) return { type: 'volume' };
  return /^[./~]/.test(source) ? { type: 'bind', source } : { type: 'volume', source };
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`${composeFile}: ${problem}`);
  process.exit(1);
}
console.log(`${composeFile}: valid (Compose Specification schema, references)`);
