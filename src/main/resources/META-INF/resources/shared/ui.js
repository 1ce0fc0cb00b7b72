// Helpers the three screens share: DOM building, the token, badges, time, highlights of where a change landed.
// Plain ES module, no dependencies; the screens import it as ../shared/ui.js.

export const CHANNELS = ['web', 'email', 'chat', 'voice', 'store', 'mobile', 'social'];

/** el('li', {class: 'card', data: {ref: 'o-1'}, onclick: f}, 'text', child, ...): an element, children appended. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'data') Object.entries(v).forEach(([dk, dv]) => { if (dv != null) e.dataset[dk] = dv; });
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) e.append(c);
  return e;
}

/** Replaces a container's children, keeping keyboard focus on the element with the same data-key. */
export function replaceKeepingFocus(container, children) {
  const focused = document.activeElement;
  const key = focused && container.contains(focused) ? focused.dataset.key : undefined;
  container.replaceChildren(...children);
  if (key) {
    const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again && !again.disabled) again.focus({ preventScroll: true });
  }
}

/**
 * The token of this screen: `?token=` in the URL wins (bin/run prints such links) and is moved into
 * sessionStorage, then dropped from the address bar so it does not linger in history or screenshots.
 */
export function takeToken(screen) {
  const key = `omnicontext.token.${screen}`;
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(key, fromUrl.trim());
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
  }
  return {
    get: () => sessionStorage.getItem(key),
    set: (t) => sessionStorage.setItem(key, t.trim()),
    clear: () => sessionStorage.removeItem(key),
  };
}

