// Agent desk: sign in with a token, pick my channel, find a customer, work from one live screen.
// The context comes from the SDK (kept current from each change's patch); every write goes through
// oc.write (REST) with a fresh Idempotency-Key per action; a failed action that may have committed is re-sent
// with the same key and body ("Try again"), so it is never recorded twice.
import { connect } from '../sdk/omnicontext.js';
import {
  CHANNELS, el, replaceKeepingFocus, takeToken, claimsOf, newKey, shortId, showConnection, showVersion, when,
  isPast, localInput, fromLocalInput, inHours, problemText, problemField, byId, list, Highlights, announcer,
  changeLabel, channelChip, statusChip, resolveCustomer, mayHaveCommitted, channelsText,
} from '../shared/ui.js';

const $ = (id) => document.getElementById(id);
const token = takeToken('desk');
const params = new URLSearchParams(location.search);
const say = announcer($('announce'));
const highlights = new Highlights(() => render());
const offerReasons = new Map();          // offerId -> why the last redeem was refused (kept across re-renders)
const LOG_LIMIT = 50;

let oc = null;
let watching = null;                     // the customer id on screen
let subscription = null;
let ctx = null;
let shownVersion = null;
let missing = false;                     // the customer on screen has no change yet: a mistyped id, or a customer to create
let creating = null;                     // the id the agent chose to start a new customer under
let myEngagement = null;                 // {customerId, engagementId} of "I'm with this customer", ended when I leave
let failed = null;                       // {customerId, ops, key, what}: the last action that may have committed

// ---- sign-in, channel, connection ---------------------------------------------------------------

function signIn(t) {
  const claims = claimsOf(t);
  if (!claims) { showSignIn('That is not a token (three base64url parts).'); return; }
  $('signin').hidden = true;
  $('desk').hidden = false;
  $('signout').hidden = false;
  $('channel-label').hidden = false;
  $('who').textContent = `${claims.sub || '?'} · ${(claims.groups || []).join(', ')}`;
  setUpChannel(claims.channel);
  oc = connect({ url: location.origin, token: t });
  showConnection($('connection'), oc.state);
  oc.onState((state) => {
    showConnection($('connection'), state);
    if (state === 'reconnecting') { say('Connection lost, reconnecting'); $('engage').disabled = false; myEngagement = null; }
    if (state === 'open') say('Connected');
  });
  const first = params.get('customer');
  if (first) { $('find-value').value = first; open(first); }
  else $('find-value').focus();
}

function showSignIn(message) {
  if (oc) { oc.close(); oc = null; }
  $('signin').hidden = false;
  $('desk').hidden = true;
  alertText(message || '');
  $('token').focus();
}

function setUpChannel(tokenChannel) {
  const stored = sessionStorage.getItem('omnicontext.desk.channel');
  const initial = stored || (CHANNELS.includes(tokenChannel) ? tokenChannel : 'voice');
  $('channel').replaceChildren(...CHANNELS.map((c) => el('option', { value: c, selected: c === initial }, c)));
  $('channel').addEventListener('change', () => {
    sessionStorage.setItem('omnicontext.desk.channel', myChannel());
    render();
  });
}

const myChannel = () => $('channel').value;

function alertText(text) { $('alert').textContent = text; }

// ---- finding and watching a customer ------------------------------------------------------------

function open(id) {
  if (subscription) subscription.close();
  leaveEngagement();
  watching = id; ctx = null; shownVersion = null; missing = false;
  offerReasons.clear();
  $('log').replaceChildren();
  alertText('');
  $('customer').hidden = false;
  $('customer-name').textContent = id;
  $('customer-id').textContent = `Loading ${id}…`;
  $('engage').disabled = false;
  $('story').disabled = false;
  params.set('customer', id);
  history.replaceState(null, '', `${location.pathname}?${params}`);
  subscription = oc.customer(id, {
    onUpdate(context, change) { if (id === watching) update(context, change); },
    onError(err) {
      if (err.code === 'unauthorized') { showSignIn('The token expired or was refused: sign in again.'); return; }
      if (id === watching) alertText(`Cannot show ${id}: ${err.code}${err.message ? ` (${err.message})` : ''}`);
    },
  });
}

