// The SDK's promises (sdk-v1.md) against a scripted fake node: subscribe, snapshot, patches, dedupe,
// gaps, reconnect with resume, 1013, 4401 and getToken, errors, team boards, engage, write, close.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket as WsClient } from 'ws';
import { connect, backoffDelay } from '../../../main/resources/META-INF/resources/sdk/omnicontext.js';
import { startFakeServer, Inbox, tokenWith } from './fake-server.mjs';

// The runtime's own WebSocket when it has one (Node 22+, or 20 with --experimental-websocket), else the ws package's.
const Client = globalThis.WebSocket ?? WsClient;
const TOKEN = tokenWith({ sub: 'agent-ada', tenant: 't1', exp: Math.floor(Date.now() / 1000) + 3600 });
const AT = '2026-12-01T10:00:00Z';

async function setup(t, options = {}) {
  const fake = await startFakeServer();
  const states = new Inbox('states');
  const oc = connect({ url: fake.url, token: TOKEN, WebSocket: Client, ...options });
  oc.onState((s) => states.push(s));
  t.after(async () => {
    oc.close();
    await fake.stop();
  });
  return { fake, oc, states };
}

function watch(oc, customerId = 'julia') {
  const updates = new Inbox(`updates of ${customerId}`);
  const errors = new Inbox(`errors of ${customerId}`);
  const live = oc.customer(customerId, {
    onUpdate: (context, change) => updates.push({ context, change }),
    onError: (e) => errors.push(e),
  });
  return { live, updates, errors };
}

function watchTeam(oc, team = 'store:branch-X') {
  const updates = new Inbox(`updates of ${team}`);
  const errors = new Inbox(`errors of ${team}`);
  const live = oc.team(team, {
    onUpdate: (handoffs, frame) => updates.push({ handoffs, frame }),
    onError: (e) => errors.push(e),
  });
  return { live, updates, errors };
}

const snapshot = (version, body, customerId = 'julia') => ({
  type: 'snapshot', customerId, version, context: { customerId, version, ...body },
});
const change = (version, patch, customerId = 'julia', extra = {}) => ({
  type: 'change', customerId, version, op: 'profile.set', data: {}, actor: { sub: 'agent-ada', channel: 'voice' }, at: AT,
  ...(patch === undefined ? {} : { patch }), ...extra,
});
const setName = (name) => [{ op: 'replace', path: '/profile/name', value: name }];
const BODY = { profile: { name: 'Julia' }, notes: [] };

/** Answers the SDK's subscribe to julia with subscribed + snapshot at `version`. */
async function serveSnapshot(conn, version = 2, body = BODY, customerId = 'julia') {
  const sub = await conn.next('subscribe');
  assert.equal(sub.customerId, customerId);
  conn.send({ type: 'subscribed', id: sub.id, customerId, version }, snapshot(version, body, customerId));
  return sub;
}

async function nextState(states, expected) {
  assert.equal(await states.next(`state ${expected}`), expected);
}

