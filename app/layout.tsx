import type { Metadata, Viewport } from 'next';
import { cookies, headers } from 'next/headers';
import type { ReactNode } from 'react';
import { AccountProvider } from '@/components/account/account-context';
import { SignInHost } from '@/components/account/sign-in-host';
import { I18nProvider } from '@/components/i18n/i18n';
import { LOCALE_COOKIE, LOCALES, pickLocale, type Locale } from '@/components/i18n/messages';
import { getRuntime } from '@/server/runtime';
import './globals.css';
import './people.css';
import './alerts.css';

export const metadata: Metadata = {
  title: 'Roost — homes to rent on a map',
  description: 'Find a home to rent on the map: prices and counts by area, live.',
};

// resizes-content: a phone's keyboard shrinks the page, so a conversation's composer stays above it.
export const viewport: Viewport = { width: 'device-width', initialScale: 1, interactiveWidget: 'resizes-content' };

/** The renter's choice when they made one, else their browser's language. */
async function initialLocale(): Promise<Locale> {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (chosen && (LOCALES as readonly string[]).includes(chosen)) return chosen as Locale;
  return pickLocale((await headers()).get('accept-language'));
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await initialLocale();
  const market = (await getRuntime()?.overview.get().catch(() => null)) ?? null;
  return (
    <html lang={locale === 'zh' ? 'zh-CN' : 'en'}>
      <body>
        <I18nProvider initial={locale} currency={market?.currency ?? 'USD'}>
          <AccountProvider>
            {children}
            <SignInHost />
          </AccountProvider>
        </I18nProvider>
      </body>
    </html>
  );
}
