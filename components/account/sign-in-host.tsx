'use client';

import { useAccount } from './account-context';
import { SignInDialog } from './sign-in-dialog';

/** The sign-in dialog, once per page, opened by anything that asks (useAccount().askSignIn): a header, a favourite, "Contact the host". */
export function SignInHost() {
  const { signInAsked, closeSignIn } = useAccount();
  return signInAsked ? <SignInDialog {...(signInAsked.reason ? { reason: signInAsked.reason } : {})} onClose={closeSignIn} /> : null;
}