describe('connection', () => {
  test('one socket on ws://.../v1/stream with the token; connecting, then open; onState can be turned off', async (t) => {
    const { fake, oc, states } = await setup(t);
    assert.equal(oc.state, 'connecting');
    const conn = await fake.nextConnection();
    assert.equal(conn.url.pathname, '/v1/stream');
    assert.equal(conn.token, TOKEN);
    await nextState(states, 'open');
    assert.equal(oc.state, 'open');
    const heard = [];
    const off = oc.onState((s) => heard.push(s));
    off();
    conn.kill();
    await nextState(states, 'reconnecting');
    assert.deepEqual(heard, []);
  });

  test('http(s) bases become ws(s) stream URLs; a trailing slash is dropped', async () => {
    const urls = new Inbox('dialed URLs');
    class Capture { constructor(url) { urls.push(url); this.readyState = 0; } close() {} }
    const secure = connect({ url: 'https://oc.example.com/', token: 'a.b.c', WebSocket: Capture });
    const plain = connect({ url: 'http://127.0.0.1:8080', token: 'a b', WebSocket: Capture });
    assert.equal(await urls.next('wss URL'), 'wss://oc.example.com/v1/stream?access_token=a.b.c');
    assert.equal(await urls.next('ws URL'), 'ws://127.0.0.1:8080/v1/stream?access_token=a%20b');
    secure.close();
    plain.close();
  });

  test('a runtime without WebSocket needs one passed in; url and token are checked', () => {
    const saved = globalThis.WebSocket;
    try {
      delete globalThis.WebSocket;
      assert.throws(() => connect({ url: 'http://x', token: 't' }), /WebSocket/);
    } finally {
      if (saved) globalThis.WebSocket = saved;
    }
    assert.throws(() => connect({ url: 'ftp://x', token: 't', WebSocket: WsClient }), TypeError);
    assert.throws(() => connect({ url: 'http://x', WebSocket: WsClient }), TypeError);
  });

  test('the ws package\'s WebSocket passed in works as the constructor', async (t) => {
    const { fake, oc } = await setup(t, { WebSocket: WsClient });
    const w = watch(oc);
    await serveSnapshot(await fake.nextConnection());
    assert.equal((await w.updates.next('snapshot')).context.profile.name, 'Julia');
  });

  test('close(): the socket closes normally, state closed, no reconnect, no more live objects', async (t) => {
    const { fake, oc, states } = await setup(t);
    const conn = await fake.nextConnection();
    await nextState(states, 'open');
    oc.close();
    assert.equal(oc.state, 'closed');
    assert.equal((await conn.closed).code, 1000);
    assert.equal(await states.next('state closed'), 'closed');
    assert.throws(() => oc.customer('julia', {}), /closed/);
    await assert.rejects(oc.write('julia', []), { status: 0, code: 'closed' });
    await assert.rejects(fake.connections.next('reconnect', 1500), /no reconnect within/);
  });

  test('back-off: first retry within 1 s, doubling, never more than 30 s, jittered', () => {
    assert.ok(backoffDelay(0, () => 0) >= 500 && backoffDelay(0, () => 0.9999) < 1000);
    assert.ok(backoffDelay(1, () => 0.9999) < 2000 && backoffDelay(1, () => 0) >= 1000);
    for (const attempt of [5, 6, 20, 1000]) assert.ok(backoffDelay(attempt, () => 0.9999) <= 30000);
    assert.ok(backoffDelay(20, () => 0) >= 15000);
    assert.notEqual(backoffDelay(3, () => 0), backoffDelay(3, () => 0.9));
    for (let a = 0; a < 10; a++) assert.ok(backoffDelay(a + 1, () => 0) >= backoffDelay(a, () => 0));
  });
});

