'use client';

import { useI18n } from '@/components/i18n/i18n';
import { LOCALES, type Locale } from '@/components/i18n/messages';
import { useUnreadMessages } from '@/components/messages/use-unread';
import { AccountMenu } from './account-menu';

/** The header of every page but the map's (which has its own): home, the renter's pages, language, account. */
export function SiteHeader({ current }: { current?: 'saved' | 'host' | 'account' | 'messages' }) {
  const { t, locale, setLocale } = useI18n();
  const unread = useUnreadMessages();
  return (
    <header className="top-bar site-header">
      <a className="brand" href="/" aria-label={t('appName')}>
        {t('appName')}
      </a>
      <nav className="site-nav" aria-label={t('yourPages')}>
        <a href="/">{t('map')}</a>
        <a href="/saved" aria-current={current === 'saved' ? 'page' : undefined}>
          {t('savedPage')}
        </a>
        <a href="/messages" aria-current={current === 'messages' ? 'page' : undefined} data-testid="messages-nav">
          {t('messagesNav')}
          {unread > 0 && (
            <span className="nav-badge" aria-label={t('unreadCount', { count: unread })} data-testid="messages-unread">
              {unread}
            </span>
          )}
        </a>
        <a href="/host" aria-current={current === 'host' ? 'page' : undefined}>
          {t('hostNav')}
        </a>
      </nav>
      <div className="alerts-bar">
        <label className="language-select">
          <span className="sr-only">{t('language')}</span>
          <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="language">
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {l === 'zh' ? '中文' : 'English'}
              </option>
            ))}
          </select>
        </label>
        <AccountMenu />
      </div>
    </header>
  );
}
