// node dockerfile.mjs Dockerfile...   Lints a Dockerfile offline: dockerfilelint's rules, then what the
// server's image promises (docs/operations.md, "Image"): a pinned base, a non-root user, port 8080, the
// quarkus-app layout and an exec-form entrypoint on quarkus-run.jar. Exits 1 on any finding.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";

const here = dirname(fileURLToPath(import.meta.url));
const LAYOUT = ["target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/", "target/quarkus-app/quarkus/"];

/** [{line, op, args}] with continuation lines joined and comments dropped. */
export function instructions(text) {
  const out = [];
  let pending = null;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === "" || line.startsWith("#"))) return;
    const body = line.endsWith("\\") ? line.slice(0, -1) : line;
    pending = pending ? { ...pending, text: `${pending.text} ${body}` } : { line: i + 1, text: body };
    if (!line.endsWith("\\")) {
      const [, op, args] = /^(\S+)\s*(.*)$/.exec(pending.text);
      out.push({ line: pending.line, op: op.toUpperCase(), args: args.trim() });
      pending = null;
    }
  });
  return out;
}

function lint(file) {
  let raw;
  try {
    raw = execFileSync(process.execPath, [join(here, "node_modules", "dockerfilelint", "bin", "dockerfilelint"), "-o", "json", file],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    if (!e.stdout) throw e; // it exits non-zero when it found issues, with the report on stdout
    raw = e.stdout;
  }
  return JSON.parse(raw).files.flatMap((f) => f.issues.map((x) => `line ${x.line}: ${x.title} (dockerfilelint)`));
}

export function imageFindings(text) {
  const f = [];
  const ins = instructions(text);
  const all = (op) => ins.filter((x) => x.op === op);
  const from = all("FROM").at(-1);
  const image = from?.args.split(/\s+/)[0] ?? "";
  if (!from) f.push("no FROM");
  else if (!/@sha256:[0-9a-f]{64}$/.test(image) && !/:[^/:]*\d[^/:]*$/.test(image)) f.push(`base image ${image} must be pinned to a version tag or a digest`);
  const user = all("USER").at(-1);
  if (!user) f.push("no USER: the image would run as root");
  else if (/^(root|0)(:|$)/.test(user.args)) f.push(`USER ${user.args} is root`);
  if (!all("EXPOSE").some((x) => x.args.split(/\s+/).some((p) => p.replace(/\/tcp$/, "") === "8080"))) f.push("EXPOSE 8080 missing");
  const entry = all("ENTRYPOINT").at(-1);
  let argv = null;
  try { argv = entry && JSON.parse(entry.args); } catch { /* shell form */ }
  if (!Array.isArray(argv)) f.push("ENTRYPOINT must be exec form (a JSON array): signals reach the JVM, no shell in between");
  else if (argv[argv.indexOf("-jar") + 1]?.endsWith("/quarkus-run.jar") !== true) f.push("ENTRYPOINT must run -jar .../quarkus-run.jar");
  if (user && entry && user.line > entry.line) f.push("USER must come before ENTRYPOINT");
  const copied = all("COPY").map((x) => x.args.split(/\s+/).filter((a) => !a.startsWith("--"))[0]);
  for (const src of LAYOUT) if (!copied.includes(src)) f.push(`COPY ${src} missing (the quarkus-app layout)`);
  for (const add of all("ADD")) if (/https?:\/\//.test(add.args)) f.push(`line ${add.line}: ADD of a URL (unpinned download)`);
  return f;
}

let failed = false;
for (const file of process.argv.slice(2)) {
  const findings = [...lint(file), ...imageFindings(readFileSync(file, "utf8"))];
  if (findings.length) {
    failed = true;
    console.log(`FAIL ${file}`);
    for (const x of findings) console.log(`  - ${x}`);
  } else console.log(`ok   ${file} (dockerfilelint, pinned base, non-root, EXPOSE 8080, quarkus-app layout, entrypoint)`);
}
process.exit(failed ? 1 : 0);