describe('customer', () => {
  test('snapshot once with change null, then each change applied by its patch, in order', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watch(oc);
    assert.equal(w.live.context, null);
    assert.equal(w.live.version, null);
    const conn = await fake.nextConnection();
    const sub = await serveSnapshot(conn, 2);
    assert.equal(sub.after, undefined);
    const first = await w.updates.next('snapshot');
    assert.equal(first.change, null);
    assert.deepEqual(first.context, { customerId: 'julia', version: 2, ...BODY });
    conn.send(change(3, [{ op: 'add', path: '/notes/-', value: { noteId: 'n-1', text: 'hi', visibility: 'customer' } }]));
    const second = await w.updates.next('v3');
    assert.equal(second.change.version, 3);
    assert.equal(second.change.type, undefined, 'the change, not the frame');
    assert.deepEqual(second.context, { customerId: 'julia', version: 3, profile: { name: 'Julia' },
      notes: [{ noteId: 'n-1', text: 'hi', visibility: 'customer' }] });
    assert.equal(w.live.version, 3);
    assert.equal(w.live.context, second.context);
    assert.equal(first.context.notes.length, 0, 'an earlier context is not changed afterwards');
  });

  test('a version already applied is ignored', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watch(oc);
    const conn = await fake.nextConnection();
    await serveSnapshot(conn, 2);
    await w.updates.next('snapshot');
    conn.send(change(2, setName('old')), change(3, setName('Jules')), change(3, setName('dup')), change(1, setName('older')),
      change(4, setName('Julie')));
    assert.equal((await w.updates.next('v3')).context.profile.name, 'Jules');
    const v4 = await w.updates.next('v4');
    assert.equal(v4.change.version, 4);
    assert.equal(v4.context.profile.name, 'Julie');
    assert.deepEqual(w.updates.drain(), []);
  });

  test('a gap resubscribes with after = the last version; nothing is skipped or doubled', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watch(oc);
    const conn = await fake.nextConnection();
    await serveSnapshot(conn, 2);
    await w.updates.next('snapshot');
    conn.send(change(3, setName('a')), change(5, setName('c')));
    assert.equal((await w.updates.next('v3')).change.version, 3);
    const again = await conn.next('subscribe');
    assert.equal(again.customerId, 'julia');
    assert.equal(again.after, 3);
    conn.send({ type: 'subscribed', id: again.id, customerId: 'julia', version: 5 }, change(4, setName('b')), change(5, setName('c')));
    assert.equal((await w.updates.next('v4')).change.version, 4);
    const v5 = await w.updates.next('v5');
    assert.equal(v5.change.version, 5);
    assert.equal(v5.context.profile.name, 'c');
    assert.deepEqual(w.updates.drain(), []);
  });

  test('a dropped socket reconnects and resumes with after; state open -> reconnecting -> open', async (t) => {
    const { fake, oc, states } = await setup(t);
    const w = watch(oc);
    const conn = await fake.nextConnection();
    await nextState(states, 'open');
    await serveSnapshot(conn, 2);
    await w.updates.next('snapshot');
    conn.send(change(3, setName('a')));
    await w.updates.next('v3');
    conn.kill();
    await nextState(states, 'reconnecting');
    const conn2 = await fake.nextConnection();
    await nextState(states, 'open');
    const resume = await conn2.next('subscribe');
    assert.equal(resume.after, 3);
    conn2.send({ type: 'subscribed', id: resume.id, customerId: 'julia', version: 5 }, change(4, setName('b')), change(5, setName('c')));
    assert.equal((await w.updates.next('v4')).change.version, 4);
    assert.equal((await w.updates.next('v5')).context.profile.name, 'c');
  });

  test('1013 (node draining) reconnects and resumes; a snapshot after a resume replaces the context', async (t) => {
    const { fake, oc, states } = await setup(t);
    const w = watch(oc);
    const conn = await fake.nextConnection();
    await serveSnapshot(conn, 2);
    await w.updates.next('snapshot');
    conn.close(1013, 'reconnect and resume with after');
    await nextState(states, 'open');
    await nextState(states, 'reconnecting');
    const conn2 = await fake.nextConnection();
    const resume = await conn2.next('subscribe');
    assert.equal(resume.after, 2);
    conn2.send({ type: 'subscribed', id: resume.id, customerId: 'julia', version: 40 },
      snapshot(40, { profile: { name: 'Julia B.' }, notes: [] }));
    const replaced = await w.updates.next('the new snapshot');
    assert.equal(replaced.change, null);
    assert.equal(replaced.context.version, 40);
    assert.equal(replaced.context.profile.name, 'Julia B.');
    conn2.send(change(41, setName('x')));
    assert.equal((await w.updates.next('v41')).change.version, 41);
  });

  test('a change without patch is reported and ends the subscription (no re-implemented ops)', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watch(oc);
    const conn = await fake.nextConnection();
    await serveSnapshot(conn, 2);
    await w.updates.next('snapshot');
    conn.send(change(3, undefined));
    const e = await w.errors.next('protocol error');
    assert.equal(e.code, 'protocol');
    assert.match(e.message, /no patch/);
    assert.equal((await conn.next('unsubscribe')).customerId, 'julia');
    assert.equal(w.live.version, 2);
  });

  test('a patch that does not apply is reported and a new snapshot is taken', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watch(oc);
    const conn = await fake.nextConnection();
    await serveSnapshot(conn, 2);
    await w.updates.next('snapshot');
    conn.send(change(3, [{ op: 'remove', path: '/offers/o-9' }]));
    assert.equal((await w.errors.next('protocol error')).code, 'protocol');
    const fresh = await conn.next('subscribe');
    assert.equal(fresh.after, undefined, 'a new snapshot, not a resume');
    conn.send({ type: 'subscribed', id: fresh.id, customerId: 'julia', version: 3 }, snapshot(3, { ...BODY, offers: {} }));
    const s = await w.updates.next('the new snapshot');
    assert.equal(s.change, null);
    assert.equal(s.context.version, 3);
  });

  test('forbidden goes to onError with its code and message, and is not retried after a reconnect', async (t) => {
    const { fake, oc } = await setup(t);
    const julia = watch(oc, 'julia');
    const other = watch(oc, 'other');
    const conn = await fake.nextConnection();
    const s1 = await conn.next('subscribe');
    const s2 = await conn.next('subscribe');
    const [juliaSub, otherSub] = s1.customerId === 'julia' ? [s1, s2] : [s2, s1];
    conn.send({ type: 'error', id: otherSub.id, code: 'forbidden', message: 'this token may not read customer other' });
    conn.send({ type: 'subscribed', id: juliaSub.id, customerId: 'julia', version: 2 }, snapshot(2, BODY));
    assert.deepEqual(await other.errors.next('forbidden'), { code: 'forbidden', message: 'this token may not read customer other' });
    await julia.updates.next('snapshot');
    assert.deepEqual(julia.errors.drain(), []);
    conn.kill();
    const conn2 = await fake.nextConnection();
    const resumed = await conn2.next('subscribe');
    assert.equal(resumed.customerId, 'julia');
    conn2.send({ type: 'subscribed', id: resumed.id, customerId: 'julia', version: 2 });
    oc.engage('probe', {}).catch(() => {});   // subscribes go out on open, before any later frame
    const next = await conn2.next();
    assert.equal(next.type, 'engage', `only julia is subscribed again, got ${JSON.stringify(next)}`);
  });

  test('unavailable is reported and the subscription is asked again', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watch(oc);
    const conn = await fake.nextConnection();
    const sub = await conn.next('subscribe');
    conn.send({ type: 'error', id: sub.id, code: 'unavailable', message: 'could not subscribe now; retry' });
    assert.equal((await w.errors.next('unavailable')).code, 'unavailable');
    await serveSnapshot(conn, 0, {});
    const s = await w.updates.next('snapshot');
    assert.equal(s.context.version, 0);
    assert.equal(w.live.version, 0);
  });

  test('erased: reported, context null, not resubscribed', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watch(oc);
    const conn = await fake.nextConnection();
    await serveSnapshot(conn, 2);
    await w.updates.next('snapshot');
    conn.send({ type: 'erased', customerId: 'julia' });
    assert.equal((await w.errors.next('erased')).code, 'erased');
    assert.equal(w.live.context, null);
  });

  test('two live objects of one customer share one subscription; the last close unsubscribes', async (t) => {
    const { fake, oc } = await setup(t);
    const a = watch(oc);
    const conn = await fake.nextConnection();
    await serveSnapshot(conn, 2);
    await a.updates.next('snapshot of a');
    const b = watch(oc);
    const late = await b.updates.next('snapshot of b');
    assert.equal(late.change, null);
    assert.equal(late.context.version, 2);
    conn.send(change(3, setName('x')));
    assert.equal((await a.updates.next('v3 for a')).change.version, 3);
    assert.equal((await b.updates.next('v3 for b')).change.version, 3);
    a.live.close();
    conn.send(change(4, setName('y')));
    assert.equal((await b.updates.next('v4 for b')).change.version, 4);
    assert.deepEqual(a.updates.drain(), []);
    b.live.close();
    const un = await conn.next('unsubscribe');
    assert.equal(un.customerId, 'julia');
    const reopened = watch(oc);
    const sub = await conn.next('subscribe');
    assert.equal(sub.after, undefined, 'a new live object after the last close starts from a snapshot');
    assert.equal(reopened.live.context, null);
  });
});

