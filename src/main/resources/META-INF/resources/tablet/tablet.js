// Store tablet: the team feed of one branch (hand-offs appear as they are made; accept, complete), and the
// customer at the counter (today's reservations, offers to redeem on channel store). Writes through oc.write.
import { connect } from '../sdk/omnicontext.js';
import {
  el, replaceKeepingFocus, takeToken, claimsOf, newKey, showConnection, showVersion, when, isPast,
  problemText, problemField, byId, Highlights, announcer, channelChip, statusChip, resolveCustomer, mayHaveCommitted, humanTimes,
} from '../shared/ui.js';

const $ = (id) => document.getElementById(id);
const CHANNEL = 'store';
const token = takeToken('tablet');
const params = new URLSearchParams(location.search);
const say = announcer($('announce'));
const highlights = new Highlights(() => render());
const messages = new Map();              // handoffId or offerId -> the last refusal, shown on its card

let oc = null;
let team = null;
let board = [];                          // the team's open and overdue hand-offs (the SDK keeps them current)
const seen = new Map();                  // handoffId -> last board item, to keep showing it once accepted
const inProgress = new Map();            // handoffId -> {item, acceptedBy}: accepted here, elsewhere or before a reload, not completed
const completed = new Set();             // handoffIds seen completed: a list fetched earlier must not bring them back
const retryKeys = new Map();             // action -> the key of its attempt that may have committed, re-sent on the next tap
let counterId = null, counterSub = null, counterCtx = null, counterVersion = null;

// ---- sign-in and the team feed ------------------------------------------------------------------

function start(t, teamName) {
  const claims = claimsOf(t);
  if (!claims) { showSignIn('That is not a token (three base64url parts).'); return; }
  team = teamName;
  $('signin').hidden = true;
  $('tablet').hidden = false;
  $('signout').hidden = false;
  $('team-name').textContent = `· ${team}`;
  document.title = `${team} · Store tablet`;
  $('who').textContent = `${claims.sub || '?'} · ${claims.channel || ''}`;
  oc = connect({ url: location.origin, token: t });
  showConnection($('connection'), oc.state);
  oc.onState((state) => showConnection($('connection'), state));
  oc.team(team, {
    onUpdate(handoffs, frame) { onTeam(handoffs, frame); },
    onError(err) {
      if (err.code === 'unauthorized') { showSignIn('The token expired or was refused: sign in again.'); return; }
      alertText(`Cannot show ${team}: ${err.code}${err.message ? ` (${err.message})` : ''}`);
    },
  });
  const first = params.get('customer');
  if (first) showCustomer(first);
}

function showSignIn(message) {
  if (oc) { oc.close(); oc = null; }
  $('signin').hidden = false;
  $('tablet').hidden = true;
  if (params.get('team')) $('team').value = params.get('team');
  if (token.get()) $('token').value = token.get();
  alertText(message || '');
  $('token').focus();
}

function alertText(text) { $('alert').textContent = text; }

/** A team frame: the board comes from the SDK; accepted and completed hand-offs move between the lists here. */
function onTeam(handoffs, frame) {
  board = handoffs || [];
  for (const item of board) seen.set(item.handoffId, item);
  if (frame && frame.change) {
    const change = frame.change, id = change.data?.handoffId;
    const item = frame.item || seen.get(id) || { customerId: frame.customerId, handoffId: id };
    if (change.op === 'handoff.accept') inProgress.set(id, { item: { ...item, status: 'accepted' }, acceptedBy: change.actor });
    if (change.op === 'handoff.complete') { inProgress.delete(id); completed.add(id); }
    if (change.op === 'handoff.create') say(`New hand-off: ${item.summary || id}`);
    highlights.add(change, `#${frame.seq}`);
  } else {
    loadAccepted();                      // a snapshot (first, or after a gap): what the team accepted and has not completed
  }
  render();
}

/** The team's accepted, not completed hand-offs from the server, so a reload or a second tablet can complete them. */
async function loadAccepted() {
  try {
    const res = await fetch(`/v1/teams/${encodeURIComponent(team)}/handoffs?status=accepted`, { headers: { Authorization: `Bearer ${token.get()}` } });
    if (!res.ok) return;               // the board still works; only what was accepted before stays unlisted
    for (const item of (await res.json()).handoffs || []) {
      if (!completed.has(item.handoffId) && !inProgress.has(item.handoffId)) inProgress.set(item.handoffId, { item, acceptedBy: null });
    }
    render();
  } catch { /* offline: the feed reconnects and asks again */ }
}

// ---- the customer at the counter ----------------------------------------------------------------

