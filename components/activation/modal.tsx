'use client';

import { Dialog } from '@/components/ui/dialog';

/** The activation and profile dialogs: the portal's one Dialog (components/ui/dialog.tsx). */
export function Modal({
  open,
  onClose,
  title,
  description,
  children,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
  wide?: boolean;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={title} description={description} size={wide ? 'wide' : 'md'}>
      {children}
    </Dialog>
  );
}
