// Validates every object in a multi-document YAML stream (e.g. `helm template` output) against the schema of its
// apiVersion and kind: Kubernetes' own, cert-manager's and prometheus-operator's, from the packages in package.json.
// An object of an apiVersion or kind without a schema here is an error, so that nothing goes unchecked.
// The schema validators check types, formats and required fields but let unknown fields through, and a misspelt
// field (readinesProbe) is silently dropped by the API server; so each object is also type-checked by the TypeScript
// compiler as an object literal of the model's interface, whose excess-property check refuses any field the API does
// not define, at every depth.
// Usage: node tools/validate-manifests.mjs FILE|-   Prints one line per object; exits 1 if any is invalid.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
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
// One line of TypeScript per object that passed its schema: `export const o<n>: import("<module>/<Kind>").I<Kind> = ...`.
const typed = [];
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
    typed.push({ label, line: `export const o${typed.length}: import(${JSON.stringify(`${path}/${kind}`)}).I${kind} = ${JSON.stringify(object)};` });
  } catch (error) {
    console.log(`INVALID ${label}: ${error.message}`);
    failures++;
  }
}

// The declarations resolve from this directory's node_modules, so the file is compiled from here.
const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'validate-manifests-'));
const source = join(work, 'objects.ts');
try {
  writeFileSync(source, typed.map((t) => t.line).join('\n') + '\n');
  const program = ts.createProgram([source], {
    noEmit: true, strict: true, skipLibCheck: true, types: [],
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022,
    baseUrl: here, paths: { '*': [join(here, 'node_modules', '*')] },
  });
  const problems = new Map();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    const line = diagnostic.file ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line : -1;
    const key = line >= 0 && line < typed.length ? line : -1;
    problems.set(key, [...(problems.get(key) ?? []), message]);
  }
  typed.forEach((t, i) => {
    if (problems.has(i)) {
      console.log(`INVALID ${t.label}: ${problems.get(i).join('; ')}`);
      failures++;
    } else {
      console.log(`ok ${t.label}`);
    }
  });
  if (problems.has(-1)) {
    console.log(`TYPECHECK: ${problems.get(-1).join('; ')}`);
    failures++;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${count} objects, ${failures} invalid`);
process.exit(failures === 0 && count > 0 ? 0 : 1);