describe('tokens', () => {
  test('4401 calls getToken for a fresh token and resumes', async (t) => {
    let n = 0;
    const issued = [];
    const getToken = async () => {
      const tok = tokenWith({ sub: 'agent-ada', n: ++n, exp: Math.floor(Date.now() / 1000) + 3600 });
      issued.push(tok);
      return tok;
    };
    const { fake, oc, states } = await setup(t, { token: undefined, getToken });
    const w = watch(oc);
    const conn = await fake.nextConnection();
    assert.equal(conn.token, issued[0]);
    await serveSnapshot(conn, 2);
    await w.updates.next('snapshot');
    conn.close(4401, 'token missing, invalid or expired');
    const conn2 = await fake.nextConnection();
    assert.equal(issued.length, 2);
    assert.equal(conn2.token, issued[1]);
    assert.equal((await conn2.next('subscribe')).after, 2);
    assert.deepEqual([await states.next(), await states.next(), await states.next()], ['open', 'reconnecting', 'open']);
  });

  test('a refused handshake with getToken: the next attempt has a fresh token', async (t) => {
    let n = 0;
    const getToken = () => tokenWith({ sub: 'agent-ada', n: ++n, exp: Math.floor(Date.now() / 1000) + 3600 });
    const fake = await startFakeServer();
    fake.refuseHandshake = 401;
    const oc = connect({ url: fake.url, getToken, WebSocket: Client });
    t.after(async () => { oc.close(); await fake.stop(); });
    const refused = await fake.connections.next('refused handshake');
    assert.ok(refused.refused);
    fake.refuseHandshake = 0;
    const conn = await fake.nextConnection();
    assert.notEqual(conn.token, refused.token);
    assert.equal(oc.state === 'open' || oc.state === 'connecting', true);
  });

  test('a token about to expire is renewed with getToken before it is used', async (t) => {
    const expiring = tokenWith({ sub: 'agent-ada', exp: Math.floor(Date.now() / 1000) + 5 });
    const fresh = tokenWith({ sub: 'agent-ada', exp: Math.floor(Date.now() / 1000) + 3600 });
    const { fake } = await setup(t, { token: expiring, getToken: () => fresh });
    assert.equal((await fake.nextConnection()).token, fresh);
  });

  test('4401 with a fixed token: onError unauthorized and closed, no retry', async (t) => {
    const { fake, oc, states } = await setup(t);
    const w = watch(oc);
    const conn = await fake.nextConnection();
    await serveSnapshot(conn, 2);
    await w.updates.next('snapshot');
    conn.close(4401, 'token expired');
    assert.equal((await w.errors.next('unauthorized')).code, 'unauthorized');
    await nextState(states, 'open');
    await nextState(states, 'closed');
    await assert.rejects(fake.connections.next('reconnect', 1500), /no reconnect within/);
  });
});

