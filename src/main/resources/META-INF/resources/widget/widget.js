// Customer widget: the customer's own live context, exactly as the server sends it to a customer token
// (the server leaves out internal notes, hand-offs and staff identities; nothing is derived or kept here).
// The one thing a customer changes here: contact preferences (preference.set through oc.write).
import { connect } from '../sdk/omnicontext.js';
import {
  el, replaceKeepingFocus, takeToken, claimsOf, newKey, showConnection, showVersion, when, problemText, byId, list,
  Highlights, announcer, statusChip, plainLabel, channelsText, CHANNEL_TEXT, mayHaveCommitted,
} from '../shared/ui.js';

const $ = (id) => document.getElementById(id);
const token = takeToken('widget');
const say = announcer($('announce'));
const highlights = new Highlights(() => render());
const PREFS = [                          // [input, key, kind, the value when the customer never chose one]
  ['pref-marketing', 'consent.marketing', 'bool', false],   // opt-in
  ['pref-service', 'consent.service', 'bool', true],        // allowed unless withdrawn
  ['pref-sms', 'notifications.sms.to', 'text', null],
  ['pref-email', 'notifications.email.to', 'text', null],
];
const edited = new Set();                // preference inputs the customer changed and has not saved yet

let oc = null, customerId = null, sub = null, ctx = null, version = null;
let unsent = null;                       // {body, key} of a save that may have committed: saving the same again re-sends it

function start(t) {
  const claims = claimsOf(t);
  if (!claims || !claims.customer_id || !(claims.groups || []).includes('customer')) {
    showSignIn('This page needs a customer token (groups ["customer"] and a customer_id).');
    return;
  }
  customerId = claims.customer_id;
  $('signin').hidden = true;
  $('widget').hidden = false;
  oc = connect({ url: location.origin, token: t });
  showConnection($('connection'), oc.state);
  oc.onState((state) => showConnection($('connection'), state));
  sub = oc.customer(customerId, {
    onUpdate(context, change) {
      ctx = context || {};
      version = change ? change.version : sub.version;
      if (change && change.op !== 'redacted') { highlights.add(change, undefined, plainLabel(change)); say(plainLabel(change)); }
      render();
    },
    onError(err) {
      if (err.code === 'unauthorized') { showSignIn('You were signed out: sign in again.'); return; }
      alertText(`We cannot show your account right now (${err.code}).`);
    },
  });
}

function showSignIn(message) {
  if (oc) { oc.close(); oc = null; }
  $('signin').hidden = false;
  $('widget').hidden = true;
  alertText(message || '');
}

function alertText(text) { $('alert').textContent = text; }

// ---- rendering ----------------------------------------------------------------------------------

function render() {
  if (!ctx) return;
  const name = ctx.profile && ctx.profile.name;
  $('hello').textContent = name ? `Hello, ${String(name).split(' ')[0]}` : 'Your account';
  showVersion($('version'), version);
  replaceKeepingFocus($('offers'), cardsOr(Object.values(byId(ctx, 'offers')), offerCard, 'No offers right now.'));
  replaceKeepingFocus($('appointments'), cardsOr(Object.values(byId(ctx, 'appointments')), appointmentCard, 'No appointments.'));
  replaceKeepingFocus($('reservations'), cardsOr(Object.values(byId(ctx, 'reservations')), reservationCard, 'No reservations.'));
  replaceKeepingFocus($('notes'), cardsOr(list(ctx, 'notes').slice().reverse(), noteCard, 'No messages.'));
  fillPreferences(ctx.preferences || {});
  highlights.apply($('widget'));
}

const cardsOr = (items, card, empty) => (items.length ? items.map(card) : [el('li', { class: 'empty' }, empty)]);

function offerCard(o) {
  return el('li', { class: 'card', data: { ref: o.offerId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, o.title || o.offerId), statusChip(o.status), o.price != null ? `${o.price}` : ''),
    o.status === 'redeemed'
      ? el('p', { class: 'meta' }, `Used ${o.redeemedChannel ? `${CHANNEL_TEXT[o.redeemedChannel] || o.redeemedChannel} ` : ''}on `, when(o.redeemedAt))
      : el('p', { class: 'meta' }, 'valid until ', when(o.validUntil),
        waysToUse(o) ? ` · use it ${waysToUse(o)}` : ''));
}

/** "online, in chat or in store": where the customer can use an offer, in words ("system" is not theirs). */
function waysToUse(o) {
  const ways = channelsText(o.eligibleChannels).split(', ').filter(Boolean).map((c) => CHANNEL_TEXT[c] || c);
  return ways.length > 1 ? `${ways.slice(0, -1).join(', ')} or ${ways[ways.length - 1]}` : ways.join('');
}

function appointmentCard(a) {
  return el('li', { class: 'card', data: { ref: a.appointmentId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, a.kind), statusChip(a.status)),
    el('p', { class: 'meta' }, when(a.at), a.previousAt ? ' (moved from ' : '', a.previousAt ? when(a.previousAt) : '', a.previousAt ? ')' : ''));
}

function reservationCard(r) {
  return el('li', { class: 'card', data: { ref: r.reservationId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, r.sku), statusChip(r.status)),
    el('p', { class: 'meta' }, `at ${r.storeId} · until `, when(r.until)));
}

function noteCard(n) {
  return el('li', { class: 'card', data: { ref: n.noteId } }, el('p', {}, n.text), el('p', { class: 'meta' }, when(n.at)));
}

// ---- preferences --------------------------------------------------------------------------------

const serverValue = (prefs, key, fallback) => (Object.prototype.hasOwnProperty.call(prefs, key) ? prefs[key] : fallback);

/** The form follows the live context, except the inputs the customer is editing. */
function fillPreferences(prefs) {
  for (const [id, key, kind, fallback] of PREFS) {
    if (edited.has(id)) continue;
    const v = serverValue(prefs, key, fallback);
    if (kind === 'bool') $(id).checked = v === true;
    else $(id).value = v == null ? '' : String(v);
  }
}

function formValue(id, kind) {
  if (kind === 'bool') return $(id).checked;
  const v = $(id).value.trim();
  return v === '' ? null : v;
}

for (const [id] of PREFS) $(id).addEventListener('input', () => { edited.add(id); $('prefs-status').textContent = ''; });

$('prefs').addEventListener('submit', async (e) => {
  e.preventDefault();
  const prefs = (ctx && ctx.preferences) || {};
  const ops = PREFS
    .filter(([id, key, kind, fallback]) => formValue(id, kind) !== serverValue(prefs, key, kind === 'bool' ? fallback : null))
    .map(([id, key, kind]) => ({ op: 'preference.set', key, value: formValue(id, kind) }));
  if (!ops.length) { edited.clear(); $('prefs-status').textContent = 'Nothing to change.'; return; }
  const body = JSON.stringify(ops);
  const key = unsent && unsent.body === body ? unsent.key : newKey('prefs');
  try {
    await oc.write(customerId, ops, { idempotencyKey: key });
    unsent = null;
    edited.clear();
    $('prefs-status').textContent = 'Saved.';
    render();
  } catch (err) {
    unsent = mayHaveCommitted(err) ? { body, key } : null;
    alertText(mayHaveCommitted(err) ? `We could not tell whether that was saved (${problemText(err)}): press Save again, it will not be saved twice.`
      : `Not saved: ${problemText(err)}`);
  }
});

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token.set($('token').value);
  start(token.get());
});

if (token.get()) start(token.get()); else showSignIn();
