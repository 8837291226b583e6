import { z } from 'zod';
import { ArmError, badRequest, errorBody } from './errors';

export function armJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

export function armErrorResponse(e: ArmError): Response {
  const headers: Record<string, string> = { 'x-ms-failure-cause': 'service' };
  if (e.status === 401) headers['www-authenticate'] = 'Bearer realm="elevate", error="invalid_token"';
  return armJson(errorBody(e), e.status, headers);
}

const MAX_BODY = 256 * 1024;

/** The JSON body, parsed with a zod schema; any problem is a 400 that names the field. */
export async function readBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const text = await req.text();
  if (text.length > MAX_BODY) throw badRequest('RequestBodyTooLarge', 'The request body is larger than 256 KB.');
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw badRequest('InvalidRequestContent', 'The request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      code: 'InvalidRequestContent',
      message: `${i.path.join('.') || 'body'}: ${i.message}`,
    }));
    throw new ArmError(
      400,
      'InvalidRequestContent',
      `The request body is not valid: ${details.map((d) => d.message).join('; ')}.`,
      details,
    );
  }
  return parsed.data;
}