describe('heartbeat', () => {
  test('a link that answers nothing, not even a ping, is dropped and dialed again', async (t) => {
    const { fake, states } = await setup(t, { pingIntervalMs: 100, pingTimeoutMs: 100 });
    const conn = await fake.nextConnection();
    await nextState(states, 'open');
    assert.equal((await conn.next('ping')).type, 'ping');
    await nextState(states, 'reconnecting');
    assert.ok(await fake.nextConnection());
  });

  test('a pong keeps the link', async (t) => {
    const { fake, oc } = await setup(t, { pingIntervalMs: 100, pingTimeoutMs: 400 });
    const conn = await fake.nextConnection();
    for (let i = 0; i < 3; i++) {
      const ping = await conn.next('ping');
      conn.send({ type: 'pong', id: ping.id });
    }
    assert.equal(oc.state, 'open');
  });
});

describe('team', () => {
  const item = (handoffId, status, customerId = 'julia') => ({
    customerId, handoffId, kind: 'reservation', ref: 'r-sofa', status, dueBy: AT, summary: 'Green sofa',
  });
  const frame = (seq, it) => ({
    type: 'handoff', team: 'store:branch-X', seq, customerId: it.customerId,
    change: { customerId: it.customerId, version: seq + 10, op: 'handoff.accept', data: { handoffId: it.handoffId } }, item: it,
  });

  test('the board from the snapshot, kept by each frame\'s item; resumes with after = seq', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watchTeam(oc);
    assert.deepEqual(w.live.handoffs, []);
    const conn = await fake.nextConnection();
    const sub = await conn.next('subscribe');
    assert.equal(sub.team, 'store:branch-X');
    conn.send({ type: 'subscribed', id: sub.id, team: 'store:branch-X', seq: 4 },
      { type: 'snapshot', team: 'store:branch-X', seq: 4, handoffs: [item('h-1', 'open'), item('h-2', 'overdue')] });
    const first = await w.updates.next('snapshot');
    assert.equal(first.frame, null);
    assert.deepEqual(first.handoffs.map((h) => h.handoffId), ['h-1', 'h-2']);
    conn.send(frame(5, item('h-3', 'open', 'marco')), frame(5, item('h-3', 'open', 'marco')), frame(6, item('h-1', 'accepted')));
    const added = await w.updates.next('seq 5');
    assert.deepEqual(added.handoffs.map((h) => h.handoffId), ['h-1', 'h-2', 'h-3']);
    assert.equal(added.frame.seq, 5);
    const left = await w.updates.next('seq 6');
    assert.deepEqual(left.handoffs.map((h) => h.handoffId), ['h-2', 'h-3']);
    assert.equal(w.live.seq, 6);
    conn.send(frame(7, item('h-2', 'open')));
    const updated = await w.updates.next('seq 7');
    assert.deepEqual(updated.handoffs.map((h) => [h.handoffId, h.status]), [['h-2', 'open'], ['h-3', 'open']]);
    conn.kill();
    const conn2 = await fake.nextConnection();
    const resume = await conn2.next('subscribe');
    assert.equal(resume.team, 'store:branch-X');
    assert.equal(resume.after, 7);
  });

  test('a seq gap resubscribes with after; a frame without item ends the subscription', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watchTeam(oc);
    const conn = await fake.nextConnection();
    const sub = await conn.next('subscribe');
    conn.send({ type: 'subscribed', id: sub.id, team: 'store:branch-X', seq: 1 }, { type: 'snapshot', team: 'store:branch-X', seq: 1, handoffs: [] });
    await w.updates.next('snapshot');
    conn.send(frame(3, item('h-1', 'open')));
    const again = await conn.next('subscribe');
    assert.equal(again.after, 1);
    conn.send({ type: 'subscribed', id: again.id, team: 'store:branch-X', seq: 3 }, frame(2, item('h-1', 'open')), frame(3, { ...item('h-1', 'open'), summary: 'x' }));
    assert.equal((await w.updates.next('seq 2')).frame.seq, 2);
    assert.equal((await w.updates.next('seq 3')).handoffs[0].summary, 'x');
    const bare = frame(4, item('h-1', 'open'));
    delete bare.item;
    conn.send(bare);
    assert.equal((await w.errors.next('protocol')).code, 'protocol');
    assert.equal((await conn.next('unsubscribe')).team, 'store:branch-X');
  });
});

