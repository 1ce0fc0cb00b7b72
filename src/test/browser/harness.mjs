// What the browser tests stand on: the packaged jar on the shared test infra, tokens, Debian's Chromium.
// bin/browser-test sets the environment (OC_JAR, OC_PORT, OMNICONTEXT_JWT_SECRET, QUARKUS_*); each run uses a
// fresh tenant, so hand-offs and customers of earlier runs never show up on these screens.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, openSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = process.env;
export const PORT = Number(env.OC_PORT || 18480);
export const BASE = `http://127.0.0.1:${PORT}`;
export const TENANT = `browser-${randomBytes(4).toString('hex')}`;
export const SCREENS_DIR = env.OC_SCREENS_DIR || join(process.cwd(), 'screens');
const SECRET = env.OMNICONTEXT_JWT_SECRET || 'omnicontext-test-secret-0123456789abcdef';
const LOG = env.OC_LOG || join(tmpdir(), 'omnicontext-browser-node.log');

// ---- tokens (HS256, as bin/token makes them) ----------------------------------------------------

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export function token({ sub, groups, channel, customerId, ttl = 3600 }) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub, tenant: TENANT, groups, channel, iat: now, exp: now + ttl };
  if (customerId) claims.customer_id = customerId;
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(createHmac('sha256', SECRET).update(input).digest())}`;
}

export const voiceAgent = () => token({ sub: 'agent-ada', groups: ['agent', 'supervisor'], channel: 'voice' });
export const storeTablet = () => token({ sub: 'tablet-branch-x', groups: ['agent'], channel: 'store' });
export const customerToken = (id) => token({ sub: `${id}-app`, groups: ['customer'], channel: 'web', customerId: id });
/** The desk's story tokens, as bin/run hands them over: one per channel that acts in the sofa story. */
export const storyTokens = () => [
  `email:${token({ sub: 'campaigns', groups: ['integration'], channel: 'email' })}`,
  `chat:${token({ sub: 'agent-chat', groups: ['agent'], channel: 'chat' })}`,
  `store:${storeTablet()}`].join(',');
export const loader = () => token({ sub: 'loader', groups: ['integration'], channel: 'system' });

// ---- REST ---------------------------------------------------------------------------------------

export async function post(customerId, ops, bearer = loader()) {
  const res = await fetch(`${BASE}/v1/customers/${encodeURIComponent(customerId)}/changes`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', 'Idempotency-Key': `bt-${randomBytes(8).toString('hex')}` },
    body: JSON.stringify({ ops }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`POST changes for ${customerId}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function context(customerId, bearer = loader()) {
  const res = await fetch(`${BASE}/v1/customers/${encodeURIComponent(customerId)}/context`, { headers: { Authorization: `Bearer ${bearer}` } });
  if (!res.ok) throw new Error(`GET context of ${customerId}: ${res.status}`);
  return res.json();
}

export const inHours = (h) => new Date(Date.now() + h * 3600e3).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The demo's Julia (bin/run loads the same), under the given id. */
export function juliaOps(id) {
  return [
    { op: 'profile.set', fields: { name: 'Julia Berg', timezone: 'Europe/Berlin' } },
    { op: 'identity.link', type: 'email', value: `${id}@example.com` },
    { op: 'offer.issue', offerId: 'o-sofa-15', title: 'Green sofa -15%', originChannel: 'email', price: 849, validUntil: inHours(24 * 7) },
    { op: 'reservation.hold', reservationId: 'r-sofa', sku: 'SOFA-GREEN', storeId: 'branch-X', until: inHours(48) },
    { op: 'appointment.schedule', appointmentId: 'a-delivery', kind: 'delivery', at: inHours(72) },
  ];
}

// ---- the server ---------------------------------------------------------------------------------

let server = null;

async function ready(deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (server && server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}); log ${LOG}`);
    try {
      const res = await fetch(`${BASE}/q/health/ready`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the server was not ready on ${BASE} within ${deadlineMs / 1000} s; log ${LOG}`);
}

/** Starts the packaged jar (OC_JAR) on OC_PORT and waits until /q/health/ready answers 200. */
export async function startServer() {
  if (!env.OC_JAR) throw new Error('OC_JAR is not set: run the tests with bin/browser-test');
  const out = openSync(LOG, 'a');
  server = spawn(env.JAVA || 'java', ['-jar', env.OC_JAR], {
    env: { ...env, QUARKUS_HTTP_PORT: String(PORT), OMNICONTEXT_JWT_SECRET: SECRET },
    stdio: ['ignore', out, out],
  });
  await ready(Number(env.READY_TIMEOUT || 120) * 1000);
}

/** Stops the server with TERM (KILL after 30 s) and waits for it to exit. */
export async function stopServer() {
  const s = server;
  if (!s || s.exitCode !== null) return;
  const exited = new Promise((r) => s.once('exit', r));
  s.kill('SIGTERM');
  const killer = setTimeout(() => s.kill('SIGKILL'), 30000);
  await exited;
  clearTimeout(killer);
}

// ---- the browser --------------------------------------------------------------------------------

let userDataDir = null;

/** Debian's Chromium, headless, with a fresh profile; nothing is downloaded. */
export async function launchBrowser() {
  userDataDir = mkdtempSync(join(tmpdir(), 'omnicontext-chromium-'));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  browser.setDefaultTimeout(Number(env.OC_UI_TIMEOUT || 8000));
  return browser;
}

export function removeProfile() {
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
}

export function screensDir() {
  mkdirSync(SCREENS_DIR, { recursive: true });
  return SCREENS_DIR;
}

/** Fails the test with the page's console errors attached, which is where a broken screen tells why. */
export function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.request().method()} ${r.url().replace(/token=[^&]+/, 'token=…')}`); });
  return errors;
}
