// An in-process stand-in for an Omnicontext node, scripted by each test: it accepts WebSockets on
// /v1/stream (or refuses the handshake), hands every connection to the test, and answers REST calls
// with whatever the test says. Frames are awaited with a deadline, never by sleeping.
import http from 'node:http';
import { WebSocketServer } from 'ws';

const DEADLINE_MS = 5000;

/** A queue whose next() waits for the next item, failing with `what` when none comes in time. */
export class Inbox {
  constructor(name) {
    this.name = name;
    this.items = [];
    this.waiters = [];
  }

  push(item) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(what = 'an item', ms = DEADLINE_MS) {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(done), 1);
        reject(new Error(`${this.name}: no ${what} within ${ms} ms`));
      }, ms);
      const done = (item) => { clearTimeout(timer); resolve(item); };
      this.waiters.push(done);
    });
  }

  /** Items that came and were not taken yet. */
  drain() {
    return this.items.splice(0);
  }
}

/** The server side of one WebSocket connection. */
export class FakeConnection {
  constructor(ws, request) {
    this.ws = ws;
    this.url = new URL(request.url, 'http://fake');
    this.token = this.url.searchParams.get('access_token');
    this.frames = new Inbox('frames from the SDK');
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data))));
  }

  /** The next client frame; with `type`, frames of other types on the way (pings) are skipped. */
  async next(type) {
    for (;;) {
      const frame = await this.frames.next(type ? `"${type}" frame` : 'frame');
      if (!type || frame.type === type) return frame;
    }
  }

  send(...frames) {
    for (const f of frames) this.ws.send(JSON.stringify(f));
  }

  close(code, reason = '') {
    this.ws.close(code, reason);
  }

  /** Drops the TCP connection with no close frame, as a dead node or network does. */
  kill() {
    this.ws.terminate();
  }
}

/** Starts a fake node on a free port of 127.0.0.1. */
export async function startFakeServer() {
  const connections = new Inbox('connections');
  const requests = new Inbox('HTTP requests');
  const fake = {
    connections,
    requests,
    /** Set to an HTTP status to refuse the next WebSocket handshakes. */
    refuseHandshake: 0,
    /** (request, body) -> {status, headers, body}: how REST calls are answered. */
    answer: () => ({ status: 404, body: { code: 'not_found', detail: 'fake' } }),
    url: '',
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const parsed = body ? JSON.parse(body) : null;
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: parsed });
      const a = fake.answer(req, parsed);
      res.writeHead(a.status, { 'Content-Type': a.status < 300 ? 'application/json' : 'application/problem+json', ...a.headers });
      res.end(JSON.stringify(a.body));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (fake.refuseHandshake) {
      socket.end(`HTTP/1.1 ${fake.refuseHandshake} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      connections.push({ refused: true, token: new URL(req.url, 'http://fake').searchParams.get('access_token') });
      return;
    }
    if (!req.url.startsWith('/v1/stream')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connections.push(new FakeConnection(ws, req)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  fake.stop = async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => server.close(resolve));
  };
  /** The next WebSocket connection that got through the handshake. */
  fake.nextConnection = async () => {
    for (;;) {
      const c = await connections.next('WebSocket connection');
      if (!c.refused) return c;
    }
  };
  return fake;
}

/** An unsigned JWT-shaped token with these claims (the fake checks nothing; the SDK reads sub and exp). */
export function tokenWith(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64(claims)}.x`;
}
