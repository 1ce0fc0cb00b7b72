// Type declarations of /sdk/omnicontext.js (contract: sdk-v1.md; frames: api-v1.md and its "Additions (v1.1)").

// ---------------------------------------------------------------- JSON and the context

export type Json = null | boolean | number | string | Json[] | { [member: string]: Json };

export type Channel = 'web' | 'email' | 'chat' | 'voice' | 'store' | 'mobile' | 'social' | 'system';

/** Who made a change; a customer token sees `channel` only. */
export interface Actor {
  sub?: string;
  channel: Channel | string;
}

export interface Offer {
  offerId: string;
  status: 'issued' | 'redeemed' | 'expired' | string;
  title?: string;
  originChannel?: string;
  eligibleChannels?: string[];
  price?: number;
  validUntil?: string;
  redeemedAt?: string;
  redeemedChannel?: string;
  [member: string]: Json | undefined;
}

export interface Appointment {
  appointmentId: string;
  kind?: string;
  at?: string;
  previousAt?: string;
  status: 'scheduled' | 'cancelled' | string;
  [member: string]: Json | undefined;
}

export interface Reservation {
  reservationId: string;
  sku?: string;
  storeId?: string;
  until?: string;
  status: 'held' | 'released' | 'fulfilled' | 'expired' | string;
  [member: string]: Json | undefined;
}

export interface Case {
  caseId: string;
  subject?: string;
  status: string;
  priority?: string;
  owner?: string;
  [member: string]: Json | undefined;
}

export interface Note {
  noteId: string;
  text: string;
  visibility: 'internal' | 'customer';
  [member: string]: Json | undefined;
}

export interface Interaction {
  interactionId: string;
  channel: string;
  kind?: string;
  summary?: string;
  [member: string]: Json | undefined;
}

export interface Engagement {
  engagementId: string;
  channel: string;
  activity?: string;
  status: 'active' | 'ended' | string;
  [member: string]: Json | undefined;
}

export interface Identity {
  type: 'email' | 'phone' | 'loyalty' | 'device' | string;
  value: string;
  [member: string]: Json | undefined;
}

export interface Handoff {
  handoffId: string;
  kind: 'reservation' | 'appointment' | 'case' | 'offer' | string;
  ref?: string;
  fromChannel?: string;
  toTeam?: string;
  dueBy?: string;
  note?: string;
  status: 'open' | 'accepted' | 'completed' | 'overdue' | string;
  acceptedBy?: Actor;
  [member: string]: Json | Actor | undefined;
}

export interface AttentionItem {
  kind: 'offer_redeemable' | 'handoff_open' | 'handoff_overdue' | 'case_open' | 'consent_withdrawn'
    | 'appointment_soon' | 'reservation_expiring' | string;
  ref?: string;
  since?: string;
  severity?: string;
  [member: string]: Json | undefined;
}

/** What GET /v1/customers/{id}/context answers, as this token's audience sees it. Treat it as read-only. */
export interface CustomerContext {
  customerId: string;
  version: number;
  profile: { [member: string]: Json };
  identities: Identity[];
  offers: { [offerId: string]: Offer };
  appointments: { [appointmentId: string]: Appointment };
  reservations: { [reservationId: string]: Reservation };
  cases: { [caseId: string]: Case };
  notes: Note[];
  preferences: { [dottedKey: string]: Json };
  /** Newest first, the latest 50. */
  interactions: Interaction[];
  engagements: { [engagementId: string]: Engagement };
  handoffs?: { [handoffId: string]: Handoff };
  attention?: AttentionItem[];
  [member: string]: unknown;
}

// ---------------------------------------------------------------- JSON Patch (RFC 6902)

export type PatchOperation =
  | { op: 'add'; path: string; value: Json }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: Json }
  | { op: 'move'; from: string; path: string }
  | { op: 'copy'; from: string; path: string }
  | { op: 'test'; path: string; value: Json };

export type JsonPatch = PatchOperation[];

/** Raised by applyPatch; `index` is the failing operation's position in the patch. */
export class PatchError extends Error {
  readonly index: number | undefined;
}

/** The document `patch` makes of `doc`; `doc` is never modified (untouched parts are shared). Throws PatchError. */
export function applyPatch<T = Json>(doc: T, patch: JsonPatch): T;

/** RFC 6901 tokens of a JSON Pointer ("" is the whole document; ~1 is "/", ~0 is "~"). */
export function parsePointer(pointer: string): string[];

/** JSON equality (the `test` operation's): members in any order, arrays by position. */
export function jsonEqual(a: Json, b: Json): boolean;

/** The reconnect delay in ms before attempt `attempt` (0 = first: 500..1000 ms), doubling, at most 30 000 ms. */
export function backoffDelay(attempt: number, random?: () => number): number;

