// The SDK against real nodes (the packaged jar of this worktree on real Redis and PostgreSQL):
// the module as the node serves it, a live copy kept by patches that equals GET context for staff
// and customer tokens across a SIGKILL and restart of its node while writes go on through another,
// team boards, engage, write refusals and a token that expires mid-session (4401 -> getToken).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebSocket as WsClient } from 'ws';
import { Node, token, get, TENANT } from './nodes.mjs';

const Client = globalThis.WebSocket ?? WsClient;
const SOURCE = fileURLToPath(new URL('../../../main/resources/META-INF/resources/sdk/omnicontext.js', import.meta.url));
const DEADLINE_MS = 30000;
const staff = token();
let a;
let b;
let sdk;   // the module as node a serves it

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds, failing with `what` after ms (no timing is asserted, only reached). */
async function until(check, what, ms = DEADLINE_MS) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await delay(50);
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}

const inDays = (d) => new Date(Date.now() + d * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');

/** The i-th write of a session: every kind of op the screens use, so every patch shape is exercised. */
function opsFor(i, customerId) {
  const n = `${customerId}-${i}`;
  switch (i % 10) {
    case 0: return [{ op: 'profile.set', fields: { name: `Julia ${i}`, tier: i % 3 === 0 ? 'gold' : 'silver' } }];
    case 1: return [{ op: 'offer.issue', offerId: `o-${n}`, title: 'Green sofa -15%', originChannel: 'email', price: 849, validUntil: inDays(7) }];
    case 2: return [{ op: 'note.add', noteId: `n-${n}`, text: 'internal only', visibility: 'internal' },
      { op: 'note.add', noteId: `m-${n}`, text: 'for the customer', visibility: 'customer' }];
    case 3: return [{ op: 'interaction.record', interactionId: `i-${n}`, channel: 'chat', kind: 'message', summary: 'asked about delivery' }];
    case 4: return [{ op: 'offer.redeem', offerId: `o-${customerId}-${i - 3}`, channel: 'store' }];
    case 5: return [{ op: 'preference.set', key: 'consent.marketing', value: i % 2 === 0 }];
    case 6: return [{ op: 'case.open', caseId: `k-${n}`, subject: 'Delivery date', priority: 'high', owner: 'backoffice' }];
    case 7: return [{ op: 'reservation.hold', reservationId: `r-${n}`, sku: 'SOFA-GREEN', storeId: 'branch-X', until: inDays(2) }];
    case 8: return [{ op: 'identity.link', type: 'email', value: `${n}@example.com` }];
    default: return [{ op: 'case.update', caseId: `k-${customerId}-${i - 3}`, status: 'waiting' }];
  }
}

/** A live customer that records every onUpdate. */
function record(oc, customerId) {
  const heard = { snapshots: [], versions: [], errors: [] };
  heard.live = oc.customer(customerId, {
    onUpdate: (context, change) => {
      if (change === null) heard.snapshots.push(context.version);
      else heard.versions.push(change.version);
    },
    onError: (e) => heard.errors.push(e),
  });
  return heard;
}

function assertEveryVersionOnce(heard, last, who) {
  assert.deepEqual(heard.errors, [], `${who}: no errors`);
  assert.deepEqual(heard.snapshots, [0], `${who}: one snapshot, at version 0, then only changes`);
  assert.deepEqual(heard.versions, Array.from({ length: last }, (_, i) => i + 1), `${who}: versions 1..${last}, each once, in order`);
}

before(async () => {
  [a, b] = await Promise.all([Node.start('sdk-a'), Node.start('sdk-b')]);
  const served = await fetch(`${a.url}/sdk/omnicontext.js`);
  assert.equal(served.status, 200);
  const text = await served.text();
  assert.equal(text, readFileSync(SOURCE, 'utf8'), 'the node serves the SDK of this worktree');
  sdk = await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`);
});

after(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
});

test('the node serves the module and its declarations with script types', async () => {
  const js = await fetch(`${a.url}/sdk/omnicontext.js`);
  assert.match(js.headers.get('content-type'), /javascript/);
  const dts = await fetch(`${a.url}/sdk/omnicontext.d.ts`);
  assert.equal(dts.status, 200);
  assert.match(await dts.text(), /export function connect\(options: ConnectOptions\): Connection;/);
});

test('SIGKILL and restart of its node mid-session: open -> reconnecting -> open, no version missed or doubled, context = GET', { timeout: 300000 }, async (t) => {
  const customerId = `julia-${Date.now().toString(36)}`;
  const states = [];
  const desk = sdk.connect({ url: a.url, getToken: () => staff, WebSocket: Client });
  desk.onState((s) => states.push(s));
  const writer = sdk.connect({ url: b.url, token: staff, WebSocket: Client });
  const widget = sdk.connect({ url: b.url, token: token({ sub: customerId, groups: ['customer'], channel: 'web', customerId }), WebSocket: Client });
  t.after(() => { desk.close(); writer.close(); widget.close(); });
  const agentView = record(desk, customerId);
  const customerView = record(widget, customerId);
  const team = `store:branch-${customerId}`;
  const boardFrames = [];
  const board = desk.team(team, { onUpdate: (handoffs, frame) => boardFrames.push(frame === null ? 'snapshot' : frame.seq) });
  await until(() => agentView.live.version === 0 && customerView.live.version === 0 && board.seq !== null, 'three snapshots');
  const handOver = (oc, h) => oc.write(`${customerId}-${h}`, [{ op: 'handoff.create', handoffId: h, kind: 'reservation', ref: 'r-sofa',
    fromChannel: 'chat', toTeam: team, dueBy: inDays(1), note: 'comes at 3 pm' }]);

  let i = 0;
  let version = 0;
  const write = async (oc) => {
    const r = await oc.write(customerId, opsFor(i, customerId), { idempotencyKey: `k-${customerId}-${i}` });
    i++;
    version = r.version;
    assert.equal(r.changes.length > 0, true);
    for (const c of r.changes) assert.ok(Array.isArray(c.patch), `the POST answer's change v${c.version} carries its patch`);
  };
  for (let k = 0; k < 5; k++) await write(desk);
  await until(() => agentView.live.version === version, `desk at v${version} before the kill`);

  await a.kill();
  await until(() => desk.state === 'reconnecting', 'the desk sees its node go');
  for (let k = 0; k < 8; k++) await write(writer);   // the service goes on through node b
  for (const h of ['h-1', 'h-2', 'h-3']) await handOver(writer, h);
  await writer.write(`${customerId}-h-2`, [{ op: 'handoff.accept', handoffId: 'h-2' }]);
  const restarted = a.start();
  let meanwhile = 0;
  while (desk.state !== 'open') {                    // writes continue while node a comes back
    if (meanwhile++ < 20) {                          // bounded: a slow restart must not push the context past its limits
      await write(writer);
      await Promise.race([restarted, delay(300)]);
    } else await delay(100);
  }
  await restarted;
  for (let k = 0; k < 5; k++) await write(desk);
  await handOver(desk, 'h-4');
  await until(() => agentView.live.version === version && customerView.live.version === version, `both views at v${version}`);
  const listed = await get(b, `/v1/teams/${encodeURIComponent(team)}/handoffs`, staff);
  await until(() => board.seq === listed.seq, `the board at seq ${listed.seq}`);
  assert.deepEqual(sortItems(board.handoffs), sortItems(listed.handoffs));
  assert.deepEqual(board.handoffs.map((h) => h.handoffId).sort(), ['h-1', 'h-3', 'h-4']);
  assert.deepEqual(boardFrames, ['snapshot', ...Array.from({ length: listed.seq }, (_, k) => k + 1)], 'the board: one snapshot, then every seq once');

  assert.deepEqual(states, ['open', 'reconnecting', 'open']);
  assertEveryVersionOnce(agentView, version, 'desk');
  assertEveryVersionOnce(customerView, version, 'widget');
  assert.deepEqual(agentView.live.context, await get(b, `/v1/customers/${customerId}/context`, staff));
  const customerToken = token({ sub: customerId, groups: ['customer'], channel: 'web', customerId });
  const seenByCustomer = await get(b, `/v1/customers/${customerId}/context`, customerToken);
  assert.deepEqual(customerView.live.context, seenByCustomer);
  assert.ok(customerView.live.context.notes.every((n) => n.visibility !== 'internal'), 'the widget never holds an internal note');
  assert.ok(agentView.live.context.notes.some((n) => n.visibility === 'internal'), 'the desk does');
});

