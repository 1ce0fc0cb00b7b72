// What the manifests promise operators (docs/operations.md), checked on the rendered output of one overlay.
// Each rule returns human-readable findings; none needs a cluster.

const SERVER = { "app.kubernetes.io/name": "omnicontext", "app.kubernetes.io/component": "server" };
const PROBES = { startupProbe: "/q/health/started", readinessProbe: "/q/health/ready", livenessProbe: "/q/health/live" };
const HEAP_HEADROOM_MIB = 256;
const DRAIN_SETTLE = 2; // service/Drain waits up to 2 s after the window for the last closes // metaspace, thread stacks, Netty's direct buffers beside the heap

const of = (docs, kind) => docs.filter((d) => d.kind === kind);
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const isServer = (d) => d.kind === "Deployment" && matches(SERVER, d.spec?.template?.metadata?.labels);

/** "20s", "500ms", "1m" -> seconds. */
export function seconds(duration) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(duration ?? "").trim());
  if (!m) return NaN;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? "s"];
}

/** "1536Mi", "2Gi", "1g" (JVM) -> MiB. */
export function mebibytes(size) {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|m|g|K|M|G)?$/.exec(String(size ?? "").trim());
  if (!m) return NaN;
  return Number(m[1]) * { Ki: 1 / 1024, Mi: 1, Gi: 1024, k: 1 / 1024, K: 1 / 1024, m: 1, M: 1, g: 1024, G: 1024 }[m[2] ?? "Mi"];
}

function configValue(docs, deployment, key) {
  const container = deployment.spec.template.spec.containers[0];
  const direct = (container.env ?? []).find((e) => e.name === key);
  if (direct?.value !== undefined) return direct.value;
  for (const ref of container.envFrom ?? []) {
    const cm = of(docs, "ConfigMap").find((c) => c.metadata.name === ref.configMapRef?.name);
    if (cm?.data?.[key] !== undefined) return cm.data[key];
  }
  return undefined;
}

function serverRules(docs, d) {
  const f = [];
  const pod = d.spec.template.spec;
  const c = pod.containers.find((x) => x.name === "server") ?? pod.containers[0];
  for (const [probe, path] of Object.entries(PROBES)) {
    if (c[probe]?.httpGet?.path !== path) f.push(`${probe} must GET ${path}, found ${c[probe]?.httpGet?.path ?? "none"}`);
  }
  if (!(c.ports ?? []).some((p) => p.containerPort === 8080 && p.name === "http")) f.push("container port 8080 must be named http");
  // Stopping: preStop, then SIGTERM drains over the window (in Quarkus' shutdown-delay phase), then the delay and
  // the shutdown timeout for requests in flight; all within the grace period.
  const sleep = Number(c.lifecycle?.preStop?.exec?.command?.[0] === "sleep" ? c.lifecycle.preStop.exec.command[1] : NaN);
  const drain = seconds(configValue(docs, d, "OMNICONTEXT_DRAIN_WINDOW") ?? "20s");
  const delay = seconds(configValue(docs, d, "QUARKUS_SHUTDOWN_DELAY") ?? "0s");
  const shutdown = seconds(configValue(docs, d, "QUARKUS_SHUTDOWN_TIMEOUT") ?? "0s");
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  if (Number.isNaN(sleep)) f.push("preStop must be `sleep N` (time for endpoints and the ingress to let go of the pod)");
  else if (sleep + drain + DRAIN_SETTLE + delay + shutdown > grace) {
    f.push(`terminationGracePeriodSeconds ${grace} < preStop ${sleep} s + drain window ${drain} s + ${DRAIN_SETTLE} s + shutdown delay ${delay} s + timeout ${shutdown} s`);
  }
  if (pod.securityContext?.runAsNonRoot !== true) f.push("pod securityContext.runAsNonRoot must be true");
  if (c.securityContext?.readOnlyRootFilesystem !== true) f.push("readOnlyRootFilesystem must be true");
  if (c.securityContext?.allowPrivilegeEscalation !== false) f.push("allowPrivilegeEscalation must be false");
  if (!(c.securityContext?.capabilities?.drop ?? []).includes("ALL")) f.push("capabilities must drop ALL");
  const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
  if (!tmp || !(pod.volumes ?? []).some((v) => v.name === tmp.name && v.emptyDir)) f.push("/tmp must be an emptyDir (read-only root)");
  for (const kind of ["requests", "limits"]) {
    for (const r of ["cpu", "memory"]) if (c.resources?.[kind]?.[r] === undefined) f.push(`resources.${kind}.${r} must be set`);
  }
  const xmx = /-Xmx(\S+)/.exec(configValue(docs, d, "JDK_JAVA_OPTIONS") ?? "")?.[1];
  const limit = mebibytes(c.resources?.limits?.memory);
  if (!xmx) f.push("JDK_JAVA_OPTIONS must set -Xmx (the tested heap)");
  else if (mebibytes(xmx) + HEAP_HEADROOM_MIB > limit) f.push(`-Xmx${xmx} + ${HEAP_HEADROOM_MIB} MiB exceeds the memory limit ${c.resources?.limits?.memory}`);
  if (!/:[^/:]+$|@sha256:/.test(c.image ?? "") || /:latest$/.test(c.image)) f.push(`image ${c.image} must be pinned (a version tag or a digest)`);
  return f.map((x) => `Deployment ${d.metadata.name}: ${x}`);
}

