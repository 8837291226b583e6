type HeaderSource = Headers | Record<string, string | string[] | undefined>;

export const IMPORT_BODY_LIMIT: number;
export const DEFAULT_BODY_LIMIT: number;
export const CROSS_ORIGIN_MESSAGE: string;

export function isStateChanging(method: string | undefined): boolean;

/** Why a state-changing request is cross-origin, or null when it may proceed. */
export function crossOriginProblem(input: { headers: HeaderSource; publicUrl?: string }): string | null;

/** The largest request body a path accepts, and what to call it in the refusal. */
export function bodyLimitFor(rawUrl: string): { limit: number; what: string };

export interface GuardRefusal {
  status: number;
  code: string;
  headers: Record<string, string>;
  body: string;
}

/** serve.mjs's check in front of Next: null to hand the request on, or the response to answer with. */
export function guardRequest(input: {
  method: string | undefined;
  url: string | undefined;
  headers: HeaderSource;
  publicUrl?: string;
}): GuardRefusal | null;
