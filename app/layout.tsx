import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { AccountProvider } from '@/components/account/account-context';
import { SignInHost } from '@/components/account/sign-in-host';
import { I18nProvider } from '@/components/i18n/i18n';
import { MESSAGES } from '@/components/i18n/messages';
import { requestLocale } from '@/components/i18n/request-locale';
import { getRuntime } from '@/server/runtime';
import './globals.css';
import './people.css';
import './alerts.css';

export async function generateMetadata(): Promise<Metadata> {
  const locale = await requestLocale();
  return {
    title: `Roost — ${MESSAGES[locale].tagline}`,
    description: 'Find a home to rent on the map: prices and counts by area, live.',
  };
}

// resizes-content: a phone's keyboard shrinks the page, so a conversation's composer stays above it.
export const viewport: Viewport = { width: 'device-width', initialScale: 1, interactiveWidget: 'resizes-content' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await requestLocale();
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