test('a team board kept by item equals GET /v1/teams/{team}/handoffs', { timeout: 120000 }, async (t) => {
  const team = `store:branch-${Date.now().toString(36)}`;
  const tablet = sdk.connect({ url: a.url, token: staff, WebSocket: Client });
  t.after(() => tablet.close());
  const frames = [];
  const board = tablet.team(team, { onUpdate: (handoffs, frame) => frames.push(frame && frame.seq) });
  await until(() => board.seq !== null, 'the board snapshot');
  assert.deepEqual(board.handoffs, []);
  const customers = ['ana', 'ben', 'cleo'].map((c) => `${c}-${Date.now().toString(36)}`);
  const create = (customerId, h) => tablet.write(customerId, [{ op: 'handoff.create', handoffId: h, kind: 'reservation', ref: 'r-sofa',
    fromChannel: 'chat', toTeam: team, dueBy: inDays(1), note: 'customer comes at 3 pm' }]);
  await create(customers[0], 'h-1');
  await create(customers[1], 'h-2');
  await create(customers[2], 'h-3');
  await until(() => board.handoffs.length === 3, 'three waiting hand-offs');
  await tablet.write(customers[1], [{ op: 'handoff.accept', handoffId: 'h-2' }]);
  await until(() => board.handoffs.length === 2, 'the accepted one leaves the board');
  const listed = await get(a, `/v1/teams/${encodeURIComponent(team)}/handoffs`, staff);
  assert.deepEqual(sortItems(board.handoffs), sortItems(listed.handoffs));
  assert.equal(board.seq, listed.seq);
  await tablet.write(customers[0], [{ op: 'handoff.accept', handoffId: 'h-1' }]);
  await tablet.write(customers[0], [{ op: 'handoff.complete', handoffId: 'h-1', outcome: 'picked up' }]);
  await until(() => board.handoffs.length === 1 && board.seq === listed.seq + 2, 'h-1 accepted and completed');
  const after = await get(a, `/v1/teams/${encodeURIComponent(team)}/handoffs`, staff);
  assert.deepEqual(sortItems(board.handoffs), sortItems(after.handoffs));
  const seqs = frames.filter((s) => s !== null);
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, k) => seqs[0] + k), 'every seq once, in order');
});

