// Real server processes for the SDK's real-server tests: the packaged jar of this worktree on the
// shared test infra (bin/infra up), its own Redis database, a fresh tenant per run, HS256 tokens.
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { openSync, closeSync, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const env = (name, fallback) => process.env[name] || fallback;

export const SECRET = env('OMNICONTEXT_JWT_SECRET', 'omnicontext-test-secret-0123456789abcdef');
export const JAR = env('OMNICONTEXT_JAR', path.join(ROOT, 'target/quarkus-app/quarkus-run.jar'));
const REDIS = env('SDK_TEST_REDIS', `redis://127.0.0.1:${env('REDIS_PORT', '56379')}/4`);
const POSTGRES = env('SDK_TEST_POSTGRES', `postgresql://127.0.0.1:${env('PG_PORT', '55432')}/omnicontext_test`);
const LOGS = path.join(ROOT, 'target/js-test');
const READY_WITHIN_MS = 120000;

/** A tenant nobody else uses: no cleanup, no test order. */
export const TENANT = `sdk-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

/** An HS256 JWT the nodes accept (the claims of the contract's Authentication section). */
export function token({ sub = 'agent-ada', groups = ['agent', 'supervisor'], channel = 'voice', customerId, ttl = 3600 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub, tenant: TENANT, groups, channel, iat: now, exp: now + ttl };
  if (customerId) claims.customer_id = customerId;
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One server process; start() again after kill() brings it back on the same port. */
export class Node {
  constructor(name, port) {
    this.name = name;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.process = null;
  }

  static async start(name) {
    const node = new Node(name, await freePort());
    await node.start();
    return node;
  }

  async start() {
    if (!existsSync(JAR)) throw new Error(`${JAR} is missing: build it with ./mvnw -B package -DskipTests (bin/js-test does)`);
    mkdirSync(LOGS, { recursive: true });
    const log = openSync(path.join(LOGS, `${this.name}.log`), 'a');
    const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin/java') : 'java';
    // the shared test database may hold newer migrations of branches not merged here: ignore them, as in a rolling deploy
    const flyway = '-Dquarkus.flyway.validate-on-migrate=false';
    this.process = spawn(java, ['-Xmx256m', flyway, '-jar', JAR], {
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        QUARKUS_HTTP_PORT: String(this.port),
        QUARKUS_REDIS_HOSTS: REDIS,
        QUARKUS_DATASOURCE_REACTIVE_URL: POSTGRES,
        QUARKUS_DATASOURCE_USERNAME: 'omnicontext',
        QUARKUS_DATASOURCE_PASSWORD: 'omnicontext',
        OMNICONTEXT_JWT_SECRET: SECRET,
      },
    });
    closeSync(log);
    const exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited = exited;
    await this.ready(exited);
  }

  async ready(exited) {
    let gone = null;
    exited.then((e) => { gone = e; });
    const end = Date.now() + READY_WITHIN_MS;
    while (Date.now() < end) {
      if (gone) throw new Error(`${this.name} exited before it was ready (${JSON.stringify(gone)}); see target/js-test/${this.name}.log`);
      try {
        const r = await fetch(`${this.url}/q/health/ready`);
        if (r.status === 200) return;
      } catch { /* not listening yet */ }
      await delay(250);
    }
    throw new Error(`${this.name} not ready on ${this.url} within ${READY_WITHIN_MS / 1000} s; see target/js-test/${this.name}.log`);
  }

  /** SIGKILL: no drain, no goodbye, as a crashed node. */
  async kill() {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the node drains (its sockets get 1013) and stops. */
  async stop() {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    await this.exited;
  }
}

/** GET with a bearer token; the parsed body, or throws with the status. */
export async function get(node, pathAndQuery, bearer) {
  const r = await fetch(`${node.url}${pathAndQuery}`, { headers: { Authorization: `Bearer ${bearer}` } });
  if (r.status !== 200) throw new Error(`GET ${pathAndQuery} answered ${r.status}: ${await r.text()}`);
  return r.json();
}
