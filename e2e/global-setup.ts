import { startMailbox } from './mailbox';
import { E2E_SMTP_PORT } from './fixtures';

/** The run's own SMTP server, for the sign-in mails the tests read back. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  return startMailbox(E2E_SMTP_PORT);
}
