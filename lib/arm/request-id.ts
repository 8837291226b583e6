import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The ids that trace one API call end to end, as Azure Resource Manager names them:
 * `x-ms-request-id` (ours, new for every call) and `x-ms-correlation-request-id` (the
 * caller's, echoed, or ours when the caller sent none). Both go back on the response,
 * into the server's log line and into the audit event of any change the call makes.
 */
export interface RequestIds {
  requestId: string;
  correlationId: string;
}

export const REQUEST_ID_HEADER = 'x-ms-request-id';
export const CORRELATION_ID_HEADER = 'x-ms-correlation-request-id';
/** what the Azure SDKs send on every call; echoed so a client log can be matched to ours */
export const CLIENT_REQUEST_ID_HEADER = 'x-ms-client-request-id';

/**
 * A caller's id is echoed only when it is a plain token (GUIDs and the like): anything
 * else could forge log lines or audit text, so it is replaced by one of ours.
 */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const isSafeId = (s: string | null | undefined): s is string => typeof s === 'string' && SAFE_ID.test(s);

/** Fresh ids for a call; the correlation id is the caller's when it is safe to echo. */
export function newRequestIds(headers: Pick<Headers, 'get'>): RequestIds {
  const given = headers.get(CORRELATION_ID_HEADER)?.trim();
  return { requestId: crypto.randomUUID(), correlationId: isSafeId(given) ? given : crypto.randomUUID() };
}

/** The response headers that carry the ids (and the SDK's client request id, when safe). */
export function requestIdHeaders(ids: RequestIds, reqHeaders?: Pick<Headers, 'get'>): Record<string, string> {
  const out: Record<string, string> = { [REQUEST_ID_HEADER]: ids.requestId, [CORRELATION_ID_HEADER]: ids.correlationId };
  const client = reqHeaders?.get(CLIENT_REQUEST_ID_HEADER)?.trim();
  if (isSafeId(client)) out[CLIENT_REQUEST_ID_HEADER] = client;
  return out;
}

interface Slot extends RequestIds {
  /** false once the response is out: work the call left behind (timers) is not the call's */
  open: boolean;
}

// one store per process, even if the module is bundled more than once (route handlers,
// server actions and instrumentation are separate bundles)
const KEY = Symbol.for('elevate.arm.requestIds');
const holder = globalThis as unknown as { [KEY]?: AsyncLocalStorage<Slot> };
const store: AsyncLocalStorage<Slot> = (holder[KEY] ??= new AsyncLocalStorage<Slot>());

/** Runs `fn` as the call with these ids: audit events written meanwhile carry them. */
export async function runWithRequestIds<T>(ids: RequestIds, fn: () => Promise<T>): Promise<T> {
  const slot: Slot = { ...ids, open: true };
  try {
    return await store.run(slot, fn);
  } finally {
    slot.open = false;
  }
}

/** The ids of the API call this code runs for, if any. */
export function currentRequestIds(): RequestIds | undefined {
  const slot = store.getStore();
  return slot?.open ? { requestId: slot.requestId, correlationId: slot.correlationId } : undefined;
}

/**
 * Audit details with the call's ids added (`apiRequestId` = x-ms-request-id, `correlationId`);
 * named apart from the audit event's own `requestId` (the PIM request). Unchanged outside
 * an API call, and a detail the writer set itself is never overwritten.
 */
export function withRequestIds(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const ids = currentRequestIds();
  return ids ? { apiRequestId: ids.requestId, correlationId: ids.correlationId, ...details } : (details ?? {});
}
