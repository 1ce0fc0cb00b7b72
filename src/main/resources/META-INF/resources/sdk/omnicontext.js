// Omnicontext SDK v1 (contract: sdk-v1.md, api-v1.md "Additions (v1.1)").
// One dependency-free ES module, no DOM: runs in browsers, Node.js 20+ and React Native.
// Live objects hold what GET answers: customer contexts kept by each change's RFC 6902 `patch`,
// team boards by each hand-off frame's `item`. One WebSocket per connect(), which reconnects by
// itself and resumes every subscription with `after`.

const FIRST_RETRY_MS = 1000;        // first reconnect within 1 s ...
const MAX_RETRY_MS = 30000;         // ... and never more than 30 s apart
const STABLE_OPEN_MS = 2000;        // a socket open this long resets the back-off
const TOKEN_MARGIN_S = 30;          // a token expiring within 30 s is renewed before use (getToken)
const ENGAGE_TIMEOUT_MS = 15000;
const WRITE_RETRY_MS = 500;         // a write that may have committed (network error, 503) is sent again after this
const PING_INTERVAL_MS = 25000;     // idle this long: ping ...
const PING_TIMEOUT_MS = 10000;      // ... and no frame this long after it: the link is dead, reconnect
const AUTH_CLOSE = 4401;
const WAITING = new Set(['open', 'overdue']);
const RETRIED_ERRORS = new Set(['unavailable', 'rate_limited']);   // any other error code ends the subscription
const STATUS_OF_CODE = {             // an error frame's code as the HTTP status REST answers for it
  bad_request: 400, unauthorized: 401, forbidden: 404, not_found: 404, too_large: 413,
  rate_limited: 429, unavailable: 503,
};

// ---------------------------------------------------------------- JSON Pointer and JSON Patch

