// node crds/vendor.mjs CRD.yaml...
// Turns an operator's CustomResourceDefinition into the schema validate.mjs checks its resources against:
// crds/<group>_<version>_<Kind>.json, one per served version, descriptions dropped (they are most of a CRD's
// size and no check reads them). The CRDs are Apache-2.0; where each came from is in crds/README.md.
import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));

function withoutDescriptions(node) {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    // `description` is a keyword only where its value is text: a property named "description" is kept.
    if (k === "description" && typeof v === "string") continue;
    out[k] = withoutDescriptions(v);
  }
  return out;
}

for (const file of process.argv.slice(2)) {
  for (const d of parseAllDocuments(readFileSync(file, "utf8"))) {
    const crd = d.toJS();
    if (crd?.kind !== "CustomResourceDefinition") continue;
    for (const v of crd.spec.versions.filter((x) => x.served)) {
      const name = `${crd.spec.group}_${v.name}_${crd.spec.names.kind}.json`;
      writeFileSync(join(here, name), JSON.stringify(withoutDescriptions(v.schema.openAPIV3Schema), null, 1) + "\n");
      console.log(`wrote crds/${name}`);
    }
  }
}
