import type { IncomingMessage } from 'node:http';
import { LOCALE_COOKIE, LOCALES, pickLocale, type Locale } from '../../components/i18n/messages';

/** The renter's language for what the server writes them (mails): their choice on the page, else their browser's. */
export function requestLocale(req: IncomingMessage): Locale {
  const m = new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([^;]+)`).exec(req.headers.cookie ?? '');
  if (m && (LOCALES as readonly string[]).includes(m[1]!)) return m[1] as Locale;
  return pickLocale(req.headers['accept-language']);
}