/** Raised by applyPatch; `index` is the failing operation's position in the patch. */
export class PatchError extends Error {
  constructor(message, index) {
    super(index === undefined ? message : `patch operation ${index}: ${message}`);
    this.name = 'PatchError';
    this.index = index;
  }
}

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** RFC 6901: "" is the whole document; "/a~1b/~0c" is ["a/b", "~c"]. */
export function parsePointer(pointer) {
  if (typeof pointer !== 'string') throw new PatchError('a JSON Pointer must be a string');
  if (pointer === '') return [];
  if (pointer[0] !== '/') throw new PatchError(`JSON Pointer "${pointer}" must start with "/"`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(array, token, allowEnd) {
  if (allowEnd && token === '-') return array.length;
  if (!ARRAY_INDEX.test(token)) throw new PatchError(`"${token}" is not an array index`);
  const i = Number(token);
  if (i > array.length || (!allowEnd && i === array.length)) throw new PatchError(`array index ${i} is out of range`);
  return i;
}

function child(node, token) {
  if (Array.isArray(node)) return node[arrayIndex(node, token, false)];
  if (isObject(node) && hasOwn(node, token)) return node[token];
  throw new PatchError(`no member "${token}"`);
}

function valueAt(doc, tokens) {
  let node = doc;
  for (const token of tokens) node = child(node, token);
  return node;
}

function withMember(object, key, value) {
  const copy = { ...object };
  // defineProperty: a member named "__proto__" stays a member, never the prototype
  Object.defineProperty(copy, key, { value, writable: true, enumerable: true, configurable: true });
  return copy;
}

/** A copy of doc with the node at tokens replaced by edit(parent, lastToken); doc itself is never changed. */
function edit(doc, tokens, change) {
  if (tokens.length === 1) return change(doc, tokens[0]);
  const [head, ...rest] = tokens;
  const next = edit(child(doc, head), rest, change);
  if (Array.isArray(doc)) {
    const copy = doc.slice();
    copy[arrayIndex(doc, head, false)] = next;
    return copy;
  }
  return withMember(doc, head, next);
}

function containerOf(parent) {
  if (Array.isArray(parent) || isObject(parent)) return parent;
  throw new PatchError('the parent of the target is not an object or an array');
}

function add(doc, tokens, value) {
  if (tokens.length === 0) return value;
  return edit(doc, tokens, (parent, token) => {
    containerOf(parent);
    if (!Array.isArray(parent)) return withMember(parent, token, value);
    const copy = parent.slice();
    copy.splice(arrayIndex(parent, token, true), 0, value);
    return copy;
  });
}

function remove(doc, tokens) {
  if (tokens.length === 0) throw new PatchError('the whole document cannot be removed');
  return edit(doc, tokens, (parent, token) => {
    containerOf(parent);
    if (Array.isArray(parent)) {
      const copy = parent.slice();
      copy.splice(arrayIndex(parent, token, false), 1);
      return copy;
    }
    if (!hasOwn(parent, token)) throw new PatchError(`no member "${token}" to remove`);
    const copy = { ...parent };
    delete copy[token];
    return copy;
  });
}

function replace(doc, tokens, value) {
  if (tokens.length === 0) return value;
  return edit(doc, tokens, (parent, token) => {
    containerOf(parent);
    if (Array.isArray(parent)) {
      const copy = parent.slice();
      copy[arrayIndex(parent, token, false)] = value;
      return copy;
    }
    if (!hasOwn(parent, token)) throw new PatchError(`no member "${token}" to replace`);
    return withMember(parent, token, value);
  });
}

/** JSON equality: objects by members in any order, arrays by position, numbers by value. */
export function jsonEqual(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function isPrefix(prefix, tokens) {
  return prefix.length < tokens.length && prefix.every((t, i) => t === tokens[i]);
}

function required(operation, member) {
  if (!hasOwn(operation, member)) throw new PatchError(`"${operation.op}" needs "${member}"`);
  return operation[member];
}

function applyOperation(doc, operation) {
  if (!isObject(operation)) throw new PatchError('an operation must be an object');
  const path = parsePointer(required(operation, 'path'));
  switch (operation.op) {
    case 'add': return add(doc, path, required(operation, 'value'));
    case 'remove': return remove(doc, path);
    case 'replace': return replace(doc, path, required(operation, 'value'));
    case 'move': {
      const from = parsePointer(required(operation, 'from'));
      if (isPrefix(from, path)) throw new PatchError('a value cannot be moved into one of its children');
      if (from.length === path.length && from.every((t, i) => t === path[i])) return doc;  // same location
      const value = valueAt(doc, from);
      return add(remove(doc, from), path, value);
    }
    case 'copy': return add(doc, path, valueAt(doc, parsePointer(required(operation, 'from'))));
    case 'test': {
      const expected = required(operation, 'value');
      if (!jsonEqual(valueAt(doc, path), expected)) throw new PatchError(`test failed at "${operation.path}"`);
      return doc;
    }
    default: throw new PatchError(`unknown op "${operation.op}"`);
  }
}

/**
 * RFC 6902: the document that `patch` makes of `doc`. All or nothing: `doc` is never modified
 * (untouched parts are shared with the result), and a failing operation throws a PatchError.
 */
export function applyPatch(doc, patch) {
  if (!Array.isArray(patch)) throw new PatchError('a JSON Patch must be an array');
  let result = doc;
  patch.forEach((operation, index) => {
    try {
      result = applyOperation(result, operation);
    } catch (e) {
      throw e instanceof PatchError && e.index === undefined ? new PatchError(e.message, index) : e;
    }
  });
  return result;
}

// ---------------------------------------------------------------- back-off, tokens, small helpers

/** Milliseconds before reconnect attempt `attempt` (0 = first): jittered, doubling, within 1 s first, at most 30 s. */
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt, 16));
  return Math.floor(ceiling * (0.5 + random() / 2));   // half fixed, half random: no thundering herd
}