/** The token's claims, unverified (the server verifies; the screen only shows who is signed in). */
export function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent([...atob(part)].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** A fresh Idempotency-Key: one per user action; a retry of that action re-sends it (see mayHaveCommitted). */
export function newKey(prefix = 'ui') {
  const id = globalThis.crypto && crypto.randomUUID ? crypto.randomUUID()
    : [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${prefix}-${id}`;
}

export const shortId = () => newKey('x').slice(2, 10);

const STATE_TEXT = { connecting: 'Connecting…', open: 'Live', reconnecting: 'Reconnecting…', closed: 'Offline' };

/** Shows the SDK connection state in a badge (text and colour; data-state for tests and styles). */
export function showConnection(badge, state) {
  badge.dataset.state = state;
  badge.textContent = STATE_TEXT[state] || state;
}

export function showVersion(badge, version) {
  badge.dataset.version = String(version ?? '');
  badge.textContent = version == null ? 'v–' : `v${version}`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const clockFmt = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A <time> element for an RFC 3339 instant, or a dash. */
export function when(iso, clockOnly = false) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return el('time', { datetime: iso, title: iso }, (clockOnly ? clockFmt : timeFmt).format(d));
}

/** A server-made text (a team board's summary) with its RFC 3339 instants as local dates and times. */
export const humanTimes = (text) => (text ? String(text).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z/g,
  (iso) => (Number.isNaN(new Date(iso).getTime()) ? iso : timeFmt.format(new Date(iso)))) : text);

export const isPast = (iso) => iso && new Date(iso).getTime() < Date.now();

/** An <input type=datetime-local> value for an instant (local time, minutes). */
export function localInput(date) {
  const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

/** RFC 3339 UTC from an <input type=datetime-local> value. */
export const fromLocalInput = (value) => new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const inHours = (h) => new Date(Date.now() + h * 3600e3).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The customer id for an id or a linked identity (GET /v1/customers:resolve); throws an Error a person can read. */
export async function resolveCustomer(bearer, by, value) {
  if (by === 'id') return value;
  const res = await fetch(`/v1/customers:resolve?type=${encodeURIComponent(by)}&value=${encodeURIComponent(value)}`,
    { headers: { Authorization: `Bearer ${bearer}` } });
  if (res.status === 404) throw new Error(`No customer has the ${by} ${value}.`);
  if (res.status === 401) throw new Error('The server refused the token: sign in again.');
  if (!res.ok) throw new Error(`Finding the customer failed (HTTP ${res.status}).`);
  return (await res.json()).customerId;
}

/** What a write rejection says to a person: the problem's detail, else its code. */
export function problemText(err) {
  if (!err) return 'unknown error';
  const detail = err.detail || err.message || '';
  return err.code ? `${err.code}${detail ? `: ${detail}` : ''}` : detail || String(err);
}

/** The problem's members, whether the SDK passes them flat or under `problem`/`body`. */
export const problemField = (err, name) => err?.[name] ?? err?.problem?.[name] ?? err?.body?.[name];

/** The context's member as an object keyed by id, or as a list, never null. */
export const byId = (ctx, key) => (ctx && ctx[key] && typeof ctx[key] === 'object' ? ctx[key] : {});
export const list = (ctx, key) => (ctx && Array.isArray(ctx[key]) ? ctx[key] : []);

const SECTION_OF_OP = {
  profile: 'profile', identity: 'identities', offer: 'offers', note: 'notes', interaction: 'interactions',
  appointment: 'appointments', reservation: 'reservations', case: 'cases', preference: 'preferences',
  engagement: 'engagements', handoff: 'handoffs', attention: 'attention',
};
const REF_OF_SECTION = {
  offers: 'offerId', notes: 'noteId', interactions: 'interactionId', appointments: 'appointmentId',
  reservations: 'reservationId', cases: 'caseId', engagements: 'engagementId', handoffs: 'handoffId',
  preferences: 'key', identities: 'value',
};

/**
 * Where a change landed: [{section, ref}] from its op and data, plus every top-level member its
 * `patch` touched (attention, profile, ...). A redacted change lands nowhere.
 */
export function landings(change) {
  if (!change || change.op === 'redacted') return [];
  const out = new Map();
  const add = (section, ref) => { const k = `${section}/${ref ?? ''}`; if (!out.has(k)) out.set(k, { section, ref }); };
  const section = SECTION_OF_OP[String(change.op).split('.')[0]];
  if (section) add(section, change.data?.[REF_OF_SECTION[section]]);
  for (const p of Array.isArray(change.patch) ? change.patch : []) {
    const [, top, key] = String(p.path || '').split('/');
    if (!top) continue;
    const keyed = ['offers', 'appointments', 'reservations', 'cases', 'engagements', 'handoffs'].includes(top);
    add(top, keyed && key ? key.replace(/~1/g, '/').replace(/~0/g, '~') : undefined);
  }
  if (Array.isArray(change.attention)) add('attention');
  // A section is marked as a whole only where no item of it is marked.
  const items = [...out.values()];
  return items.filter((l) => l.ref !== undefined || !items.some((o) => o.section === l.section && o.ref !== undefined));
}

/** The channel an op itself names (where it happened), if it names one: the redemption's, the hand-off's origin, ... */
export function opChannel(change) {
  const d = change?.data || {};
  return d.channel || d.fromChannel || d.originChannel || null;
}

/**
 * "offer.redeem by store": what happened and which channel made it. The op's own channel wins where it names
 * one (a voice agent redeeming on chat redeemed on chat); when the actor's token has another channel both are
 * said: "offer.redeem on chat, by voice".
 */
export function changeLabel(change) {
  const where = opChannel(change), by = change.actor?.channel;
  if (where && by && where !== by) return `${change.op} on ${where}, by ${by}`;
  return where || by ? `${change.op} by ${where || by}` : change.op;
}

const PLAIN_OP = {
  'offer.issue': 'New offer', 'offer.redeem': 'Offer used', 'offer.expired': 'Offer expired', 'appointment.schedule': 'Appointment booked',
  'appointment.reschedule': 'Appointment moved', 'appointment.cancel': 'Appointment cancelled', 'reservation.hold': 'Item reserved',
  'reservation.fulfil': 'Reservation picked up', 'reservation.release': 'Reservation released', 'reservation.expired': 'Reservation ended',
  'note.add': 'New message', 'preference.set': 'Preferences saved', 'profile.set': 'Details updated',
};

/** What a customer reads about a change: no op names, no channel lists ("New offer", "Offer used in store"). */
export function plainLabel(change) {
  const text = PLAIN_OP[change.op] || 'Updated';
  const where = opChannel(change);
  return change.op === 'offer.redeem' && where ? `${text} (${CHANNEL_TEXT[where] || where})` : text;
}

/** Channels as people say them. */
export const CHANNEL_TEXT = { web: 'online', email: 'by email', chat: 'in chat', voice: 'on the phone', store: 'in store', mobile: 'in the app', social: 'on social media', system: 'automatically' };

/** A list of channels for people: the customer's own ones, "system" left out. */
export const channelsText = (channels) => (channels || []).filter((c) => c !== 'system').join(', ');

/**
 * Whether a write that failed may have committed all the same (no answer, or 503 after the SDK's own retry):
 * then it must be sent again with the same Idempotency-Key and body, never as a new request.
 */
export const mayHaveCommitted = (err) => err?.status === 0 && err?.code === 'network' || err?.status === 503;

/**
 * Remembers where recent changes landed so every re-render can mark them for a few seconds
 * (a change re-renders the screen, so the marks are re-applied, not animated once).
 */
export class Highlights {
  constructor(onExpire, millis = globalThis.OMNICONTEXT_HIGHLIGHT_MS || 3500) { this.items = []; this.onExpire = onExpire; this.millis = millis; }

  /** `tag` names the step on the label: the change's version by default, a team feed's seq for team frames. */
  add(change, tag = `v${change.version}`, label = `${tag} · ${changeLabel(change)}`) {
    const until = Date.now() + this.millis;
    for (const l of landings(change)) this.items.push({ ...l, label, tag, until });
    setTimeout(() => this.onExpire(), this.millis + 50);
  }

  /** Marks the rendered elements of `root`: [data-section=S] and, inside it, [data-ref=R]. */
  apply(root) {
    root.querySelectorAll('.landed').forEach((e) => e.classList.remove('landed'));
    root.querySelectorAll('.landed-by').forEach((e) => e.remove());
    const now = Date.now();
    this.items = this.items.filter((i) => i.until > now);
    for (const i of [...this.items].reverse()) {             // newest first: its label wins where several landed
      const sec = root.querySelector(`[data-section="${i.section}"]`);
      if (!sec) continue;
      const target = (i.ref != null && sec.querySelector(`[data-ref="${CSS.escape(String(i.ref))}"]`)) || sec;
      target.classList.add('landed');
      const where = target === sec ? sec.querySelector(':scope > h2, :scope > h3') || sec : target;
      if (!where.querySelector(':scope > .landed-by')) {
        // inside a heading the label would change the heading's name; screen readers hear it from the announcer
        where.append(el('span', { class: 'landed-by', 'aria-hidden': /^H\d$/.test(where.tagName) ? 'true' : null }, i.label));
      }
    }
  }
}

/** Says a sentence to screen readers through a polite live region. */
export function announcer(region) {
  return (text) => { region.textContent = ''; setTimeout(() => { region.textContent = text; }, 30); };
}

/** A channel chip: the text says the channel, the class gives it a colour. */
export const channelChip = (channel) => el('span', { class: `chip ch-${channel || 'unknown'}` }, channel || '?');

/** A status chip (issued, redeemed, held, open, ...). */
export const statusChip = (status) => el('span', { class: `status st-${status || 'unknown'}` }, status || '?');
