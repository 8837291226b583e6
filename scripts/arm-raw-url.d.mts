export interface RawUrlError {
  status: number;
  code: string;
  message: string;
}

/** The URL to hand to Next (a trailing slash dropped), or the ARM error to answer with. */
export function checkArmRawUrl(rawUrl: string): { url: string } | { error: RawUrlError };

/** ARM's error body with fresh request ids, the caller's correlation id echoed. */
export function armRawErrorResponse(
  error: RawUrlError,
  reqHeaders: Record<string, string | string[] | undefined>,
): {
  status: number;
  headers: Record<string, string>;
  body: string;
  requestId: string;
  correlationId: string;
};

export function armRawLogLine(
  method: string,
  rawUrl: string,
  status: number,
  ms: number,
  ids: { requestId: string; correlationId: string },
): string;
