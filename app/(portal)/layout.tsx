import { requireUser } from '@/lib/auth/session';
import { demoUsersExist } from '@/lib/auth/demo';
import { getDb } from '@/lib/db';
import { personaFor } from '@/lib/portal/persona-facts';
import { AppShell } from '@/components/shell/app-shell';
import { Providers } from '@/components/shell/providers';

export const dynamic = 'force-dynamic';

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  // its facts from indexed SQL: nothing here walks the tenant's settings or pending requests
  const persona = personaFor(getDb(), user.id, Date.now());
  return (
    <Providers>
      <AppShell user={{ name: user.displayName, email: user.email }} persona={persona} demo={demoUsersExist()}>
        {children}
      </AppShell>
    </Providers>
  );
}
