import { cookies, headers } from 'next/headers';
import { LOCALE_COOKIE, LOCALES, MESSAGES, pickLocale, type Locale, type MessageKey } from './messages';

/** The language of this request's page: the renter's choice when they made one, else their browser's. */
export async function requestLocale(): Promise<Locale> {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (chosen && (LOCALES as readonly string[]).includes(chosen)) return chosen as Locale;
  return pickLocale((await headers()).get('accept-language'));
}

/**
 * A page's title in the page's language ("收藏 — Roost"): the tab, the history and a
 * bookmark read it, and every one of them said English to a renter reading Chinese.
 */
export async function pageTitle(key: MessageKey): Promise<string> {
  return `${MESSAGES[await requestLocale()][key]} — Roost`;
}