function generalRules(docs) {
  const f = [];
  if (of(docs, "Secret").length) f.push("a Secret is rendered: secret values are never committed, only referenced");
  const deployments = of(docs, "Deployment");
  for (const d of deployments) {
    if (!matches(d.spec.selector?.matchLabels, d.spec.template?.metadata?.labels)) {
      f.push(`Deployment ${d.metadata.name}: selector does not match its pod template's labels`);
    }
    for (const c of d.spec.template.spec.containers) {
      for (const e of c.env ?? []) {
        if (/PASSWORD|SECRET|TOKEN/.test(e.name) && !e.valueFrom?.secretKeyRef) f.push(`Deployment ${d.metadata.name}: ${e.name} must come from a Secret`);
      }
      for (const ref of c.envFrom ?? []) {
        const name = ref.configMapRef?.name;
        if (name && !of(docs, "ConfigMap").some((cm) => cm.metadata.name === name)) f.push(`Deployment ${d.metadata.name}: ConfigMap ${name} is not rendered`);
      }
    }
  }
  const pods = deployments.map((d) => d.spec.template.metadata.labels);
  for (const s of of(docs, "Service")) {
    if (!pods.some((l) => matches(s.spec.selector, l))) f.push(`Service ${s.metadata.name}: its selector matches no pod template`);
  }
  for (const i of of(docs, "Ingress")) {
    for (const a of ["proxy-read-timeout", "proxy-send-timeout"]) {
      const v = Number(i.metadata.annotations?.[`nginx.ingress.kubernetes.io/${a}`]);
      if (!(v >= 3600)) f.push(`Ingress ${i.metadata.name}: ${a} must be at least 3600 s (WebSocket and SSE streams)`);
    }
    for (const rule of i.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const svc = p.backend?.service?.name;
        if (!of(docs, "Service").some((s) => s.metadata.name === svc)) f.push(`Ingress ${i.metadata.name}: backend Service ${svc} is not rendered`);
      }
    }
  }
  for (const h of of(docs, "HorizontalPodAutoscaler")) {
    if (!deployments.some((d) => d.metadata.name === h.spec.scaleTargetRef.name)) f.push(`HPA ${h.metadata.name}: target ${h.spec.scaleTargetRef.name} is not rendered`);
  }
  for (const p of of(docs, "PodDisruptionBudget")) {
    if (!pods.some((l) => matches(p.spec.selector?.matchLabels, l))) f.push(`PDB ${p.metadata.name}: its selector matches no pod template`);
  }
  for (const n of of(docs, "NetworkPolicy")) {
    if (!pods.some((l) => matches(n.spec.podSelector?.matchLabels, l))) f.push(`NetworkPolicy ${n.metadata.name}: it selects no pod template`);
    const dns = (n.spec.egress ?? []).some((e) => (e.ports ?? []).some((p) => p.port === 53));
    if ((n.spec.policyTypes ?? []).includes("Egress") && !dns) f.push(`NetworkPolicy ${n.metadata.name}: egress must allow DNS (53)`);
  }
  return f;
}

/** Replicas spread and sized for failures: base and prod; dev runs one small replica. */
function haRules(docs) {
  const f = [];
  for (const d of of(docs, "Deployment").filter(isServer)) {
    if (!(d.spec.replicas >= 3)) f.push(`Deployment ${d.metadata.name}: at least 3 replicas`);
    if (!d.spec.template.spec.affinity?.podAntiAffinity) f.push(`Deployment ${d.metadata.name}: needs pod anti-affinity`);
  }
  for (const h of of(docs, "HorizontalPodAutoscaler")) if (!(h.spec.minReplicas >= 3)) f.push(`HPA ${h.metadata.name}: minReplicas at least 3`);
  if (!of(docs, "PodDisruptionBudget").length) f.push("a PodDisruptionBudget is required");
  return f;
}

function prodRules(docs) {
  const f = [];
  for (const d of of(docs, "Deployment").filter(isServer)) {
    if (!d.spec.template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution) {
      f.push(`Deployment ${d.metadata.name}: prod requires hard anti-affinity (one replica per node)`);
    }
  }
  if (!docs.some((d) => d.kind === "Cluster" && d.apiVersion === "postgresql.cnpg.io/v1")) f.push("prod takes PostgreSQL from a CloudNativePG Cluster");
  if (!docs.some((d) => d.apiVersion === "redis.redis.opstreelabs.in/v1beta2" && ["Redis", "RedisCluster"].includes(d.kind))) {
    f.push("prod takes Redis from the OT-Container-Kit Redis operator (a Redis or, once the server runs on a cluster, a RedisCluster)");
  }
  return f;
}

export function policyFindings(docs, profile) {
  const servers = of(docs, "Deployment").filter(isServer);
  const f = [...generalRules(docs)];
  if (servers.length !== 1) f.push(`exactly one server Deployment expected, found ${servers.length}`);
  for (const d of servers) f.push(...serverRules(docs, d));
  if (profile === "base" || profile === "prod") f.push(...haRules(docs));
  if (profile === "prod") f.push(...prodRules(docs));
  return f;
}
