// node validate.mjs --profile base|dev|prod RENDERED.yaml
// Validates one rendered overlay offline, in three passes, and exits 1 on any finding:
//   1. schema: every built-in resource against the Kubernetes OpenAPI schema, compiled to validators by
//      the npm package kubernetes-models (types, required fields, formats, enums);
//   2. strict: unknown fields (a misspelt `readinesProbe` passes a plain schema check) through the same
//      package's TypeScript declarations: each document becomes a typed object literal for tsc;
//   3. policy: what this project promises operators (probes, drain window, non-root, read-only root, ...).
// The operators' resources get passes 1 and 2 too: the Prometheus Operator's from its npm model package,
// CloudNativePG's Cluster and the Redis operator's RedisCluster from their CRDs vendored in crds/ (no package
// publishes them), with unknown fields refused as the API server's strict field validation would.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";
import { policyFindings } from "./policy.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules"); // npm ci --prefix k8s/check (bin/k8s-check does it)

/** The npm model package of each API group that is not built in (built-in kinds: kubernetes-models). */
const MODEL_PACKAGES = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator" };
/** Operators' kinds without a model package: their vendored CRD schema (crds/README.md says where from). */
const CRDS = {
  "postgresql.cnpg.io/v1/Cluster": "postgresql.cnpg.io_v1_Cluster.json",
  "redis.redis.opstreelabs.in/v1beta2/RedisCluster": "redis.redis.opstreelabs.in_v1beta2_RedisCluster.json",
};

function args(argv) {
  const out = { profile: "base", files: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--profile") out.profile = argv[++i];
    else out.files.push(argv[i]);
  }
  return out;
}

/** "apps/v1" + "Deployment" -> the kubernetes-models module path "apps/v1/Deployment". */
function modelPath(doc) { return `${doc.apiVersion}/${doc.kind}`; }
/** The package whose `<apiVersion>/<Kind>` module models the document. */
function modelPackage(doc) {
  const group = doc.apiVersion.includes("/") ? doc.apiVersion.split("/")[0] : "";
  return MODEL_PACKAGES[group] ?? "kubernetes-models";
}

function readDocs(file) {
  const docs = [];
  for (const d of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (d.errors.length) throw new Error(`${file}: YAML error ${d.errors[0].message}`);
    const js = d.toJS();
    if (js != null) docs.push(js);
  }
  return docs;
}

const id = (doc) => `${doc.apiVersion} ${doc.kind} ${doc.metadata?.name ?? "<no name>"}`;

/** Schema findings, and the documents whose kind has a schema (the strict pass takes only those). */
async function schemaFindings(docs) {
  const findings = [];
  const known = [];
  for (const doc of docs) {
    if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
      findings.push(`a document without apiVersion/kind: ${JSON.stringify(doc).slice(0, 80)}`);
      continue;
    }
    if (CRDS[modelPath(doc)]) continue;
    let Model;
    try {
      Model = (await import(join(modules, modelPackage(doc), `${modelPath(doc)}.js`)))[doc.kind];
    } catch {
      findings.push(`${id(doc)}: no schema for this apiVersion/kind (misspelt, removed, or a CRD not listed in validate.mjs)`);
      continue;
    }
    known.push(doc);
    try {
      new Model(doc).validate();
    } catch (e) {
      const details = (e.errors ?? []).map((x) => `${x.instancePath || "/"} ${x.message}`).join("; ");
      findings.push(`${id(doc)}: ${details || e.message}`);
    }
  }
  return { findings, known };
}

/** Unknown or misplaced fields, found by tsc's excess-property check on typed literals. */
function strictFindings(builtIn) {
  if (builtIn.length === 0) return [];
  const dir = mkdtempSync(join(modules, ".tsc-")); // inside node_modules: imports resolve, git ignores it
  const lines = [];
  const owner = []; // line number (1-based) -> document
  builtIn.forEach((doc, i) => {
    lines.push(`import type { I${doc.kind} as T${i} } from "${modelPackage(doc)}/${modelPath(doc)}";`);
    owner.push(null);
  });
  builtIn.forEach((doc, i) => {
    const body = `export const d${i}: T${i} = ${JSON.stringify(doc, null, 1)};`.split("\n");
    body.forEach((l) => { lines.push(l); owner.push(doc); });
  });
  writeFileSync(join(dir, "check.mts"), lines.join("\n") + "\n");
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022",
      skipLibCheck: true, types: [] },
    files: ["check.mts"],
  }));
  try {
    execFileSync(process.execPath, [join(modules, "typescript", "bin", "tsc"), "-p", dir], { encoding: "utf8", stdio: "pipe" });
    return [];
  } catch (e) {
    if (e.status == null) throw e;
    const out = String(e.stdout || "") + String(e.stderr || "");
    const findings = [];
    for (const m of out.matchAll(/check\.mts\((\d+),\d+\): error TS\d+: ([^\n]+)/g)) {
      const doc = owner[Number(m[1]) - 1];
      findings.push(`${doc ? id(doc) : "check"}: ${m[2]}`);
    }
    return findings.length ? findings : [`tsc failed: ${out.slice(0, 400)}`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A CRD schema made strict: every object that lists its properties, and neither declares a map
 * (additionalProperties) nor keeps unknown fields (x-kubernetes-preserve-unknown-fields), refuses others.
 * Formats (int32, quantities, ...) and CEL rules (x-kubernetes-validations) are not checked.
 */
function strictSchema(schema) {
  if (schema === null || typeof schema !== "object") return schema;
  const out = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, strictSchema(v)]));
    if (schema.additionalProperties === undefined && schema["x-kubernetes-preserve-unknown-fields"] !== true) out.additionalProperties = false;
  }
  if (typeof schema.additionalProperties === "object") out.additionalProperties = strictSchema(schema.additionalProperties);
  if (schema.items) out.items = strictSchema(schema.items);
  for (const k of ["allOf", "anyOf", "oneOf"]) if (schema[k]) out[k] = schema[k].map(strictSchema);
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
const crdValidators = new Map();
function crdValidator(file) {
  if (!crdValidators.has(file)) {
    crdValidators.set(file, ajv.compile(strictSchema(JSON.parse(readFileSync(join(here, "crds", file), "utf8")))));
  }
  return crdValidators.get(file);
}

/** The operators' resources without a model package, against their vendored CRDs. */
function crdFindings(docs) {
  const findings = [];
  for (const doc of docs) {
    const file = CRDS[modelPath(doc)];
    if (!file) continue;
    const validate = crdValidator(file);
    if (validate(doc)) continue;
    for (const e of validate.errors) {
      const extra = e.keyword === "additionalProperties" ? ` "${e.params.additionalProperty}" (unknown field)` : "";
      findings.push(`${id(doc)}: ${e.instancePath || "/"} ${e.message}${extra}`);
    }
  }
  return findings;
}

const { profile, files } = args(process.argv.slice(2));
let failed = false;
for (const file of files) {
  const docs = readDocs(file);
  const schema = await schemaFindings(docs);
  const findings = [
    ...schema.findings,
    ...strictFindings(schema.known),
    ...crdFindings(docs),
    ...policyFindings(docs, profile),
  ];
  if (findings.length) {
    failed = true;
    console.log(`FAIL ${file} (${docs.length} resources, profile ${profile})`);
    for (const f of findings) console.log(`  - ${f}`);
  } else {
    console.log(`ok   ${file} (${docs.length} resources, profile ${profile}: schema, strict fields, policy)`);
  }
}
process.exit(failed ? 1 : 0);
