// Validates every object in a multi-document YAML stream (e.g. `helm template` output) against the schema of its
// apiVersion and kind: Kubernetes' own, cert-manager's and prometheus-operator's, from the packages in package.json.
// An object of an apiVersion or kind without a schema here is an error, so that nothing goes unchecked.
// Usage: node tools/validate-manifests.mjs FILE|-   Prints one line per object; exits 1 if any is invalid.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const modules = {
  'v1': 'kubernetes-models/v1',
  'cert-manager.io/v1': '@kubernetes-models/cert-manager/cert-manager.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

function modulePath(apiVersion) {
  if (modules[apiVersion]) return modules[apiVersion];
  // Built-in groups: kubernetes-models/<group>/<version>, e.g. apps/v1, networking.k8s.io/v1.
  if (/^[a-z0-9.-]+\/v[0-9a-z]+$/.test(apiVersion) && !apiVersion.includes('cert-manager') &&
      !apiVersion.includes('coreos')) return `kubernetes-models/${apiVersion}`;
  return undefined;
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node tools/validate-manifests.mjs FILE|-');
  process.exit(2);
}
const text = readFileSync(file === '-' ? 0 : file, 'utf8');
let failures = 0;
let count = 0;
for (const doc of parseAllDocuments(text, { uniqueKeys: true })) {
  if (doc.errors.length) {
    console.log(`INVALID YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    failures++;
    continue;
  }
  const object = doc.toJS();
  if (object === null || object === undefined) continue;
  count++;
  const { apiVersion, kind } = object;
  const name = object.metadata?.name ?? '<no name>';
  const label = `${apiVersion}/${kind} ${name}`;
  const path = typeof apiVersion === 'string' ? modulePath(apiVersion) : undefined;
  let model;
  try {
    model = path && (await import(path))[kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== 'function') {
    console.log(`UNKNOWN ${label}: no schema for this apiVersion and kind`);
    failures++;
    continue;
  }
  try {
    new model(object).validate();
    console.log(`ok ${label}`);
  } catch (error) {
    console.log(`INVALID ${label}: ${error.message}`);
    failures++;
  }
}
console.log(`${count} objects, ${failures} invalid`);
process.exit(failures === 0 && count > 0 ? 0 : 1);