function base64UrlText(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let bits = 0, value = 0, escaped = '';
  for (const ch of s) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error('not base64url');
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      escaped += '%' + ((value >> bits) & 0xff).toString(16).padStart(2, '0');
    }
  }
  return decodeURIComponent(escaped);   // UTF-8 bytes to text, with no TextDecoder or atob needed
}

/** The JWT's claims, or null when it is not a readable JWT (the server decides; this is only a hint). */
function claimsOf(token) {
  try {
    const claims = JSON.parse(base64UrlText(token.split('.')[1]));
    return isObject(claims) ? claims : null;
  } catch {
    return null;
  }
}

function tokenSource(options) {
  let token = typeof options.token === 'string' ? options.token : null;
  let pending = null;
  const getToken = typeof options.getToken === 'function' ? options.getToken : null;
  const expiring = (t) => {
    const exp = claimsOf(t)?.exp;
    return typeof exp === 'number' && exp - TOKEN_MARGIN_S <= Date.now() / 1000;
  };
  const fresh = () => {
    if (!getToken) return token === null ? Promise.reject(new Error('no token')) : Promise.resolve(token);
    if (!pending) {
      pending = Promise.resolve()
        .then(() => getToken())
        .then((t) => {
          if (typeof t !== 'string' || t === '') throw new Error('getToken must resolve to a token string');
          token = t;
          return t;
        })
        .finally(() => { pending = null; });
    }
    return pending;
  };
  return {
    fresh,
    /** The cached token, renewed first when there is none or it is about to expire. */
    current: () => (token === null || (getToken && expiring(token)) ? fresh() : Promise.resolve(token)),
    canRenew: () => getToken !== null,
    subject: () => (token === null ? undefined : claimsOf(token)?.sub),
  };
}