// ---------------------------------------------------------------- changes and frames (server to client)

/** A committed change as the audience may see it; `patch` turns the context at version - 1 into the one at version. */
export interface Change {
  customerId: string;
  version: number;
  op: string;
  data?: { [member: string]: Json };
  actor?: Actor;
  at?: string;
  /** The new attention list, on the changes that altered it. */
  attention?: AttentionItem[] | null;
  patch: JsonPatch;
}

/** A change this audience may not see: it still advances the version (its patch is usually []). */
export interface RedactedChange {
  customerId: string;
  version: number;
  op: 'redacted';
  patch: JsonPatch;
}

export interface HandoffItem {
  customerId: string;
  handoffId: string;
  kind: string;
  ref?: string;
  status: 'open' | 'overdue' | 'accepted' | 'completed' | string;
  dueBy?: string;
  summary?: string;
  [member: string]: Json | undefined;
}

/** What a reach subscription asks: may this customer be contacted for this purpose on this channel. */
export interface ReachQuery {
  purpose: 'marketing' | 'service' | string;
  channel: 'sms' | 'email' | 'push' | 'voice' | string;
}

export interface SubscribedFrame {
  type: 'subscribed';
  id: string | null;
  customerId?: string;
  version?: number;
  team?: string;
  seq?: number;
  /** Present on the answer to a reach subscription. */
  reach?: ReachQuery;
}

export interface CustomerSnapshotFrame {
  type: 'snapshot';
  customerId: string;
  version: number;
  context: CustomerContext;
}

export interface TeamSnapshotFrame {
  type: 'snapshot';
  team: string;
  seq: number;
  handoffs: HandoffItem[];
}

export type SnapshotFrame = CustomerSnapshotFrame | TeamSnapshotFrame;

export type ChangeFrame = { type: 'change' } & (Change | RedactedChange);

export interface HandoffFrame {
  type: 'handoff';
  team: string;
  seq: number;
  customerId: string;
  change: Change;
  /** That hand-off's board entry after the change; a status other than open or overdue has left the board. */
  item: HandoffItem;
}

export interface UnsubscribedFrame {
  type: 'unsubscribed';
  id: string | null;
  customerId?: string;
  team?: string;
  /** Present when a reach subscription ended. */
  reach?: ReachQuery;
}

/** A sender's reach answer: sent first on a reach subscription, then again whenever a change alters it. */
export interface ReachFrame {
  type: 'reach';
  customerId: string;
  version: number;
  purpose: ReachQuery['purpose'];
  channel: ReachQuery['channel'];
  allowed: boolean;
  to?: string | null;
  reason?: string;
}

export interface PongFrame {
  type: 'pong';
  id: string | null;
}

export type ErrorFrameCode = 'forbidden' | 'not_found' | 'bad_request' | 'rate_limited' | 'too_large' | 'unavailable';

export interface ErrorFrame {
  type: 'error';
  id: string | null;
  code: ErrorFrameCode | string;
  message: string;
}

/** The customer was erased; its subscription ends. */
export interface ErasedFrame {
  type: 'erased';
  customerId: string;
}

export type ServerFrame =
  | SubscribedFrame | SnapshotFrame | ChangeFrame | HandoffFrame | UnsubscribedFrame | PongFrame | ErrorFrame | ErasedFrame
  | ReachFrame;

/** Client-to-server frames (the SDK sends all but the reach ones, which senders use directly; staff only). */
export type ClientFrame =
  | { type: 'subscribe'; id: string; customerId: string; after?: number }
  | { type: 'subscribe'; id: string; team: string; after?: number }
  | { type: 'subscribe'; id: string; customerId: string; reach: ReachQuery }
  | { type: 'unsubscribe'; id: string; customerId: string }
  | { type: 'unsubscribe'; id: string; team: string }
  | { type: 'unsubscribe'; id: string; customerId: string; reach: ReachQuery }
  | { type: 'ping'; id: string }
  | { type: 'engage'; id: string; customerId: string; channel?: Channel | string; activity?: string };

// ---------------------------------------------------------------- the SDK surface

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A WebSocket constructor (browser, Node 22+, undici, the `ws` package, React Native). */
export interface WebSocketConstructor {
  new (url: string): WebSocketLike;
}

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** What write needs of a fetch answer: a DOM Response, undici's, React Native's all fit (no DOM lib needed). */
export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText?: string;
  readonly headers?: { get(name: string): string | null };
  json(): Promise<unknown>;
}

/** A fetch function: the global one of a browser, Node 18+ or React Native, or any with this shape. */
export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<ResponseLike>;