function update(context, change) {
  const previous = shownVersion;
  ctx = context || {};
  shownVersion = change ? change.version : subscription.version;
  // Version 0: nothing was ever recorded under this id. Writing would create a customer, so ask first.
  missing = shownVersion === 0 && creating !== watching;
  if (change) {
    highlights.add(change);
    logLine(`v${change.version} ${changeLabel(change)}`, change);
    if (change.op !== 'redacted') say(`Version ${change.version}: ${changeLabel(change)}`);
  } else if (previous !== null) {
    logLine(`snapshot at v${shownVersion} (caught up after a reconnect)`, null);
  }
  render();
}

function logLine(text, change) {
  const item = el('li', { data: { version: change?.version } }, text, ' ',
    change?.at ? el('span', { class: 'meta' }, '· ', when(change.at, true)) : '');
  $('log').prepend(item);
  while ($('log').children.length > LOG_LIMIT) $('log').lastElementChild.remove();
}

// ---- rendering ----------------------------------------------------------------------------------

function render() {
  if (!ctx) return;
  $('missing').hidden = !missing;
  $('work').hidden = missing;
  $('engage').hidden = missing;
  $('story').disabled = missing;
  if (missing) {
    $('missing-text').textContent = `No customer with id ${watching}.`;
    $('customer-name').textContent = watching;
    $('customer-id').textContent = 'nothing recorded under this id';
    showVersion($('version'), shownVersion);
    return;
  }
  const profile = ctx.profile || {};
  $('customer-name').textContent = profile.name || watching;
  $('customer-id').textContent = `id ${watching}`;
  showVersion($('version'), shownVersion);
  replaceKeepingFocus($('engaged'), engagedNow());
  replaceKeepingFocus($('attention'), attentionItems());
  replaceKeepingFocus($('offers'), offerCards());
  replaceKeepingFocus($('handoffs'), handoffCards());
  replaceKeepingFocus($('profile'), pairs(profile));
  replaceKeepingFocus($('identities'), identityItems());
  replaceKeepingFocus($('reservations'), reservationCards());
  replaceKeepingFocus($('appointments'), appointmentCards());
  replaceKeepingFocus($('cases'), caseCards());
  replaceKeepingFocus($('notes'), noteCards());
  replaceKeepingFocus($('interactions'), interactionCards());
  replaceKeepingFocus($('preferences'), pairs(ctx.preferences || {}));
  refreshHandoffChoices();
  highlights.apply($('customer'));
}

const none = (text) => [el('li', { class: 'empty' }, text)];
/** A profile or preference value for people: nested members as "key: value" pairs, lists comma-separated. */
const show = (v) => {
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join('; ');
  return String(v);
};

function pairs(obj) {
  const entries = Object.entries(obj);
  if (!entries.length) return [el('div', { class: 'empty' }, 'Nothing recorded.')];
  return entries.flatMap(([k, v]) => [el('dt', { data: { ref: k } }, k), el('dd', { data: { ref: k } }, show(v))]);
}

function engagedNow() {
  const active = Object.values(byId(ctx, 'engagements')).filter((e) => e.status === 'active');
  if (!active.length) return [el('span', { class: 'meta' }, 'Nobody is with the customer right now.')];
  return [el('span', { class: 'meta' }, 'Engaged now:'), ...active.map((e) =>
    el('span', { class: 'card engaged', data: { ref: e.engagementId } }, channelChip(e.channel), ' ', e.activity || 'engaged',
      ' ', el('span', { class: 'meta' }, 'since ', when(e.startedAt, true))))];
}

const ATTENTION_TEXT = {
  offer_redeemable: 'Offer can be redeemed', handoff_open: 'Hand-off waiting', handoff_overdue: 'Hand-off overdue',
  case_open: 'Open case', consent_withdrawn: 'Consent withdrawn', appointment_soon: 'Appointment soon',
  reservation_expiring: 'Reservation expiring',
};

function attentionItems() {
  const items = list(ctx, 'attention');
  if (!items.length) return none('Nothing needs attention.');
  return items.map((a) => el('li', { class: `card sev-${a.severity}`, data: { ref: a.ref } },
    el('div', { class: 'line' }, el('span', { class: 'sev' }, a.severity), el('span', { class: 'title' }, ATTENTION_TEXT[a.kind] || a.kind)),
    el('div', { class: 'meta' }, a.ref, a.detail ? ` · ${attentionDetail(a)}` : '', a.since ? ' · since ' : '', a.since ? when(a.since) : '')));
}

/** An attention item's detail for people: a channel list as the channels an agent can act on, else as it is. */
function attentionDetail(a) {
  const parts = String(a.detail).split(',').map((x) => x.trim());
  return parts.every((x) => CHANNELS.includes(x) || x === 'system') ? `redeemable on ${channelsText(parts)}` : parts.join(', ');
}

