'use client';

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { PricePer } from '@/server/core/money';
import { INTL_LOCALE, LOCALE_COOKIE, MESSAGES, type Locale, type MessageKey } from './messages';


interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  number(n: number): string;
  /** An amount in a currency (the market's when none is given), whole units. */
  price(n: number, currency?: string): string;
  /** "/ night" or "/ month" in the page's language. */
  per(pricePer: PricePer): string;
  /** A listing's price as a renter reads it: amount, currency and period. */
  listingPrice(l: { price: number; currency: string; pricePer: PricePer }): string;
  date(iso: string): string;
  /** A time of day as the renter's language writes it: "8:52 PM", "20:52". */
  time(iso: string): string;
  /** The currency most listings are priced in: bubbles' averages are in it. */
  currency: string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ initial, currency = 'USD', children }: { initial: Locale; currency?: string; children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initial);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  }, []);
  const value = useMemo<I18n>(() => {
    const numberFmt = new Intl.NumberFormat(INTL_LOCALE[locale]);
    // One formatter per currency, made on first use: a city has one or two.
    const priceFmts = new Map<string, Intl.NumberFormat>();
    const priceFmt = (code: string) => {
      let f = priceFmts.get(code);
      if (!f) {
        // narrowSymbol: "$" rather than "US$", "kr" rather than "DKK", as a local renter reads it.
        f = new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency: code, currencyDisplay: 'narrowSymbol', maximumFractionDigits: 0 });
        priceFmts.set(code, f);
      }
      return f;
    };
    const dateFmt = new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium' });
    const timeFmt = new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeStyle: 'short' });
    const t: I18n['t'] = (key, params) =>
      MESSAGES[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`));
    const per = (p: PricePer) => t(p === 'night' ? 'perNight' : 'perMonth');
    return {
      locale,
      setLocale,
      t,
      number: (n) => numberFmt.format(n),
      price: (n, code) => priceFmt(code ?? currency).format(n),
      per,
      listingPrice: (l) => `${priceFmt(l.currency).format(l.price)} ${per(l.pricePer)}`,
      date: (iso) => dateFmt.format(new Date(iso)),
      time: (iso) => timeFmt.format(new Date(iso)),
      currency,
    };
  }, [locale, setLocale, currency]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
