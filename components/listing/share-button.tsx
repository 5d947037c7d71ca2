'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';

/** The system share sheet where there is one (phones), else the link to the clipboard. */
export function ShareButton({ title }: { title: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const share = async () => {
    const url = window.location.href.split('#')[0]!;
    if (typeof navigator.share === 'function') {
      await navigator.share({ title, url }).catch(() => undefined);
      return;
    }
    // "Link copied" only once it is: the clipboard is refused without focus or permission, and
    // absent on a plain-http address. Then the link is handed over to copy by hand.
    const done = await (navigator.clipboard?.writeText(url).then(() => true, () => false) ?? Promise.resolve(false));
    if (!done) {
      window.prompt(t('copyLinkYourself'), url);
      return;
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2_000);
  };
  return (
    <button type="button" className="action-button" onClick={() => void share()} data-testid="share">
      {copied ? t('linkCopied') : t('share')}
    </button>
  );
}