function offerCards() {
  const offers = Object.values(byId(ctx, 'offers'));
  if (!offers.length) return none('No offers.');
  const channel = myChannel();
  return offers.map((o) => {
    const eligible = !o.eligibleChannels || o.eligibleChannels.includes(channel);
    const card = el('li', { class: 'card', data: { ref: o.offerId } },
      el('div', { class: 'line' }, el('span', { class: 'title' }, o.title || o.offerId), statusChip(o.status),
        o.price != null ? el('span', {}, `${o.price}`) : ''),
      el('p', { class: 'meta' }, 'from ', channelChip(o.originChannel), ' · valid until ', when(o.validUntil)),
      el('p', { class: 'meta' }, 'redeemable on ', o.eligibleChannels ? channelsText(o.eligibleChannels) : 'every channel'));
    if (o.status === 'redeemed') {
      card.append(el('p', {}, 'Redeemed on ', channelChip(o.redeemedChannel), ' at ', when(o.redeemedAt)));
    } else if (o.status === 'issued' && eligible && !isPast(o.validUntil)) {
      card.append(el('div', { class: 'actions' }, el('button', {
        type: 'button', data: { key: `redeem:${o.offerId}`, action: 'redeem' }, onclick: (e) => redeem(o.offerId, e.currentTarget),
      }, `Redeem on ${channel}`)));
    } else if (o.status === 'issued' && !eligible) {
      card.append(el('p', { class: 'meta' }, `Not redeemable on ${channel}.`));
    }
    if (offerReasons.has(o.offerId)) card.append(el('p', { class: 'alert offer-reason', role: 'alert' }, offerReasons.get(o.offerId)));
    return card;
  });
}

function handoffCards() {
  const handoffs = Object.values(byId(ctx, 'handoffs'));
  if (!handoffs.length) return none('No hand-offs.');
  return handoffs.map((h) => el('li', { class: 'card', data: { ref: h.handoffId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, `${h.kind} ${h.ref}`), statusChip(h.status), '→ ', h.toTeam),
    el('p', { class: 'meta' }, 'from ', channelChip(h.fromChannel), ' · due ', when(h.dueBy)),
    h.note ? el('p', {}, h.note) : '',
    h.acceptedBy ? el('p', {}, `${h.status === 'completed' ? 'Done' : 'Accepted'} by ${h.acceptedBy.sub || ''} on `,
      channelChip(h.acceptedBy.channel), h.acceptedAt ? ' at ' : '', h.acceptedAt ? when(h.acceptedAt) : '') : '',
    h.outcome ? el('p', { class: 'meta' }, `Outcome: ${h.outcome}`) : ''));
}

function identityItems() {
  const ids = list(ctx, 'identities');
  if (!ids.length) return none('No identities linked.');
  return ids.map((i) => el('li', { class: 'card', data: { ref: i.value } }, el('span', { class: 'meta' }, `${i.type} `), i.value));
}

function reservationCards() {
  const rs = Object.values(byId(ctx, 'reservations'));
  if (!rs.length) return none('No reservations.');
  return rs.map((r) => el('li', { class: 'card', data: { ref: r.reservationId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, r.sku), statusChip(r.status)),
    el('div', { class: 'meta' }, `store ${r.storeId} · until `, when(r.until), ` · ${r.reservationId}`)));
}

function appointmentCards() {
  const as = Object.values(byId(ctx, 'appointments'));
  if (!as.length) return none('No appointments.');
  return as.map((a) => el('li', { class: 'card', data: { ref: a.appointmentId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, a.kind), statusChip(a.status)),
    el('div', { class: 'meta' }, when(a.at), a.previousAt ? ' · moved from ' : '', a.previousAt ? when(a.previousAt) : ''),
    a.status === 'scheduled' ? el('div', { class: 'actions' }, el('button', {
      type: 'button', class: 'secondary', data: { key: `reschedule:${a.appointmentId}` }, onclick: () => askReschedule(a),
    }, 'Reschedule')) : ''));
}

function caseCards() {
  const cs = Object.values(byId(ctx, 'cases'));
  if (!cs.length) return none('No cases.');
  return cs.map((k) => el('li', { class: 'card', data: { ref: k.caseId } },
    el('div', { class: 'line' }, el('span', { class: 'title' }, k.subject), statusChip(k.status)),
    el('div', { class: 'meta' }, [k.priority && `priority ${k.priority}`, k.owner && `owner ${k.owner}`, k.caseId].filter(Boolean).join(' · '),
      k.openedAt ? ' · opened ' : '', k.openedAt ? when(k.openedAt) : '')));
}

