// What the manifests promise operators (docs/operations.md), checked on the rendered output of one overlay.
// Each rule returns human-readable findings; none needs a cluster.

const SERVER = { "app.kubernetes.io/name": "omnicontext", "app.kubernetes.io/component": "server" };
const PROBES = { startupProbe: "/q/health/started", readinessProbe: "/q/health/ready", livenessProbe: "/q/health/live" };
// What the JVM holds beside the heap and direct memory: metaspace, code cache, thread stacks, GC structures
// (the benchmark's node: 235 MiB of RSS with 20 MiB of heap in use, docs/operations.md "Sizes").
const NON_HEAP_MIB = 256;
const DRAIN_SETTLE = 2; // service/Drain waits up to 2 s after the window for the last closes
/** Environment the prod server must have, and must not: RS256 verification, never the HS256 test secret. */
const PROD_JWT = ["MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES"];
const REDIS_OPERATOR = "redis.redis.opstreelabs.in/v1beta2";

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

/** True when the server's environment names the key at all (a literal, a secretKeyRef or the ConfigMap). */
function configured(docs, deployment, key) {
  const container = deployment.spec.template.spec.containers[0];
  return (container.env ?? []).some((e) => e.name === key) || configValue(docs, deployment, key) !== undefined;
}

/** True when some egress rule of the policy lets TCP out to the port (a rule without ports allows all). */
function egressAllows(policy, port) {
  if (!(policy.spec.policyTypes ?? []).includes("Egress")) return true;
  return (policy.spec.egress ?? []).some((e) => !e.ports || e.ports.some((p) => p.port === port && (p.protocol ?? "TCP") === "TCP"));
}

/** The port of a URL such as https://host/path or http://collector:4317 (the scheme's default otherwise). */
function urlPort(url) {
  const m = /^(https?):\/\/[^/:]+(?::(\d+))?/.exec(url ?? "");
  return m ? Number(m[2] ?? (m[1] === "https" ? 443 : 80)) : undefined;
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
  // The JVM's ceiling must fit the limit: a pod past it is OOMKilled with all its sockets, instead of the
  // JVM refusing work. Unset, MaxDirectMemorySize defaults to the heap size.
  const jvm = configValue(docs, d, "JDK_JAVA_OPTIONS") ?? "";
  const xmx = /-Xmx(\S+)/.exec(jvm)?.[1];
  const direct = /-XX:MaxDirectMemorySize=(\S+)/.exec(jvm)?.[1];
  const limit = mebibytes(c.resources?.limits?.memory);
  if (!xmx) f.push("JDK_JAVA_OPTIONS must set -Xmx (the tested heap)");
  if (!direct) f.push("JDK_JAVA_OPTIONS must set -XX:MaxDirectMemorySize (Netty's buffers; unset it grows as large as the heap)");
  if (xmx && direct && mebibytes(xmx) + mebibytes(direct) + NON_HEAP_MIB > limit) {
    f.push(`-Xmx${xmx} + MaxDirectMemorySize ${direct} + ${NON_HEAP_MIB} MiB beside them exceeds the memory limit ${c.resources?.limits?.memory}`);
  }
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
  // Endpoints outside the namespace the server is configured to call must get through its NetworkPolicy.
  const policies = of(docs, "NetworkPolicy");
  for (const d of deployments.filter(isServer)) {
    const outbound = {
      MP_JWT_VERIFY_PUBLICKEY_LOCATION: "the JWKS of the token issuer",
      QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "the OTLP collector",
    };
    for (const [key, what] of Object.entries(outbound)) {
      if (key.startsWith("QUARKUS_OTEL") && configValue(docs, d, "QUARKUS_OTEL_SDK_DISABLED") !== "false") continue;
      const port = urlPort(configValue(docs, d, key));
      if (port && policies.length && !policies.some((n) => egressAllows(n, port))) {
        f.push(`NetworkPolicy: egress must allow TCP ${port} to ${what} (${key})`);
      }
    }
  }
  return f;
}

