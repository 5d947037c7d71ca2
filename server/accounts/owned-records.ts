/**
 * What a renter keeps and a sign-in moves from the anonymous session to the account, as
 * statements both stores run in the sign-in's transaction (:to the account, :from the owner
 * moved from). One list, so a new kind of record (conversations) is moved by adding a line.
 * An alert both owners had for one change is kept once: the account's.
 */
const OWNED_MOVES = [
  // The mail and push rows of an alert about to go as a repeat go with it (alert-outbox.ts).
  'DELETE FROM alert_outbox WHERE owner = :from AND alert_id IN (SELECT id FROM alerts WHERE session = :from AND seq IN (SELECT seq FROM alerts WHERE session = :to))',
  'DELETE FROM alerts WHERE session = :from AND seq IN (SELECT seq FROM alerts WHERE session = :to)',
  'UPDATE alert_outbox SET owner = :to WHERE owner = :from',
  'UPDATE alerts SET session = :to WHERE session = :from',
  'UPDATE saved_searches SET session = :to WHERE session = :from',
  `INSERT INTO favourites (owner, listing_id, saved_at, price_when_saved, listing, since, channels, frequency)
   SELECT :to, listing_id, saved_at, price_when_saved, listing, since, channels, frequency FROM favourites WHERE owner = :from
   ON CONFLICT DO NOTHING`,
  'DELETE FROM favourites WHERE owner = :from',
  'UPDATE push_subscriptions SET owner = :to WHERE owner = :from',
] as const;

/**
 * For PostgreSQL: numbered parameters in the order each statement names them, with the
 * names to bind (PostgreSQL cannot type a parameter a statement does not use).
 */
export const OWNED_MOVES_POSTGRES = OWNED_MOVES.map((sql) => {
  const names: ('to' | 'from')[] = [];
  const text = sql.replace(/:(to|from)\b/g, (_, name: 'to' | 'from') => {
    if (!names.includes(name)) names.push(name);
    return `$${names.indexOf(name) + 1}::text`;
  });
  return { text, names };
});

/**
 * For SQLite: named parameters (@to, @from) bound from one object — better-sqlite3 refuses
 * an unused positional value, and not every statement uses both.
 */
export const OWNED_MOVES_SQLITE = OWNED_MOVES.map((sql) => sql.replace(/:to\b/g, '@to').replace(/:from\b/g, '@from'));
