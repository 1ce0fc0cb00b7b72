// node validate.mjs --profile base|dev|prod RENDERED.yaml
// Validates one rendered overlay offline, in three passes, and exits 1 on any finding:
//   1. schema: every built-in resource against the Kubernetes OpenAPI schema, compiled to validators by
//      the npm package kubernetes-models (types, required fields, formats, enums);
//   2. strict: unknown fields (a misspelt `readinesProbe` passes a plain schema check) through the same
//      package's TypeScript declarations: each document becomes a typed object literal for tsc;
//   3. policy: what this project promises operators (probes, drain window, non-root, read-only root, ...).
// Custom resources of the operators are not schema-checked: their CRDs are not on a reachable registry,
// so each is skipped with the reason printed, after a check of its identity and spec.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";
import { policyFindings } from "./policy.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules"); // npm ci --prefix k8s/check (bin/k8s-check does it)

/** Operators' resources we reference and why their schema is not checked here. */
const CUSTOM = {
  "postgresql.cnpg.io/v1/Cluster": "CloudNativePG's CRD schema is not published on a reachable registry",
  "redis.redis.opstreelabs.in/v1beta2/Redis": "the OT-Container-Kit Redis operator's CRD schema is not published on a reachable registry",
  "redis.redis.opstreelabs.in/v1beta2/RedisCluster": "the OT-Container-Kit Redis operator's CRD schema is not published on a reachable registry",
  "monitoring.coreos.com/v1/ServiceMonitor": "the Prometheus Operator's CRD schema is not published on a reachable registry",
  "monitoring.coreos.com/v1/PrometheusRule": "the Prometheus Operator's CRD schema is not published on a reachable registry",
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
    if (CUSTOM[modelPath(doc)]) continue;
    let Model;
    try {
      Model = (await import(join(modules, "kubernetes-models", `${modelPath(doc)}.js`)))[doc.kind];
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
    lines.push(`import type { I${doc.kind} as T${i} } from "kubernetes-models/${modelPath(doc)}";`);
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

function customFindings(docs) {
  const findings = [];
  for (const doc of docs) {
    const reason = CUSTOM[modelPath(doc)];
    if (!reason) continue;
    if (!doc.metadata?.name || typeof doc.spec !== "object") findings.push(`${id(doc)}: needs metadata.name and a spec object`);
    else console.log(`  skipped schema of ${id(doc)}: ${reason}`);
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
    ...customFindings(docs),
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