export interface ConnectOptions {
  /** The node's http(s) base, e.g. http://127.0.0.1:8080 (the stream is ws(s)://.../v1/stream). */
  url: string;
  /** A JWT; or getToken. */
  token?: string;
  /** Called for the first token, again after a 4401 close, before a token within 30 s of `exp` is used, and after an HTTP 401. */
  getToken?: () => string | Promise<string>;
  /** For runtimes without a global WebSocket (Node 20 without --experimental-websocket). */
  WebSocket?: WebSocketConstructor;
  /** For runtimes without a global fetch (write only). */
  fetch?: FetchLike;
  /** Idle time before the SDK pings (default 25 000 ms). */
  pingIntervalMs?: number;
  /** No frame this long after a ping: the link is dead, reconnect (default 10 000 ms). */
  pingTimeoutMs?: number;
}

/**
 * Given to onError. Codes: the contract's error frame codes (`forbidden`, `not_found`, `bad_request`,
 * `rate_limited`, `too_large`, `unavailable`) and the SDK's own: `erased` (the customer was erased),
 * `unauthorized` (4401 with a fixed token), `protocol` (a frame the SDK cannot apply). Only
 * `unavailable`, `rate_limited` and a `protocol` patch failure (a new snapshot is taken) keep the
 * subscription; after any other code it has ended.
 */
export interface SubscriptionError {
  code: ErrorFrameCode | 'erased' | 'unauthorized' | 'protocol' | string;
  message: string;
}

/**
 * How write and engage reject: from the problem+json (HTTP status) or the error frame (the status REST
 * would answer: forbidden is 404 as over HTTP). Status 0 for what never reached an answer: `network`,
 * `closed`, `disconnected` (the socket dropped before engage was answered), `timeout`, `bad_request`
 * (bad arguments), `unsupported`. Other problem members (`redeemedAt`, `redeemedChannel`, ...) are kept.
 */
export interface RequestError {
  status: number;
  code: string;
  detail: string;
  /** Seconds, from Retry-After (429). */
  retryAfter?: number;
  [member: string]: unknown;
}

export interface CustomerCallbacks {
  /** Once with the snapshot (change null), then once per change in version order, never twice, never a gap. */
  onUpdate?(context: CustomerContext, change: Change | RedactedChange | null): void;
  onError?(error: SubscriptionError): void;
}

export interface LiveCustomer {
  readonly customerId: string;
  /** The live context as GET context answers it; null until the snapshot. */
  readonly context: CustomerContext | null;
  /** Its version (0 for a customer with no change yet); null until the snapshot. */
  readonly version: number | null;
  /** No more callbacks; the subscription ends when no live object of this customer is left on the connection. */
  close(): void;
}

export interface TeamCallbacks {
  /** Once with the snapshot (frame null), then once per hand-off frame in seq order. */
  onUpdate?(handoffs: HandoffItem[], frame: Omit<HandoffFrame, 'type'> | null): void;
  onError?(error: SubscriptionError): void;
}

export interface LiveTeam {
  readonly team: string;
  /** The team's open and overdue hand-offs as GET /v1/teams/{team}/handoffs lists them; [] until the snapshot. */
  readonly handoffs: HandoffItem[];
  /** The team feed's seq; null until the snapshot. */
  readonly seq: number | null;
  close(): void;
}

/** An op of POST /v1/customers/{id}/changes, e.g. {op: 'offer.redeem', offerId: 'o-1', channel: 'store'}. */
export interface Op {
  op: string;
  [field: string]: Json;
}

export interface WriteOptions {
  /** With a key, a request that got no answer or a 503 is sent once more with the same key and body. */
  idempotencyKey?: string;
  expectedVersion?: number;
}

export interface WriteResult {
  customerId: string;
  version: number;
  changes: Change[];
}

export interface EngageOptions {
  /** Defaults to the token's channel. */
  channel?: Channel | string;
  /** Defaults to "engaged". */
  activity?: string;
}

export interface Connection {
  readonly state: ConnectionState;
  /** The listener hears every state move; call the returned function to stop. */
  onState(listener: (state: ConnectionState) => void): () => void;
  customer(customerId: string, callbacks?: CustomerCallbacks): LiveCustomer;
  team(team: string, callbacks?: TeamCallbacks): LiveTeam;
  /** REST: resolves the POST answer; rejects with a RequestError. */
  write(customerId: string, ops: Op[], options?: WriteOptions): Promise<WriteResult>;
  /** Sends the engage frame; resolves with the engagement.start change; rejects with a RequestError. */
  engage(customerId: string, options?: EngageOptions): Promise<Change>;
  /** Closes the socket for good: no reconnect, no more callbacks; state becomes 'closed'. */
  close(): void;
}

/** One WebSocket per call, shared by its live objects; reconnects by itself until close(). */
export function connect(options: ConnectOptions): Connection;