function noteCards() {
  const notes = list(ctx, 'notes').slice().reverse();                 // newest first
  if (!notes.length) return none('No notes.');
  return notes.map((n) => {
    const internal = n.visibility === 'internal';
    return el('li', { class: `card note-${internal ? 'internal' : 'customer'}`, data: { ref: n.noteId } },
      el('div', { class: 'line' }, el('span', { class: `vis vis-${internal ? 'internal' : 'customer'}` },
        internal ? 'Internal' : 'Customer-visible'), el('span', { class: 'meta' }, when(n.at))),
      el('p', {}, n.text));
  });
}

function interactionCards() {
  const items = list(ctx, 'interactions').slice(0, 10);              // newest first already
  if (!items.length) return none('No interactions yet.');
  return items.map((i) => el('li', { class: 'card', data: { ref: i.interactionId } },
    el('div', { class: 'line' }, channelChip(i.channel), el('span', { class: 'title' }, i.kind), el('span', { class: 'meta' }, when(i.at))),
    i.summary ? el('p', {}, i.summary) : ''));
}

// ---- writes -------------------------------------------------------------------------------------

/** One user action: the ops through REST with a fresh Idempotency-Key; rejects as the SDK does. */
function write(ops, prefix, what = 'The change') {
  return send({ customerId: watching, ops, key: newKey(prefix), what });
}

/** Sends an action; one that may have committed (no answer, 503) is kept for "Try again" with its key and body. */
async function send(action) {
  try {
    const answer = await oc.write(action.customerId, action.ops, { idempotencyKey: action.key });
    if (failed === action) offerRetry(null);
    return answer;
  } catch (err) {
    if (mayHaveCommitted(err)) offerRetry(action, err);
    throw err;
  }
}

function offerRetry(action, err) {
  failed = action;
  $('retry').hidden = !action;
  if (action) {
    $('retry-text').textContent = `${action.what} may not have been recorded (${problemText(err)}). Try again sends the very same request, so it is recorded once.`;
  }
}

$('retry-button').addEventListener('click', async () => {
  const action = failed;
  if (!action) return;
  $('retry-button').disabled = true;
  try {
    await send(action);
    alertText('');
  } catch (err) {
    if (!mayHaveCommitted(err)) { offerRetry(null); alertText(`${action.what} was refused: ${problemText(err)}`); }
  } finally {
    $('retry-button').disabled = false;
  }
});

/** A text field's value, emptied at once so the next entry can start while this one is sent. */
function takeText(field) {
  const text = field.value.trim();
  field.value = '';
  return text;
}

/**
 * After a refusal: the text back in its field, unless something new was typed meanwhile. Not after a failure
 * that may have committed: Try again re-sends it, a second submit would record it twice.
 */
function giveBack(field, text, err) {
  if (!field.value && !mayHaveCommitted(err)) field.value = text;
}

async function redeem(offerId, button) {
  button.disabled = true;
  offerReasons.delete(offerId);
  try {
    await write([{ op: 'offer.redeem', offerId, channel: myChannel() }], 'redeem', 'The redemption');
  } catch (err) {
    offerReasons.set(offerId, redeemRefusal(offerId, err));
    render();
  } finally {
    button.disabled = false;
  }
}

function redeemRefusal(offerId, err) {
  if (err?.code !== 'offer_already_redeemed') return `Not redeemed: ${problemText(err)}`;
  const offer = byId(ctx, 'offers')[offerId] || {};
  const channel = problemField(err, 'redeemedChannel') || offer.redeemedChannel || 'another channel';
  const at = problemField(err, 'redeemedAt') || offer.redeemedAt;
  return `Already redeemed on ${channel}${at ? ` at ${new Date(at).toLocaleString()}` : ''}.`;
}

let rescheduling = null;
function askReschedule(appointment) {
  rescheduling = appointment;
  $('reschedule-what').textContent = `${appointment.kind}, now ${new Date(appointment.at).toLocaleString()}`;
  $('reschedule-at').value = localInput(new Date(appointment.at));
  $('reschedule').showModal();
}

