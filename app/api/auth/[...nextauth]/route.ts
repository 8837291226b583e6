import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/options';
import { refuseCrossOrigin } from '@/lib/http/origin';

// Built per request so configuration and the generated secret are read at run time, not at build.
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  // sign-in and sign-out posts come from Elevate's own pages only (next-auth's CSRF token aside)
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const params = await ctx.params;
  return NextAuth(req as never, { params } as never, authOptions());
}

export { handler as GET, handler as POST };
