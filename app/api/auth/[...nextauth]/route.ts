import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/options';

// Built per request so configuration and the generated secret are read at run time, not at build.
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  const params = await ctx.params;
  return NextAuth(req as never, { params } as never, authOptions());
}

export { handler as GET, handler as POST };