$('reschedule').addEventListener('close', async () => {
  const a = rescheduling; rescheduling = null;
  if ($('reschedule').returnValue !== 'save' || !a || !$('reschedule-at').value) return;
  try {
    await write([{ op: 'appointment.reschedule', appointmentId: a.appointmentId, kind: a.kind, at: fromLocalInput($('reschedule-at').value) }], 'reschedule', 'The new time');
  } catch (err) { alertText(`Not rescheduled: ${problemText(err)}`); }
});

/** What a hand-off can be about: the customer's live reservations, appointments, cases and offers. */
function refreshHandoffChoices() {
  const select = $('ho-ref'), keep = select.value;
  const choices = [
    ...Object.values(byId(ctx, 'reservations')).filter((r) => r.status === 'held').map((r) => ['reservation', r.reservationId, `Reservation ${r.sku} at ${r.storeId}`]),
    ...Object.values(byId(ctx, 'appointments')).filter((a) => a.status === 'scheduled').map((a) => ['appointment', a.appointmentId, `Appointment ${a.kind}`]),
    ...Object.values(byId(ctx, 'cases')).filter((k) => k.status !== 'resolved').map((k) => ['case', k.caseId, `Case ${k.subject}`]),
    ...Object.values(byId(ctx, 'offers')).filter((o) => o.status === 'issued').map((o) => ['offer', o.offerId, `Offer ${o.title}`]),
  ];
  select.replaceChildren(...(choices.length ? choices.map(([kind, id, text]) => el('option', { value: `${kind}:${id}` }, `${text} (${id})`))
    : [el('option', { value: '' }, 'Nothing to hand over')]));
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}

$('handoff-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const [kind, ref] = $('ho-ref').value.split(/:(.*)/s);
  if (!ref) { alertText('Pick what the hand-off is about.'); return; }
  const op = {
    op: 'handoff.create', handoffId: `h-${shortId()}`, kind, ref, fromChannel: myChannel(), toTeam: $('ho-team').value.trim(),
    dueBy: fromLocalInput($('ho-due').value),
  };
  const note = takeText($('ho-note'));
  if (note) op.note = note;
  try {
    await write([op], 'handoff', 'The hand-off');
    alertText('');
  } catch (err) {
    giveBack($('ho-note'), note, err);
    alertText(`Not handed over: ${problemText(err)}`);
  }
});

$('note-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const visibility = new FormData(e.currentTarget).get('visibility');
  const text = takeText($('note-text'));
  try {
    await write([{ op: 'note.add', noteId: `n-${shortId()}`, text, visibility }], 'note', 'The note');
  } catch (err) {
    giveBack($('note-text'), text, err);
    alertText(`Note not added: ${problemText(err)}`);
  }
});

$('engage').addEventListener('click', async () => {
  const channel = myChannel();
  const activity = { voice: 'on-call', chat: 'in-chat', store: 'at-counter' }[channel] || 'engaged';
  $('engage').disabled = true;
  const customerId = watching;
  try {
    const started = await oc.engage(customerId, { channel, activity });
    myEngagement = { customerId, engagementId: started.data?.engagementId, channel, activity };
  } catch (err) {
    $('engage').disabled = false;
    alertText(`Could not mark you engaged: ${problemText(err)}`);
  }
});

/** Leaving a customer ends "I'm with this customer" (the server ends it too, but only when the socket closes). */
function leaveEngagement() {
  const e = myEngagement;
  myEngagement = null;
  if (!e || !e.engagementId) return;
  oc.write(e.customerId, [{ op: 'engagement.end', engagementId: e.engagementId, channel: e.channel, activity: e.activity }],
    { idempotencyKey: newKey('engagement-end') }).catch(() => { /* it ends with the connection anyway */ });
}

$('create').addEventListener('click', () => {
  creating = watching;
  missing = false;
  render();
  $('note-text').focus();
});

// ---- the story: the sofa, one step a second, each step through REST as the channel that acts ------
// bin/run hands the desk one token per channel of the story (?story-tokens=email:JWT,chat:JWT,store:JWT): the
// email step is the campaign system's, the chat steps a chat agent's, the accept and redemption the store's.
// Without them every step goes with this desk's own token, and the highlights say so.

const storyTokens = takeStoryTokens();

function takeStoryTokens() {
  const key = 'omnicontext.desk.story-tokens';
  const fromUrl = params.get('story-tokens');
  if (fromUrl) {
    sessionStorage.setItem(key, fromUrl);
    params.delete('story-tokens');
    history.replaceState(null, '', `${location.pathname}${params.toString() ? `?${params}` : ''}`);
  }
  const out = new Map();
  for (const pair of (sessionStorage.getItem(key) || '').split(',')) {
    const [channel, jwt] = pair.split(/:(.*)/s);
    if (channel && jwt) out.set(channel.trim(), jwt.trim());
  }
  return out;
}