function sortItems(items) {
  return [...items].sort((x, y) => `${x.customerId}/${x.handoffId}`.localeCompare(`${y.customerId}/${y.handoffId}`));
}

test('engage resolves with the engagement.start change, which a subscribed connection hears once', { timeout: 60000 }, async (t) => {
  const customerId = `eng-${Date.now().toString(36)}`;
  const desk = sdk.connect({ url: a.url, token: staff, WebSocket: Client });
  t.after(() => desk.close());
  const heard = record(desk, customerId);
  const started = await desk.engage(customerId, { channel: 'voice', activity: 'on-call' });
  assert.equal(started.op, 'engagement.start');
  assert.equal(started.data.activity, 'on-call');
  assert.ok(Array.isArray(started.patch));
  await until(() => heard.live.version === started.version, `the live copy at v${started.version}`);
  assert.deepEqual(heard.versions, [started.version]);
  const engagement = Object.values(heard.live.context.engagements)[0];
  assert.equal(engagement.status, 'active');
  assert.equal(engagement.channel, 'voice');

  const lone = sdk.connect({ url: b.url, token: staff, WebSocket: Client });
  t.after(() => lone.close());
  const second = await lone.engage(customerId, { channel: 'chat', activity: 'typing' });   // not subscribed there
  assert.equal(second.version, started.version + 1);
  await assert.rejects(lone.engage('bad id with spaces', { channel: 'voice' }), { code: 'bad_request' });
});

