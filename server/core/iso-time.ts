/**
 * `new Date(ms).toISOString()`, cheaper: a street view shows 500 homes with two times
 * each, and V8's formatter was the largest part of building them once the index stopped
 * keeping every listing's time strings (a bounded cache at 10,000,000 listings misses on
 * most views). Homes listed the same day share the day's prefix; the time of day is
 * integer arithmetic. Same output as toISOString for every time it handles (years
 * 1970–9999); anything else goes to toISOString.
 */
const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z: past it toISOString writes a six-digit year. */
const LAST_MS = 253_402_300_799_999;
/** Day prefixes ("2026-12-07T") kept; a day's listings are many, the days few. */
const DAYS_KEPT = 4_096;

const dayPrefixes = new Map<number, string>();

const TWO = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
const THREE = Array.from({ length: 1000 }, (_, i) => (i < 10 ? `00${i}` : i < 100 ? `0${i}` : String(i)));

export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms <= LAST_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (dayPrefixes.size >= DAYS_KEPT) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${prefix}${TWO[hour]}:${TWO[minute]}:${TWO[second]}.${THREE[milli]}Z`;
}
