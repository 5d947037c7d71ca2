'use client';

import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { useDismiss } from './use-dismiss';

/**
 * A modal dialog: a scrim, a labelled panel (a card on a desktop, a sheet from the bottom
 * on a phone), focus moved in and given back, closed by Escape, Back, the scrim or ×.
 */
export function Modal({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ReactNode; testId?: string }) {
  const { t } = useI18n();
  const id = useId();
  const panel = useRef<HTMLDivElement>(null);
  useDismiss(true, onClose);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = panel.current?.querySelector<HTMLElement>('input, button:not(.modal-close), a[href], select, textarea');
    (first ?? panel.current)?.focus();
    return () => before?.focus?.();
  }, []);
  // Tab stays inside the dialog: the page behind is inert while it is open.
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'Tab' || !panel.current) return;
    const items = [...panel.current.querySelectorAll<HTMLElement>('input, button, a[href], select, textarea, [tabindex]:not([tabindex="-1"])')].filter((el) => !el.hasAttribute('disabled'));
    if (items.length === 0) return;
    const [first, last] = [items[0]!, items[items.length - 1]!];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div className="modal-scrim" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={id} ref={panel} tabIndex={-1} onKeyDown={onKeyDown} data-testid={testId}>
        <div className="modal-head">
          <h2 id={id}>{title}</h2>
          <button type="button" className="modal-close" onClick={onClose} aria-label={t('close')}>
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}