/** Replicas spread and sized for failures: base and prod; dev runs one small replica. */
function haRules(docs) {
  const f = [];
  const hpas = of(docs, "HorizontalPodAutoscaler");
  for (const d of of(docs, "Deployment").filter(isServer)) {
    const hpa = hpas.find((h) => h.spec.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef.name === d.metadata.name);
    if (hpa && d.spec.replicas !== undefined) {
      f.push(`Deployment ${d.metadata.name}: leave spec.replicas to HPA ${hpa.metadata.name} (each apply would reset its count to ${d.spec.replicas})`);
    }
    if (!hpa && !(d.spec.replicas >= 3)) f.push(`Deployment ${d.metadata.name}: at least 3 replicas`);
    if (!d.spec.template.spec.affinity?.podAntiAffinity) f.push(`Deployment ${d.metadata.name}: needs pod anti-affinity`);
  }
  for (const h of hpas) if (!(h.spec.minReplicas >= 3)) f.push(`HPA ${h.metadata.name}: minReplicas at least 3`);
  if (!of(docs, "PodDisruptionBudget").length) f.push("a PodDisruptionBudget is required");
  return f;
}

function prodRules(docs) {
  const f = [];
  for (const d of of(docs, "Deployment").filter(isServer)) {
    const pod = d.spec.template.spec;
    const name = `Deployment ${d.metadata.name}`;
    // One replica per node by spreading, not by a hard rule: required anti-affinity with maxSurge and the
    // HPA's maximum needs maxReplicas + maxSurge nodes, or rollouts and scale-ups stay Pending.
    if (pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution) {
      f.push(`${name}: no required pod anti-affinity in prod (it needs maxReplicas + maxSurge nodes); spread with topologySpreadConstraints`);
    }
    const byHost = (pod.topologySpreadConstraints ?? []).find((t) => t.topologyKey === "kubernetes.io/hostname");
    if (!byHost || byHost.maxSkew !== 1 || byHost.whenUnsatisfiable !== "DoNotSchedule" || !matches(SERVER, byHost.labelSelector?.matchLabels)) {
      f.push(`${name}: prod spreads the server over nodes: topologySpreadConstraints on kubernetes.io/hostname, maxSkew 1, DoNotSchedule, selecting the server pods`);
    }
    for (const key of PROD_JWT) if (!configured(docs, d, key)) f.push(`${name}: prod verifies RS256 tokens: ${key} must be set`);
    if (configured(docs, d, "OMNICONTEXT_JWT_SECRET")) {
      f.push(`${name}: OMNICONTEXT_JWT_SECRET (HS256, the test mode) must not be set in prod`);
    }
    if (!configured(docs, d, "OMNICONTEXT_LIMITS_WS_ALLOWED_ORIGINS")) {
      f.push(`${name}: prod names the browser origins that may open the WebSocket: OMNICONTEXT_LIMITS_WS_ALLOWED_ORIGINS`);
    }
    const clusters = docs.filter((x) => x.apiVersion === REDIS_OPERATOR && x.kind === "RedisCluster");
    if (configValue(docs, d, "QUARKUS_REDIS_CLIENT_TYPE") !== "cluster") f.push(`${name}: prod runs on Redis Cluster: QUARKUS_REDIS_CLIENT_TYPE=cluster`);
    const hosts = configValue(docs, d, "QUARKUS_REDIS_HOSTS") ?? "";
    if (clusters.length && !clusters.some((rc) => hosts.includes(`//${rc.metadata.name}-leader:`))) {
      f.push(`${name}: QUARKUS_REDIS_HOSTS (${hosts}) must seed from the RedisCluster's leader Service (${clusters.map((rc) => `${rc.metadata.name}-leader`).join(", ")})`);
    }
  }
  if (!docs.some((d) => d.kind === "Cluster" && d.apiVersion === "postgresql.cnpg.io/v1")) f.push("prod takes PostgreSQL from a CloudNativePG Cluster");
  if (!docs.some((d) => d.apiVersion === REDIS_OPERATOR && d.kind === "RedisCluster")) {
    f.push("prod takes Redis from the OT-Container-Kit Redis operator's RedisCluster (the server runs on Redis Cluster: a standalone Redis is a single point of failure)");
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
