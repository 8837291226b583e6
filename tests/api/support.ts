import { sql } from 'drizzle-orm';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { TokenCredential } from '@azure/core-auth';
import { createHttpHeaders, createPipelineRequest, isRestError, type PipelineResponse, type RestError } from '@azure/core-rest-pipeline';
import { openDatabase } from '@/db/client';
import { users } from '@/db/schema';
import { DEMO_SUBSCRIPTION, DEMO_USERS } from '@/db/seed/demo';
import { mintToken } from '@/lib/tokens/test-support';
import type { TestServer } from './server';

export type Persona = keyof typeof DEMO_USERS;
export const SUB_ID = DEMO_SUBSCRIPTION.split('/')[2];
/** SDK scopes are written without the leading slash, as Azure's own samples do. */
export const SUB = DEMO_SUBSCRIPTION.slice(1);
export const rg = (name: string) => `${SUB}/resourceGroups/${name}`;
export const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const roleDef = (id: string) => `${DEMO_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${id}`;

/**
 * Personal API tokens written straight into the server's fresh database (what a user
 * would create on the Profile page), plus each persona's user id.
 */
export function seedTokens(server: TestServer): Record<Persona, { id: string; token: string }> {
  const { db, sqlite } = openDatabase(server.dbFile);
  try {
    const out = {} as Record<Persona, { id: string; token: string }>;
    for (const [key, u] of Object.entries(DEMO_USERS) as [Persona, { email: string }][]) {
      const user = db
        .select()
        .from(users)
        .where(sql`lower(${users.email}) = ${u.email}`)
        .get()!;
      // as the Profile page mints it: with a code (ADR 092), one that leaves the current code unused for the suite's step-ups
      out[key] = { id: user.id, token: mintToken(db, user, { name: 'sdk suite', expiresInDays: 1 }, Date.now()) };
    }
    return out;
  } finally {
    sqlite.close();
  }
}

export const credential = (token: string): TokenCredential => ({
  getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
});

/** The official client, pointed at Elevate, trusting only the test certificate, never retrying. */
export function client(server: TestServer, token: string): AuthorizationManagementClient {
  return new AuthorizationManagementClient(credential(token), SUB_ID, {
    endpoint: server.baseUrl,
    credentialScopes: [`${server.baseUrl}/.default`],
    retryOptions: { maxRetries: 0 },
    tlsOptions: { ca: server.ca },
  });
}

/** A raw call through the client's own pipeline (bearer token, TLS), for endpoints the SDK has no method for. */
export async function send(
  c: AuthorizationManagementClient,
  server: TestServer,
  method: 'GET' | 'PUT' | 'PATCH' | 'POST',
  pathAndQuery: string,
  body?: unknown,
): Promise<PipelineResponse & { json: any }> {
  const res = await c.sendRequest(
    createPipelineRequest({
      url: pathAndQuery.startsWith('https://') ? pathAndQuery : `${server.baseUrl}${pathAndQuery}`,
      method,
      headers: createHttpHeaders(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  let json: unknown = null;
  try {
    json = res.bodyAsText ? JSON.parse(res.bodyAsText) : null;
  } catch {
    json = res.bodyAsText;
  }
  return Object.assign(res, { json });
}

/** The RestError a call fails with (any other outcome fails the test). */
export async function restError(p: Promise<unknown>): Promise<RestError> {
  try {
    await p;
  } catch (e) {
    if (isRestError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail with a RestError');
}

/** Every item of a paged SDK list. */
export async function all<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}