describe('engage', () => {
  const started = (version, customerId = 'julia', sub = 'agent-ada') => change(version, [{ op: 'add', path: '/engagements/e-1', value: { engagementId: 'e-1' } }],
    customerId, { op: 'engagement.start', data: { engagementId: 'e-1', channel: 'voice', activity: 'on-call' }, actor: { sub, channel: 'voice' } });

  test('not subscribed: the engage frame, resolved with the change the server answers', async (t) => {
    const { fake, oc } = await setup(t);
    const conn = await fake.nextConnection();
    const answer = oc.engage('julia', { channel: 'voice', activity: 'on-call' });
    const engage = await conn.next('engage');
    assert.deepEqual({ ...engage, id: undefined }, { type: 'engage', id: undefined, customerId: 'julia', channel: 'voice', activity: 'on-call' });
    conn.send(started(7));
    const c = await answer;
    assert.equal(c.op, 'engagement.start');
    assert.equal(c.version, 7);
    assert.equal(c.type, undefined);
  });

  test('subscribed: waits for subscribed, then resolves from the change frame, which onUpdate hears once', async (t) => {
    const { fake, oc } = await setup(t);
    const w = watch(oc);
    const answer = oc.engage('julia', { channel: 'voice', activity: 'on-call' });
    const conn = await fake.nextConnection();
    const sub = await conn.next('subscribe');
    conn.send({ type: 'subscribed', id: sub.id, customerId: 'julia', version: 2 }, snapshot(2, { ...BODY, engagements: {} }));
    const engage = await conn.next('engage');
    assert.equal(engage.customerId, 'julia');
    await w.updates.next('snapshot');
    conn.send(started(3, 'julia', 'agent-bob'), started(4));   // another agent's engagement first: not ours
    assert.equal((await answer).version, 4);
    assert.equal((await w.updates.next('v3')).change.actor.sub, 'agent-bob');
    const v4 = await w.updates.next('v4');
    assert.deepEqual(v4.context.engagements, { 'e-1': { engagementId: 'e-1' } });
    assert.deepEqual(w.updates.drain(), []);
  });

  test('an error frame with its id rejects with {status, code, detail}', async (t) => {
    const { fake, oc } = await setup(t);
    const conn = await fake.nextConnection();
    const answer = oc.engage('other', { channel: 'voice' });
    const engage = await conn.next('engage');
    conn.send({ type: 'error', id: engage.id, code: 'forbidden', message: 'this token may not read customer other' });
    await assert.rejects(answer, { status: 404, code: 'forbidden', detail: 'this token may not read customer other' });
  });

  test('the socket dropping before the answer rejects; close() rejects what waits', async (t) => {
    const { fake, oc } = await setup(t);
    const conn = await fake.nextConnection();
    const answer = oc.engage('julia', {});
    await conn.next('engage');
    conn.kill();
    await assert.rejects(answer, { status: 0, code: 'disconnected' });
    const waiting = oc.engage('julia', {});
    oc.close();
    await assert.rejects(waiting, { status: 0, code: 'closed' });
  });
});

