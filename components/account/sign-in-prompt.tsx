'use client';

import { useAccount } from './account-context';
import { useI18n } from '@/components/i18n/i18n';

/**
 * A signed-out visitor on a page that is only an account's: what signing in gives here, and
 * the button. The dialog it opens repeats the reason, so it reads as the answer to the page;
 * a lone "Sign in" button left a renter who followed a link guessing why.
 */
export function SignInPrompt({ reason, testId }: { reason: string; testId?: string }) {
  const { t } = useI18n();
  const { askSignIn } = useAccount();
  return (
    <div className="notice" data-testid="sign-in-prompt">
      <p>{reason}</p>
      <button type="button" className="primary" onClick={() => askSignIn(reason)} {...(testId ? { 'data-testid': testId } : {})}>
        {t('signIn')}
      </button>
    </div>
  );
}
