// "Never twice, never a gap, across any number of reconnects": a fake node that speaks the protocol
// (journal, replay window, snapshot when `after` is too old) while the test drops connections,
// doubles frames and loses frames at random (seeded). The SDK's copy must end equal to the node's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket as WsClient } from 'ws';
import { connect } from '../../../main/resources/META-INF/resources/sdk/omnicontext.js';
import { startFakeServer, Inbox, tokenWith } from './fake-server.mjs';

const Client = globalThis.WebSocket ?? WsClient;
const REPLAY_WINDOW = 8;   // changes the fake can replay; an older `after` gets a snapshot
const DROPS = [10, 25, 40];  // commits after which every connection is killed

/** A small seeded PRNG (mulberry32), so a failing run can be repeated with its seed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The customer's document on the fake node, changed by plain code (not by applying patches). */
class Customer {
  constructor(id) {
    this.id = id;
    this.version = 0;
    this.body = { profile: { count: 0 }, notes: [] };
    this.journal = [];
    this.contexts = [this.context()];   // the context at each version, as GET would answer it
  }

  commit() {
    const v = ++this.version;
    const patch = [{ op: 'replace', path: '/profile/count', value: v }, { op: 'add', path: '/notes/-', value: { noteId: `n-${v}` } }];
    this.body.profile.count = v;
    this.body.notes.push({ noteId: `n-${v}` });
    if (this.body.notes.length > 4) {
      this.body.notes.shift();
      patch.push({ op: 'remove', path: '/notes/0' });
    }
    const frame = { type: 'change', customerId: this.id, version: v, op: 'note.add', data: {}, actor: { channel: 'web' }, at: 'x', patch };
    this.journal.push(frame);
    this.contexts.push(this.context());
    return frame;
  }

  context() {
    return structuredClone({ customerId: this.id, version: this.version, ...this.body });
  }

  /** The changes after `after`, or null when the window no longer reaches after + 1. */
  replay(after) {
    const oldest = this.version - REPLAY_WINDOW + 1;
    if (after + 1 < oldest) return null;
    return this.journal.filter((f) => f.version > after);
  }
}

function serve(fake, customer) {
  const live = new Set();
  live.stopped = false;
  live.fresh = 0;   // subscribes without after
  (async () => {
    while (!live.stopped) {
      let conn;
      try {
        conn = await fake.nextConnection();
      } catch {
        continue;   // no connection within the inbox deadline: wait again
      }
      conn.ws.on('close', () => live.delete(conn));
      conn.ws.on('message', (data) => {
        const f = JSON.parse(String(data));
        if (f.type === 'ping') conn.send({ type: 'pong', id: f.id });
        if (f.type !== 'subscribe') return;
        if (f.after === undefined) live.fresh++;
        const missed = f.after === undefined ? null : customer.replay(f.after);
        conn.send({ type: 'subscribed', id: f.id, customerId: customer.id, version: customer.version });
        if (missed === null) conn.send({ type: 'snapshot', customerId: customer.id, version: customer.version, context: customer.context() });
        else conn.send(...missed);
        live.add(conn);
      });
    }
  })();
  return live;
}

for (const seed of [1, 7, 42]) {
  test(`seed ${seed}: drops, doubled and lost frames; every version once and in order, the copy equals the node's`, { timeout: 120000 }, async (t) => {
    const rnd = random(seed);
    const fake = await startFakeServer();
    const customer = new Customer('julia');
    const live = serve(fake, customer);
    const states = [];
    const updates = new Inbox('updates');
    const oc = connect({ url: fake.url, token: tokenWith({ sub: 'a' }), WebSocket: Client });
    oc.onState((s) => states.push(s));
    t.after(async () => {
      live.stopped = true;
      oc.close();
      await fake.stop();
    });
    const julia = oc.customer('julia', { onUpdate: (context, change) => updates.push({ context, change }) });

    let drops = 0;
    let snapshots = 0;
    const seen = [];
    let last = null;
    const take = async (what) => {
      const u = await updates.next(what, 20000);
      assert.deepEqual(u.context, customer.contexts[u.context.version], `the copy at v${u.context.version} is the node's`);
      if (u.change === null) {
        snapshots++;
        assert.ok(last === null || u.context.version >= last, `a snapshot went back from v${last} to v${u.context.version}`);
      } else {
        assert.equal(u.change.version, last + 1, `after v${last} came v${u.change.version}`);
        seen.push(u.change.version);
      }
      last = u.context.version;
    };
    await take('first snapshot');

    for (let i = 0; i < 60; i++) {
      const frame = customer.commit();
      const calm = i >= 55;   // the last commits go through untouched, so every loss shows as a gap
      for (const conn of live) {
        const r = rnd();
        if (!calm && r < 0.06) continue;                              // lost on the way: a gap
        conn.send(frame);
        if (!calm && r > 0.94) conn.send(frame);                      // delivered twice
      }
      if (DROPS.includes(i)) {                                        // the node or the network goes away
        drops++;
        for (const conn of live) conn.kill();
        live.clear();
        // changes while away: the second drop outlasts the replay window (a snapshot), the others not
        const away = drops === 2 ? REPLAY_WINDOW + 4 : 1 + Math.floor(rnd() * (REPLAY_WINDOW - 2));
        for (let k = 0; k < away; k++) customer.commit();
        while (live.size === 0) await new Promise((resolve) => setTimeout(resolve, 20));   // back, subscribed again
      }
      while (updates.items.length > 0) await take('update');
      await new Promise((resolve) => setTimeout(resolve, 5));   // pace: let the SDK hear most changes live
    }
    while (julia.version !== customer.version || updates.items.length > 0) await take(`update up to v${customer.version}`);

    t.diagnostic(`v${customer.version}: ${seen.length} changes and ${snapshots} snapshots heard, ${drops} drops`);
    assert.deepEqual(julia.context, customer.context());
    assert.equal(new Set(seen).size, seen.length, 'no version twice');
    assert.equal(live.fresh, 1, 'only the first subscribe has no after');
    assert.equal(snapshots, 2, 'the first snapshot and the one after the long drop');
    assert.deepEqual(states, ['open', 'reconnecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open']);
  });
}