function showCustomer(id) {
  if (counterSub) counterSub.close();
  counterId = id; counterCtx = null; counterVersion = null;
  $('counter').hidden = false;
  $('counter-name').textContent = id;
  $('counter-id').textContent = 'loading…';
  $('counter-value').value = id;
  params.set('customer', id);
  history.replaceState(null, '', `${location.pathname}?${params}`);
  counterSub = oc.customer(id, {
    onUpdate(context, change) {
      if (id !== counterId) return;
      counterCtx = context || {};
      counterVersion = change ? change.version : counterSub.version;
      if (change) highlights.add(change);
      render();
    },
    onError(err) { if (id === counterId) alertText(`Cannot show ${id}: ${err.code}${err.message ? ` (${err.message})` : ''}`); },
  });
}

// ---- rendering ----------------------------------------------------------------------------------

function render() {
  $('board-count').textContent = `(${board.length})`;
  replaceKeepingFocus($('board'), board.length ? board.map(boardCard) : [el('li', { class: 'empty' }, 'Nothing waiting.')]);
  const progress = progressItems();
  replaceKeepingFocus($('progress'), progress.length ? progress.map(progressCard) : [el('li', { class: 'empty' }, 'Nothing in progress.')]);
  if (counterCtx) renderCounter();
  highlights.apply($('tablet'));
}

const dueText = (iso) => (isPast(iso) ? ['overdue since ', when(iso)] : ['due ', when(iso)]);

function boardCard(h) {
  return el('li', { class: `card${h.status === 'overdue' ? ' st-overdue-card' : ''}`, data: { ref: h.handoffId, customer: h.customerId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, humanTimes(h.summary) || `${h.kind} ${h.ref}`), statusChip(h.status)),
    el('p', { class: 'meta' }, `${h.kind} ${h.ref} · `, ...dueText(h.dueBy), h.fromChannel ? ' · from ' : '', h.fromChannel ? channelChip(h.fromChannel) : ''),
    h.note ? el('p', {}, h.note) : '',
    messageOf(h.handoffId),
    el('div', { class: 'actions' },
      el('button', { type: 'button', data: { key: `accept:${h.handoffId}`, action: 'accept' }, onclick: (e) => accept(h, e.currentTarget) }, 'Accept'),
      el('button', { type: 'button', class: 'secondary', data: { key: `serve:${h.handoffId}` }, onclick: () => showCustomer(h.customerId) }, 'Show customer')));
}

/** Accepted, not completed: what this tablet saw accepted, plus the counter customer's accepted hand-offs for this team. */
function progressItems() {
  const items = new Map(inProgress);
  for (const h of Object.values(byId(counterCtx, 'handoffs'))) {
    if (h.toTeam !== team) continue;
    if (h.status === 'accepted' && !items.has(h.handoffId)) {
      items.set(h.handoffId, { item: { customerId: counterId, handoffId: h.handoffId, kind: h.kind, ref: h.ref, note: h.note, dueBy: h.dueBy, status: h.status }, acceptedBy: h.acceptedBy });
    }
    if (h.status === 'completed') items.delete(h.handoffId);
  }
  return [...items.values()];
}

function progressCard({ item: h, acceptedBy }) {
  return el('li', { class: 'card', data: { ref: h.handoffId, customer: h.customerId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, humanTimes(h.summary) || `${h.kind} ${h.ref}`), statusChip('accepted')),
    el('p', { class: 'meta' }, 'accepted', acceptedBy ? ` by ${acceptedBy.sub || ''} on ` : '', acceptedBy ? channelChip(acceptedBy.channel) : '',
      h.customerId ? ` · customer ${h.customerId}` : ''),
    h.note ? el('p', {}, h.note) : '',
    messageOf(h.handoffId),
    el('div', { class: 'actions' },
      el('button', { type: 'button', data: { key: `complete:${h.handoffId}`, action: 'complete' }, onclick: (e) => complete(h, e.currentTarget) }, 'Complete'),
      el('button', { type: 'button', class: 'secondary', data: { key: `serve-p:${h.handoffId}` }, onclick: () => showCustomer(h.customerId) }, 'Show customer')));
}

const messageOf = (id) => (messages.has(id) ? el('p', { class: 'alert', role: 'alert' }, messages.get(id)) : '');

function renderCounter() {
  const profile = counterCtx.profile || {};
  $('counter-name').textContent = profile.name || counterId;
  $('counter-id').textContent = `id ${counterId}`;
  showVersion($('version'), counterVersion);
  const branch = team.split(':')[1];
  const reservations = Object.values(byId(counterCtx, 'reservations')).filter(isToday);
  replaceKeepingFocus($('reservations'), reservations.length ? reservations.map((r) => reservationCard(r, branch))
    : [el('li', { class: 'empty' }, 'No reservation today.')]);
  const offers = Object.values(byId(counterCtx, 'offers')).filter((o) => redeemableHere(o) || redeemedToday(o));
  replaceKeepingFocus($('offers'), offers.length ? offers.map(offerCard) : [el('li', { class: 'empty' }, 'No offer to redeem in store.')]);
}

