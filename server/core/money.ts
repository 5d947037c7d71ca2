import { z } from 'zod';

/** What a price pays for. Free of server dependencies: the page imports it. */
export const PRICE_PERIODS = ['month', 'night'] as const;
export type PricePer = (typeof PRICE_PERIODS)[number];

export const DEFAULT_CURRENCY = 'USD';
/** Rents are monthly unless a listing says otherwise; Inside Airbnb files are nightly (the importer says so). */
export const DEFAULT_PRICE_PER: PricePer = 'month';

/**
 * The codes this runtime's Intl knows, so any currency we accept is one the page can
 * format. Node 20 and every current browser have `supportedValuesOf`.
 */
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : [],
);

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && (KNOWN_CURRENCIES.size === 0 || KNOWN_CURRENCIES.has(code));
}

export const currencySchema = z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code such as USD, EUR or CNY');