/** One story step as its channel's actor: that channel's token if the desk has one, else the desk's own. */
async function storyStep(channel, ops) {
  const bearer = storyTokens.get(channel);
  if (!bearer) return write(ops, 'story', 'The story step');
  const key = newKey(`story-${channel}`);
  for (let attempt = 1; ; attempt++) {       // the same key on a retry, as oc.write does
    let res;
    try {
      res = await fetch(`/v1/customers/${encodeURIComponent(watching)}/changes`, {
        method: 'POST', body: JSON.stringify({ ops }),
        headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
      });
    } catch (err) {
      if (attempt < 2) continue;
      throw { status: 0, code: 'network', detail: err.message };
    }
    if (res.status === 503 && attempt < 2) continue;
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw { status: res.status, code: body.code || `http_${res.status}`, detail: body.detail || res.statusText };
    return body;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sofaStory(team) {
  const s = shortId(), offerId = `o-sofa-${s}`, reservationId = `r-sofa-${s}`, handoffId = `h-sofa-${s}`;
  return [
    ['Offer issued by email', 'email', [
      { op: 'offer.issue', offerId, title: 'Green sofa -15%', originChannel: 'email', eligibleChannels: ['chat', 'store', 'web'], price: 849, validUntil: inHours(24 * 7) },
      { op: 'interaction.record', interactionId: `i-mail-${s}`, channel: 'email', kind: 'campaign', summary: 'Opened the green sofa offer' }]],
    ['Sofa reserved in chat', 'chat', [
      { op: 'interaction.record', interactionId: `i-chat-${s}`, channel: 'chat', kind: 'chat', summary: 'Asked to hold the green sofa until Saturday' },
      { op: 'reservation.hold', reservationId, sku: 'SOFA-GREEN', storeId: team.split(':')[1] || 'branch-X', until: inHours(48) }]],
    [`Handed off to ${team}`, 'chat', [
      { op: 'handoff.create', handoffId, kind: 'reservation', ref: reservationId, fromChannel: 'chat', toTeam: team, dueBy: inHours(4), note: 'Comes at 5 pm to see the green sofa; the -15% offer applies' }]],
    ['The store accepted the hand-off', 'store', [{ op: 'handoff.accept', handoffId }]],
    ['Redeemed in store', 'store', [
      { op: 'offer.redeem', offerId, channel: 'store' },
      { op: 'interaction.record', interactionId: `i-store-${s}`, channel: 'store', kind: 'visit', summary: 'Bought the green sofa with the offer' }]],
    ['Sofa picked up, hand-off completed', 'store', [
      { op: 'reservation.fulfil', reservationId }, { op: 'handoff.complete', handoffId, outcome: 'Sold with the offer' }]],
  ];
}

$('story').addEventListener('click', async () => {
  const steps = sofaStory($('ho-team').value.trim() || 'store:branch-X');
  const status = $('story-status');
  $('story').disabled = true;
  try {
    for (const [i, [title, channel, ops]] of steps.entries()) {
      const as = storyTokens.has(channel) ? channel : `${channel}, sent with your token`;
      status.textContent = `Step ${i + 1} of ${steps.length}: ${title} (as ${as})`;
      await storyStep(channel, ops);
      if (i < steps.length - 1) await sleep(1000);
    }
    status.textContent = `The story is done (${steps.length} steps).`;
  } catch (err) {
    status.textContent = `The story stopped: ${problemText(err)}`;
  } finally {
    $('story').disabled = false;
  }
});

// ---- wiring -------------------------------------------------------------------------------------

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token.set($('token').value);
  signIn(token.get());
});

$('signout').addEventListener('click', () => {
  token.clear();
  if (oc) oc.close();
  location.assign(location.pathname);
});

$('find').addEventListener('submit', async (e) => {
  e.preventDefault();
  alertText('');
  try {
    const id = await resolveCustomer(token.get(), $('find-by').value, $('find-value').value.trim());
    open(id);
  } catch (err) { alertText(err.message); }
});

$('ho-due').value = localInput(new Date(Date.now() + 2 * 3600e3));
if (params.get('team')) $('ho-team').value = params.get('team');
if (token.get()) signIn(token.get()); else showSignIn();