const today = (iso) => iso && new Date(iso).toDateString() === new Date().toDateString();
/** Today's reservations: the ones held now, and the ones that ended today. */
const isToday = (r) => r.status === 'held' || today(r.until);
const redeemableHere = (o) => o.status === 'issued' && (!o.eligibleChannels || o.eligibleChannels.includes(CHANNEL)) && !isPast(o.validUntil);
const redeemedToday = (o) => o.status === 'redeemed' && today(o.redeemedAt);

function reservationCard(r, branch) {
  return el('li', { class: 'card', data: { ref: r.reservationId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, r.sku), statusChip(r.status),
      r.storeId === branch ? el('span', { class: 'here' }, 'this store') : el('span', { class: 'meta' }, `at ${r.storeId}`)),
    el('p', { class: 'meta' }, 'held until ', when(r.until), ` · ${r.reservationId}`),
    messageOf(r.reservationId),
    r.status === 'held' && r.storeId === branch ? el('div', { class: 'actions' }, el('button', {
      type: 'button', class: 'secondary', data: { key: `fulfil:${r.reservationId}` }, onclick: (e) => fulfil(r, e.currentTarget),
    }, 'Picked up')) : '');
}

function offerCard(o) {
  const card = el('li', { class: 'card', data: { ref: o.offerId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, o.title || o.offerId), statusChip(o.status), o.price != null ? `${o.price}` : ''),
    el('p', { class: 'meta' }, 'valid until ', when(o.validUntil)));
  if (o.status === 'redeemed') {
    card.append(el('p', {}, 'Redeemed on ', channelChip(o.redeemedChannel), ' at ', when(o.redeemedAt)));
  } else {
    card.append(el('div', { class: 'actions' }, el('button', {
      type: 'button', data: { key: `redeem:${o.offerId}`, action: 'redeem' }, onclick: (e) => redeem(o, e.currentTarget),
    }, 'Redeem in store')));
  }
  card.append(messageOf(o.offerId));
  return card;
}

// ---- writes -------------------------------------------------------------------------------------

/**
 * One tap: the op through REST with a fresh Idempotency-Key; a refusal lands on the card it came from. A tap
 * that may have committed (no answer, 503) keeps its key: tapping again re-sends the same request.
 */
async function act(customerId, op, refId, button, explain = problemText) {
  button.disabled = true;
  messages.delete(refId);
  const action = `${customerId}\n${JSON.stringify(op)}`;
  const key = retryKeys.get(action) || newKey(`tablet-${op.op}`);
  try {
    await oc.write(customerId, [op], { idempotencyKey: key });
    retryKeys.delete(action);
    return true;
  } catch (err) {
    if (mayHaveCommitted(err)) retryKeys.set(action, key); else retryKeys.delete(action);
    messages.set(refId, mayHaveCommitted(err) ? `It may not have gone through (${problemText(err)}): tap again to send it once more.` : explain(err));
    render();
    return false;
  } finally {
    button.disabled = false;
  }
}

async function accept(h, button) {
  const ok = await act(h.customerId, { op: 'handoff.accept', handoffId: h.handoffId }, h.handoffId, button, (err) =>
    (err?.code === 'handoff_taken' ? `Someone else took it: ${err.detail || ''}` : `Not accepted: ${problemText(err)}`));
  if (ok) showCustomer(h.customerId);
}

function complete(h, button) {
  return act(h.customerId, { op: 'handoff.complete', handoffId: h.handoffId, outcome: 'Done at the counter' }, h.handoffId, button);
}

function fulfil(r, button) {
  return act(counterId, { op: 'reservation.fulfil', reservationId: r.reservationId }, r.reservationId, button);
}

function redeem(o, button) {
  return act(counterId, { op: 'offer.redeem', offerId: o.offerId, channel: CHANNEL }, o.offerId, button, (err) => {
    if (err?.code !== 'offer_already_redeemed') return `Not redeemed: ${problemText(err)}`;
    const where = problemField(err, 'redeemedChannel') || 'another channel', at = problemField(err, 'redeemedAt');
    return `Already redeemed on ${where}${at ? ` at ${new Date(at).toLocaleString()}` : ''}.`;
  });
}

// ---- wiring -------------------------------------------------------------------------------------

$('counter-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const value = $('counter-value').value.trim();
  const by = value.includes('@') ? 'email' : /^\+?[0-9 ()-]{6,}$/.test(value) ? 'phone' : 'id';
  alertText('');
  try { showCustomer(await resolveCustomer(token.get(), by, value)); } catch (err) { alertText(err.message); }
});

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token.set($('token').value);
  params.set('team', $('team').value.trim());
  history.replaceState(null, '', `${location.pathname}?${params}`);
  start(token.get(), $('team').value.trim());
});

$('signout').addEventListener('click', () => {
  token.clear();
  if (oc) oc.close();
  location.assign(`${location.pathname}${params.get('team') ? `?team=${encodeURIComponent(params.get('team'))}` : ''}`);
});

if (token.get() && params.get('team')) start(token.get(), params.get('team'));
else showSignIn();
