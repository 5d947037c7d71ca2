'use client';

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { INTL_LOCALE, MESSAGES, type Locale, type MessageKey } from './messages';

export const LOCALE_COOKIE = 'roost-locale';

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  number(n: number): string;
  price(n: number): string;
  date(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ initial, children }: { initial: Locale; children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initial);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  }, []);
  const value = useMemo<I18n>(() => {
    const numberFmt = new Intl.NumberFormat(INTL_LOCALE[locale]);
    const priceFmt = new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
    const dateFmt = new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium' });
    return {
      locale,
      setLocale,
      t: (key, params) =>
        MESSAGES[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`)),
      number: (n) => numberFmt.format(n),
      price: (n) => priceFmt.format(n),
      date: (iso) => dateFmt.format(new Date(iso)),
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