test('write refusals carry status, code and detail from the problem', { timeout: 60000 }, async (t) => {
  const customerId = `ref-${Date.now().toString(36)}`;
  const oc = sdk.connect({ url: a.url, token: staff, WebSocket: Client });
  t.after(() => oc.close());
  await oc.write(customerId, [{ op: 'offer.issue', offerId: 'o-1', title: 'x', originChannel: 'email', price: 1, validUntil: inDays(3) }]);
  await oc.write(customerId, [{ op: 'offer.redeem', offerId: 'o-1', channel: 'web' }]);
  const again = await oc.write(customerId, [{ op: 'offer.redeem', offerId: 'o-1', channel: 'store' }]).then(() => null, (e) => e);
  assert.equal(again.status, 409);
  assert.equal(again.code, 'offer_already_redeemed');
  assert.equal(typeof again.detail, 'string');
  assert.equal(again.redeemedChannel, 'web');
  assert.ok(again.redeemedAt);
  await assert.rejects(oc.write(customerId, [{ op: 'profile.set', fields: { a: 1 } }], { expectedVersion: 1 }), { status: 409, code: 'version_conflict' });
  await assert.rejects(oc.write(customerId, [{ op: 'no.such' }]), { status: 400, code: 'unknown_op' });
  const other = sdk.connect({ url: a.url, token: token({ sub: 'w', groups: ['customer'], channel: 'web', customerId: 'someone-else' }), WebSocket: Client });
  t.after(() => other.close());
  const forbidden = [];
  other.customer(customerId, { onError: (e) => forbidden.push(e) });
  await until(() => forbidden.length === 1, 'forbidden for another customer\'s token');
  assert.equal(forbidden[0].code, 'forbidden');
});

test('a token that expires mid-session: 4401, getToken, resume with no change missed', { timeout: 120000 }, async (t) => {
  const customerId = `exp-${Date.now().toString(36)}`;
  const issued = [];
  // the first token lives 40 s (past the SDK's 30 s renewal margin, so it is used); later ones an hour
  const getToken = () => { issued.push(token({ ttl: issued.length === 0 ? 40 : 3600 })); return issued[issued.length - 1]; };
  const states = [];
  const desk = sdk.connect({ url: a.url, getToken, WebSocket: Client });
  desk.onState((s) => states.push(s));
  const writer = sdk.connect({ url: b.url, token: staff, WebSocket: Client });
  t.after(() => { desk.close(); writer.close(); });
  const heard = record(desk, customerId);
  await until(() => heard.live.version === 0, 'the snapshot');
  let version = 0;
  while (issued.length < 2) {
    version = (await writer.write(customerId, [{ op: 'interaction.record', interactionId: `i-${version}`, channel: 'web', kind: 'visit', summary: 'browsing' }])).version;
    await delay(1000);
  }
  version = (await writer.write(customerId, [{ op: 'profile.set', fields: { name: 'after renewal' } }])).version;
  await until(() => heard.live.version === version, `v${version} after the renewal`);
  assert.deepEqual(states, ['open', 'reconnecting', 'open']);
  assertEveryVersionOnce(heard, version, 'desk');
  assert.deepEqual(heard.live.context, await get(b, `/v1/customers/${customerId}/context`, staff));
  assert.equal(TENANT.startsWith('sdk-'), true);
});
