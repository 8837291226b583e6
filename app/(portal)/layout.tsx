import { requireUser } from '@/lib/auth/session';
import { demoUsersExist } from '@/lib/auth/demo';
import { getDb } from '@/db';
import { policyIndex } from '@/lib/tenant/engine';
import { personaOf } from '@/lib/portal/persona';
import { AppShell } from '@/components/shell/app-shell';
import { Providers } from '@/components/shell/providers';

export const dynamic = 'force-dynamic';

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const persona = personaOf(policyIndex(getDb()), user.id, Date.now());
  return (
    <Providers>
      <AppShell user={{ name: user.displayName, email: user.email, isPimAdmin: user.isPimAdmin }} persona={persona} demo={demoUsersExist()}>
        {children}
      </AppShell>
    </Providers>
  );
}