/** What fetch resolves: enough of a Response for write (ok, status, json, headers). */
const fakeResponse = (status, body) => Promise.resolve({ ok: status >= 200 && status < 300, status, statusText: '',
  json: async () => body, headers: { get: () => null } });

describe('write', () => {
  test('POST with Bearer, Idempotency-Key and expectedVersion; resolves the answer', async (t) => {
    const { fake, oc } = await setup(t);
    const answer = { customerId: 'julia', version: 8, changes: [{ customerId: 'julia', version: 8, op: 'offer.redeem', patch: [] }] };
    fake.answer = () => ({ status: 200, body: answer });
    const ops = [{ op: 'offer.redeem', offerId: 'o-1', channel: 'store' }];
    assert.deepEqual(await oc.write('julia', ops, { idempotencyKey: 'k-1', expectedVersion: 7 }), answer);
    const req = await fake.requests.next('POST');
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v1/customers/julia/changes');
    assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(req.headers['idempotency-key'], 'k-1');
    assert.deepEqual(req.body, { ops, expectedVersion: 7 });
  });

  test('a problem rejects with {status, code, detail} and keeps its other members', async (t) => {
    const { fake, oc } = await setup(t);
    fake.answer = () => ({ status: 409, body: { type: 'about:blank', title: 'Conflict', status: 409, code: 'offer_already_redeemed',
      detail: 'offer o-1 was redeemed', redeemedAt: AT, redeemedChannel: 'web' } });
    await assert.rejects(oc.write('julia', [{ op: 'offer.redeem', offerId: 'o-1', channel: 'store' }]),
      { status: 409, code: 'offer_already_redeemed', detail: 'offer o-1 was redeemed', redeemedAt: AT, redeemedChannel: 'web' });
    const req = await fake.requests.next('POST');
    assert.equal(req.headers['idempotency-key'], undefined);
    assert.deepEqual(req.body, { ops: [{ op: 'offer.redeem', offerId: 'o-1', channel: 'store' }] });
    fake.answer = () => ({ status: 429, headers: { 'Retry-After': '3' }, body: { status: 429, code: 'rate_limited', detail: 'slow down' } });
    await assert.rejects(oc.write('julia', []), { status: 429, code: 'rate_limited', retryAfter: 3 });
  });

  test('401 with getToken: once more with a fresh token', async (t) => {
    const issued = [];
    const getToken = () => {
      issued.push(tokenWith({ sub: 'agent-ada', n: issued.length + 1, exp: Math.floor(Date.now() / 1000) + 3600 }));
      return issued[issued.length - 1];
    };
    const { fake, oc } = await setup(t, { token: undefined, getToken });
    fake.answer = (req) => (req.headers.authorization === `Bearer ${issued[0]}`
      ? { status: 401, body: { status: 401, code: 'unauthorized', detail: 'expired' } }
      : { status: 200, body: { customerId: 'julia', version: 1, changes: [] } });
    assert.equal((await oc.write('julia', [])).version, 1);
    assert.equal((await fake.requests.next('first POST')).headers.authorization, `Bearer ${issued[0]}`);
    assert.equal((await fake.requests.next('second POST')).headers.authorization, `Bearer ${issued[1]}`);
  });

  test('an unreachable node rejects with status 0 and code network, after one try without a key', async (t) => {
    let calls = 0;
    const { oc } = await setup(t, { fetch: () => { calls++; return Promise.reject(new TypeError('fetch failed')); } });
    await assert.rejects(oc.write('julia', []), { status: 0, code: 'network', detail: 'fetch failed' });
    assert.equal(calls, 1, 'no key, no retry: a second POST could commit twice');
  });

  // Guards the double write: a retry after a lost answer must carry the same Idempotency-Key and body.
  test('with a key, a lost answer and a 503 are each sent once more with the same key and body', async (t) => {
    const sent = [];
    const answers = [() => Promise.reject(new TypeError('fetch failed')), () => fakeResponse(503, { status: 503, code: 'unavailable' }),
      () => fakeResponse(200, { customerId: 'julia', version: 3, changes: [] })];
    const { oc } = await setup(t, { fetch: (url, init) => { sent.push(init); return answers[sent.length - 1](); } });
    const ops = [{ op: 'note.add', noteId: 'n-1', text: 'once', visibility: 'internal' }];
    await assert.rejects(oc.write('julia', ops, { idempotencyKey: 'k-7' }), { status: 503, code: 'unavailable' });
    assert.equal(sent.length, 2, 'one retry, not more');
    assert.equal((await oc.write('julia', ops, { idempotencyKey: 'k-7' })).version, 3);
    assert.deepEqual(sent.map((r) => r.headers['Idempotency-Key']), ['k-7', 'k-7', 'k-7']);
    assert.deepEqual(new Set(sent.map((r) => r.body)).size, 1, 'the same body every time');
  });
});
