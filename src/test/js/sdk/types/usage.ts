// Compiled by types.test.mjs with tsc --noEmit --strict: the declarations describe the whole surface.
import {
  connect, applyPatch, backoffDelay, PatchError,
  type Connection, type ConnectionState, type CustomerContext, type Change, type RedactedChange, type HandoffItem,
  type ServerFrame, type RequestError, type SubscriptionError, type WriteResult, type JsonPatch,
  type ClientFrame, type FetchLike, type ResponseLike,
} from '../../../../main/resources/META-INF/resources/sdk/omnicontext.js';

const oc: Connection = connect({ url: 'http://127.0.0.1:8080', getToken: async () => 'jwt' });
const state: ConnectionState = oc.state;
const off: () => void = oc.onState((s: ConnectionState) => console.log(s));
off();

const julia = oc.customer('julia', {
  onUpdate(context: CustomerContext, change: Change | RedactedChange | null) {
    const offers = Object.values(context.offers).filter((o) => o.status === 'issued');
    console.log(context.version, offers.length, change?.version, change?.patch.length);
  },
  onError(err: SubscriptionError) { console.warn(err.code, err.message); },
});
const v: number | null = julia.version;
const c: CustomerContext | null = julia.context;
julia.close();

const shop = oc.team('store:branch-X', { onUpdate(handoffs: HandoffItem[], frame) { console.log(handoffs.length, frame?.seq, frame?.item.status); } });
const board: HandoffItem[] = shop.handoffs;

async function act(): Promise<void> {
  const r: WriteResult = await oc.write('julia', [{ op: 'offer.redeem', offerId: 'o-1', channel: 'store' }], { idempotencyKey: 'k-1', expectedVersion: 7 });
  const started: Change = await oc.engage('julia', { channel: 'voice', activity: 'on-call' });
  console.log(r.version, r.changes[0]?.patch, started.op);
  try { await oc.write('julia', []); } catch (e) { const p = e as RequestError; console.log(p.status, p.code, p.detail); }
}
void act();

function route(frame: ServerFrame): string {
  switch (frame.type) {
    case 'subscribed': return frame.id ?? '';
    case 'snapshot': return 'context' in frame ? frame.context.customerId : frame.team;
    case 'change': return String(frame.version);
    case 'handoff': return frame.item.handoffId + frame.change.op;
    case 'unsubscribed': return 'un';
    case 'pong': return 'pong';
    case 'error': return frame.code + frame.message;
    case 'erased': return frame.customerId;
    case 'reach': return `${frame.purpose}/${frame.channel}: ${frame.allowed ? frame.to ?? '' : frame.reason ?? ''}`;
  }
}

const patch: JsonPatch = [{ op: 'add', path: '/a', value: 1 }, { op: 'move', from: '/a', path: '/b' }];
const doc: { a?: number } = applyPatch({ a: 0 }, patch);
const wait: number = backoffDelay(0);
const isPatchError = (e: unknown): boolean => e instanceof PatchError && typeof e.index === 'number';
console.log(state, v, c, board, route, doc, wait, isPatchError);
oc.close();

// @ts-expect-error: customer needs an id
oc.customer();
// @ts-expect-error: the state is one of four words
const wrong: ConnectionState = 'opening';
console.log(wrong);

// A sender's reach subscription, as a client frame, and its answers.
const askReach: ClientFrame = { type: 'subscribe', id: 'r9', customerId: 'linda', reach: { purpose: 'marketing', channel: 'sms' } };
const reachAnswered = (f: ServerFrame): boolean => f.type === 'subscribed' && f.reach?.channel === askReach.type.length.toString();

// A fetch of its own (React Native, an old Node) needs only what ResponseLike names, no DOM types.
const answer: ResponseLike = { ok: true, status: 200, headers: { get: () => null }, json: async () => ({ customerId: 'julia', version: 1, changes: [] }) };
const myFetch: FetchLike = async (input, init) => (input && init.method === 'POST' ? answer : answer);
connect({ url: 'http://127.0.0.1:8080', token: 'jwt', fetch: myFetch }).close();
console.log(reachAnswered);