function bases(url) {
  if (typeof url !== 'string' || !/^(https?|wss?):\/\/[^/]/i.test(url)) {
    throw new TypeError('connect: url must be the node\'s http(s) base, e.g. http://127.0.0.1:8080');
  }
  const trimmed = url.replace(/\/+$/, '');
  return {
    http: trimmed.replace(/^ws/i, 'http'),
    stream: trimmed.replace(/^http/i, 'ws') + '/v1/stream',
  };
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const later = typeof queueMicrotask === 'function' ? queueMicrotask : (fn) => Promise.resolve().then(fn);

/** A listener's exception must not break the SDK's bookkeeping: report it and go on. */
function safely(fn, ...args) {
  try {
    fn(...args);
  } catch (e) {
    if (typeof globalThis.reportError === 'function') globalThis.reportError(e);
    else if (typeof console !== 'undefined') console.error('omnicontext: a listener threw', e);
  }
}

function withoutType(frame) {
  const { type, ...rest } = frame;
  return rest;
}

function contextOf(customerId, version, body) {
  return { customerId, version, ...body };
}

function bodyOf(context) {
  const { customerId, version, ...body } = isObject(context) ? context : {};
  return body;
}

function rejection(status, code, detail, extra) {
  return { ...extra, status, code, detail };
}

// ---------------------------------------------------------------- connect

/** One connection to a node: one WebSocket, shared by every live object made from it. */
export function connect(options) {
  if (!isObject(options)) throw new TypeError('connect({url, token | getToken, WebSocket?})');
  if (typeof options.token !== 'string' && typeof options.getToken !== 'function') {
    throw new TypeError('connect: give token (a string) or getToken (a function)');
  }
  const Socket = options.WebSocket || globalThis.WebSocket;
  if (typeof Socket !== 'function') {
    throw new TypeError('connect: this runtime has no global WebSocket; pass its constructor as options.WebSocket');
  }
  const fetchFn = options.fetch || (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : null);
  const urls = bases(options.url);
  const tokens = tokenSource(options);
  const pingIntervalMs = options.pingIntervalMs > 0 ? options.pingIntervalMs : PING_INTERVAL_MS;
  const pingTimeoutMs = options.pingTimeoutMs > 0 ? options.pingTimeoutMs : PING_TIMEOUT_MS;

  let state = 'connecting';
  let everOpened = false;
  let closed = false;
  let socket = null;
  let openedAt = 0;
  let attempt = 0;
  let retryTimer = null;
  let renewToken = false;
  let heard = 0;                     // frames received on this socket, for the heartbeat
  let heartbeatTimer = null;
  let requestSeq = 0;
  const stateListeners = new Set();
  const topics = new Map();          // 'c:<customerId>' | 't:<team>' -> topic
  const requests = new Map();        // request id -> {topic} | {engagement}
  const engagements = [];            // engage() calls not yet answered

  const nextId = () => `r${++requestSeq}`;
  const isOpen = () => socket !== null && socket.readyState === 1 && state === 'open';

  function setState(next) {
    if (state === next) return;
    state = next;
    for (const listener of [...stateListeners]) safely(listener, next);
  }

  function send(frame) {
    if (!isOpen()) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;   // the close event follows and everything is sent again after the reconnect
    }
  }

  // ---------------------------------------------------------------- socket life cycle

  function dial() {
    retryTimer = null;
    if (closed) return;
    const token = renewToken ? tokens.fresh() : tokens.current();
    token.then((t) => {
      renewToken = false;
      if (!closed) open(t);
    }, () => { if (!closed) retry(); });   // getToken failed: try again later, still for a fresh one
  }

  function open(token) {
    let ws;
    try {
      ws = new Socket(`${urls.stream}?access_token=${encodeURIComponent(token)}`);
    } catch {
      retry();
      return;
    }
    socket = ws;
    openedAt = 0;
    heard = 0;
    ws.onopen = () => { if (socket === ws) opened(ws); };
    ws.onmessage = (event) => { if (socket === ws) received(event.data); };
    ws.onclose = (event) => { if (socket === ws) dropped(event && event.code); };
    ws.onerror = () => { if (socket === ws) abandon(ws, 1006); };   // some runtimes send no close after an error
  }

  function opened(ws) {
    everOpened = true;
    openedAt = Date.now();
    setState('open');
    if (closed || socket !== ws) return;   // a state listener closed the connection
    armHeartbeat();
    for (const topic of topics.values()) subscribe(topic);
    sendEngagements();
  }

  /** Stop listening to ws and go on as if it had closed with `code`. */
  function abandon(ws, code) {
    detach(ws);
    try { ws.close(); } catch { /* already closing */ }
    dropped(code);
  }

  function detach(ws) {
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.onerror = () => {};   // some WebSocket libraries throw on an error nobody listens to
  }

  function dropped(code) {
    const wasOpen = openedAt > 0;
    const stable = wasOpen && Date.now() - openedAt >= STABLE_OPEN_MS;
    socket = null;
    openedAt = 0;
    clearTimeout(heartbeatTimer);
    for (const topic of topics.values()) topic.pending = null;
    failSentEngagements();
    requests.clear();
    if (closed) return;
    if (stable) attempt = 0;
    if (code === AUTH_CLOSE && !tokens.canRenew()) {
      // a fixed token the server refused will not get better by retrying
      const message = 'the server closed the connection (4401): the token is missing, invalid or expired; give getToken to renew it';
      for (const topic of [...topics.values()]) topic.fail('unauthorized', message);
      shutDown(rejection(401, 'unauthorized', message));
      return;
    }
    // 4401: a new token; a socket that never opened may have been refused for its token too
    renewToken = code === AUTH_CLOSE || (!wasOpen && tokens.canRenew());
    setState(everOpened ? 'reconnecting' : 'connecting');
    retry();
  }

  function retry() {
    if (closed || retryTimer !== null) return;
    retryTimer = setTimeout(dial, backoffDelay(attempt++));
  }

  function armHeartbeat() {
    clearTimeout(heartbeatTimer);
    let seen = heard;
    const idleCheck = () => {
      if (heard !== seen) {                                    // frames came: wait again
        seen = heard;
        heartbeatTimer = setTimeout(idleCheck, pingIntervalMs);
        return;
      }
      send({ type: 'ping', id: nextId() });
      heartbeatTimer = setTimeout(() => {
        if (heard === seen && socket) abandon(socket, 1006);  // not even a pong: the link is gone
        else idleCheck();
      }, pingTimeoutMs);
    };
    heartbeatTimer = setTimeout(idleCheck, pingIntervalMs);
  }

  /** The end of this connection: no more frames, callbacks or retries; unanswered engage calls fail with `reason`. */
  function shutDown(reason) {
    closed = true;
    clearTimeout(retryTimer);
    clearTimeout(heartbeatTimer);
    retryTimer = null;
    for (const topic of topics.values()) topic.clearRetry();
    topics.clear();
    requests.clear();
    for (const e of [...engagements]) settle(e, null, reason);
    const ws = socket;
    socket = null;
    if (ws) {
      detach(ws);
      try { ws.close(1000, 'closed by the client'); } catch { /* already closed */ }
    }
    setState('closed');
  }

  // ---------------------------------------------------------------- frames in

  function received(data) {
    heard++;
    let frame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;   // not JSON: nothing of the contract
    }
    if (!isObject(frame)) return;
    switch (frame.type) {
      case 'subscribed': {
        const topic = requests.get(frame.id)?.topic;
        requests.delete(frame.id);
        if (topic && topic.pending === frame.id) topic.subscribed();
        sendEngagements();
        break;
      }
      case 'snapshot': topicOf(frame)?.snapshot(frame); break;
      case 'change':
        answerEngagement(frame);
        topics.get(`c:${frame.customerId}`)?.change(frame);
        break;
      case 'handoff': topics.get(`t:${frame.team}`)?.handoff(frame); break;
      case 'erased': topics.get(`c:${frame.customerId}`)?.erased(); break;
      case 'error': refused(frame); break;
      case 'unsubscribed': requests.delete(frame.id); break;
      default: break;   // pong and frames of later versions: heard, nothing to do
    }
  }

  function topicOf(frame) {
    if (typeof frame.team === 'string') return topics.get(`t:${frame.team}`);
    return topics.get(`c:${frame.customerId}`);
  }

  function refused(frame) {
    const request = requests.get(frame.id);
    if (!request) return;
    requests.delete(frame.id);
    const code = typeof frame.code === 'string' ? frame.code : 'error';
    const message = typeof frame.message === 'string' ? frame.message : code;
    if (request.topic && request.topic.pending === frame.id) request.topic.refused(code, message);
    if (request.engagement) settle(request.engagement, null, rejection(STATUS_OF_CODE[code] || 400, code, message));
  }

  // ---------------------------------------------------------------- subscriptions

  function subscribe(topic) {
    topic.clearRetry();
    if (!isOpen() || topics.get(topic.key) !== topic) return;
    const id = nextId();
    topic.pending = id;
    requests.set(id, { topic });
    send({ type: 'subscribe', id, ...topic.address(), ...topic.resumeFrom() });
  }

  function unsubscribe(topic) {
    topic.clearRetry();
    if (topics.get(topic.key) !== topic) return;
    topics.delete(topic.key);
    send({ type: 'unsubscribe', id: nextId(), ...topic.address() });
  }

  /** What customer and team subscriptions share: handles, ordering by position, gaps, errors, retries. */
  function makeTopic(key, address) {
    const topic = {
      key,
      handles: new Set(),
      position: null,         // last version (customer) or seq (team) applied; null before the snapshot
      pending: null,          // id of the subscribe request not yet answered
      snapshotDue: false,     // a snapshot may follow the last `subscribed`
      wantSnapshot: false,    // our copy is broken: subscribe without `after`
      refusals: 0,
      retryTimer: null,
      ended: false,
      address: () => address,
      resumeFrom: () => (topic.position === null || topic.wantSnapshot ? {} : { after: topic.position }),
      subscribed() {
        topic.pending = null;
        topic.snapshotDue = true;
        topic.refusals = 0;
      },
      clearRetry() {
        clearTimeout(topic.retryTimer);
        topic.retryTimer = null;
      },
      /** True when a frame at `position` is the next one to apply; resubscribes on a gap. */
      next(position) {
        topic.snapshotDue = false;
        if (topic.position === null || typeof position !== 'number' || position <= topic.position) return false;
        if (position > topic.position + 1) {
          if (topic.pending === null) subscribe(topic);   // the server lost something: resume from what we have
          return false;
        }
        return true;
      },
      acceptsSnapshot() {
        const due = topic.snapshotDue;
        topic.snapshotDue = false;
        return due;
      },
      refused(code, message) {
        topic.pending = null;
        topic.notifyError(code, message);
        if (RETRIED_ERRORS.has(code)) {
          topic.retryTimer = setTimeout(() => subscribe(topic), backoffDelay(topic.refusals++));
        } else {
          topic.end();   // forbidden, not_found, bad_request ...: asking again will not help
        }
      },
      fail(code, message) {
        topic.notifyError(code, message);
        topic.end();
      },
      /** Stops this subscription for good (the handles keep their last state). */
      end() {
        topic.ended = true;
        if (topics.get(key) === topic) unsubscribe(topic);
      },
      notifyError(code, message) {
        for (const h of [...topic.handles]) if (h.onError) safely(h.onError, { code, message });
      },
      notifyUpdate(...args) {
        for (const h of [...topic.handles]) if (h.onUpdate) safely(h.onUpdate, ...args);
      },
      /** A handle added after the snapshot hears the current state first. */
      greet(h) {
        if (topic.position === null) return;
        later(() => { if (topic.handles.has(h) && h.onUpdate) safely(h.onUpdate, ...topic.current(), null); });
      },
    };
    return topic;
  }

  function customerTopic(customerId) {
    const topic = makeTopic(`c:${customerId}`, { customerId });
    let body = null;
    topic.context = null;
    topic.current = () => [topic.context];
    topic.snapshot = (frame) => {
      if (!topic.acceptsSnapshot() || typeof frame.version !== 'number') return;
      body = bodyOf(frame.context);
      topic.position = frame.version;
      topic.wantSnapshot = false;
      topic.context = contextOf(customerId, frame.version, body);
      topic.notifyUpdate(topic.context, null);
    };
    topic.change = (frame) => {
      if (!topic.next(frame.version)) return;
      if (!Array.isArray(frame.patch)) {
        // a server before api v1.1: the SDK does not re-implement the ops' rules
        topic.fail('protocol', `change v${frame.version} of ${customerId} carries no patch (the server predates api v1.1)`);
        return;
      }
      try {
        body = applyPatch(body, frame.patch);
      } catch (e) {
        topic.notifyError('protocol', `change v${frame.version} of ${customerId} did not apply (${e.message}); taking a new snapshot`);
        topic.wantSnapshot = true;
        subscribe(topic);
        return;
      }
      topic.position = frame.version;
      topic.context = contextOf(customerId, frame.version, body);
      topic.notifyUpdate(topic.context, withoutType(frame));
    };
    topic.erased = () => {
      topic.context = null;
      topic.position = null;
      topic.fail('erased', `customer ${customerId} was erased`);
    };
    return topic;
  }

  function teamTopic(team) {
    const topic = makeTopic(`t:${team}`, { team });
    let board = new Map();   // customerId + handoffId -> item, in board order
    topic.handoffs = [];
    topic.current = () => [topic.handoffs];
    const itemKey = (item) => `${item.customerId}\u0000${item.handoffId}`;
    topic.snapshot = (frame) => {
      if (!topic.acceptsSnapshot() || typeof frame.seq !== 'number') return;
      const items = Array.isArray(frame.handoffs) ? frame.handoffs.filter(isObject) : [];
      board = new Map(items.map((item) => [itemKey(item), item]));
      topic.position = frame.seq;
      topic.wantSnapshot = false;
      topic.handoffs = [...board.values()];
      topic.notifyUpdate(topic.handoffs, null);
    };
    topic.handoff = (frame) => {
      if (!topic.next(frame.seq)) return;
      const item = frame.item;
      if (!isObject(item)) {
        topic.fail('protocol', `hand-off frame seq ${frame.seq} of ${team} carries no item (the server predates api v1.1)`);
        return;
      }
      if (WAITING.has(item.status)) board.set(itemKey(item), item);
      else board.delete(itemKey(item));
      topic.position = frame.seq;
      topic.handoffs = [...board.values()];
      topic.notifyUpdate(topic.handoffs, withoutType(frame));
    };
    topic.erased = () => {};
    return topic;
  }

  function live(key, make, callbacks, view) {
    if (closed) throw new Error('omnicontext: this connection was closed');
    let topic = topics.get(key);
    const fresh = !topic;
    if (fresh) {
      topic = make();
      topics.set(key, topic);
    }
    const h = { onUpdate: callbacks?.onUpdate, onError: callbacks?.onError };
    topic.handles.add(h);
    if (fresh) subscribe(topic);
    else topic.greet(h);
    return view(topic, () => {
      if (!topic.handles.delete(h)) return;
      if (topic.handles.size === 0 && !topic.ended) unsubscribe(topic);
    });
  }

  // ---------------------------------------------------------------- engage

  function sendEngagements() {
    if (!isOpen()) return;
    for (const e of engagements) {
      if (e.id !== null) continue;
      // subscribed to that customer: wait for `subscribed`, so the change comes once, on the feed
      if (topics.get(`c:${e.customerId}`)?.pending) continue;
      e.id = nextId();
      requests.set(e.id, { engagement: e });
      const frame = { type: 'engage', id: e.id, customerId: e.customerId };
      if (e.channel !== undefined) frame.channel = e.channel;
      if (e.activity !== undefined) frame.activity = e.activity;
      send(frame);
    }
  }

  function answerEngagement(change) {
    if (change.op !== 'engagement.start') return;
    const data = isObject(change.data) ? change.data : {};
    const sub = tokens.subject();
    const mine = (e) => e.id !== null && e.customerId === change.customerId
      && (e.channel === undefined || data.channel === e.channel)
      && (e.activity === undefined || data.activity === e.activity)
      && (sub === undefined || !isObject(change.actor) || change.actor.sub === undefined || change.actor.sub === sub);
    const e = engagements.find(mine);
    if (e) settle(e, withoutType(change), null);
  }

  function settle(e, value, error) {
    const i = engagements.indexOf(e);
    if (i < 0) return;
    engagements.splice(i, 1);
    clearTimeout(e.timer);
    if (e.id !== null) requests.delete(e.id);
    if (error) e.reject(error);
    else e.resolve(value);
  }

  function failSentEngagements() {
    for (const e of engagements.filter((x) => x.id !== null)) {
      settle(e, null, rejection(0, 'disconnected', 'the connection closed before the engagement was answered (an engagement ends with its connection)'));
    }
  }

  // ---------------------------------------------------------------- REST

  async function post(customerId, body, idempotencyKey, token) {
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' };
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = String(idempotencyKey);
    return fetchFn(`${urls.http}/v1/customers/${encodeURIComponent(customerId)}/changes`, {
      method: 'POST', headers, body: JSON.stringify(body),
    });
  }

  async function problemOf(response) {
    let problem = null;
    try {
      problem = await response.json();
    } catch { /* not JSON */ }
    const p = isObject(problem) ? problem : {};
    const extra = { ...p };
    const retryAfter = response.headers && typeof response.headers.get === 'function' ? response.headers.get('Retry-After') : null;
    if (retryAfter !== null && retryAfter !== undefined) extra.retryAfter = Number(retryAfter);
    return rejection(response.status, typeof p.code === 'string' ? p.code : `http_${response.status}`,
      typeof p.detail === 'string' ? p.detail : (response.statusText || `HTTP ${response.status}`), extra);
  }

  // ---------------------------------------------------------------- the connection

  const connection = {
    get state() { return state; },

    onState(listener) {
      if (typeof listener !== 'function') throw new TypeError('onState(listener): listener must be a function');
      stateListeners.add(listener);
      return () => { stateListeners.delete(listener); };
    },

    customer(customerId, callbacks) {
      if (typeof customerId !== 'string' || customerId === '') throw new TypeError('customer(id): id must be a non-empty string');
      return live(`c:${customerId}`, () => customerTopic(customerId), callbacks, (topic, close) => ({
        customerId,
        get context() { return topic.context; },
        get version() { return topic.context === null ? null : topic.position; },
        close,
      }));
    },

    team(team, callbacks) {
      if (typeof team !== 'string' || team === '') throw new TypeError('team(name): name must be a non-empty string such as store:branch-X');
      return live(`t:${team}`, () => teamTopic(team), callbacks, (topic, close) => ({
        team,
        get handoffs() { return topic.handoffs; },
        get seq() { return topic.position; },
        close,
      }));
    },

    async write(customerId, ops, { idempotencyKey, expectedVersion } = {}) {
      if (closed) throw rejection(0, 'closed', 'this connection was closed');
      if (!fetchFn) throw rejection(0, 'unsupported', 'this runtime has no fetch; pass options.fetch');
      if (typeof customerId !== 'string' || customerId === '' || !Array.isArray(ops)) {
        throw rejection(0, 'bad_request', 'write(customerId, ops[]): a customer id and an array of ops');
      }
      const body = expectedVersion === undefined || expectedVersion === null ? { ops } : { ops, expectedVersion };
      // With an Idempotency-Key, a request that may have committed (network error, 503) is sent once more with the
      // same key and body: the server answers the first commit's result instead of committing twice. Without a key
      // a retry could commit twice, so there is none.
      const attempts = idempotencyKey === undefined ? 1 : 2;
      for (let attempt = 1; ; attempt++) {
        let response;
        try {
          response = await post(customerId, body, idempotencyKey, await tokens.current());
          if (response.status === 401 && tokens.canRenew()) {
            response = await post(customerId, body, idempotencyKey, await tokens.fresh());
          }
        } catch (e) {
          if (attempt < attempts && !closed) { await pause(WRITE_RETRY_MS); continue; }
          throw rejection(0, 'network', e && e.message ? e.message : String(e));
        }
        if (response.status === 503 && attempt < attempts && !closed) { await pause(WRITE_RETRY_MS); continue; }
        if (!response.ok) throw await problemOf(response);
        return response.json();
      }
    },

    engage(customerId, { channel, activity } = {}) {
      if (closed) return Promise.reject(rejection(0, 'closed', 'this connection was closed'));
      if (typeof customerId !== 'string' || customerId === '') {
        return Promise.reject(rejection(0, 'bad_request', 'engage(customerId, {channel, activity})'));
      }
      return new Promise((resolve, reject) => {
        const e = { customerId, channel, activity, resolve, reject, id: null, timer: null };
        e.timer = setTimeout(() => settle(e, null, rejection(0, 'timeout', `no answer to engage within ${ENGAGE_TIMEOUT_MS / 1000} s`)), ENGAGE_TIMEOUT_MS);
        engagements.push(e);
        sendEngagements();
      });
    },

    close() {
      if (!closed) shutDown(rejection(0, 'closed', 'the connection was closed'));
    },
  };

  dial();
  return connection;
}
