/**
 * The alert-channels part of the wire contract (CONTRACT.md "Alert channels"), shared by
 * server and page: where a saved search's or a favourite's alerts go, and the Web Push
 * routes.
 *
 * - `POST /api/saved-searches` and `PATCH /api/saved-searches/:id` take `channels` and
 *   `frequency`; the search's JSON carries them back, with `emailNote` when the server
 *   changed what was asked (see EmailNote).
 * - `PUT /api/favourites/:listingId` takes an optional body `{ channels?, frequency? }`;
 *   `PATCH /api/favourites/:listingId` `{ channels?, frequency? }` → 200 FavouriteJson;
 *   favourites carry `channels` and `frequency` in `GET /api/favourites`.
 * - `"email"` needs a signed-in account (its address was verified by the sign-in link):
 *   asked for by an anonymous renter → 422 naming `channels`.
 * - `GET /api/push/key` → PushKeyJson; `POST /api/push/subscriptions` (a browser
 *   `PushSubscription.toJSON()`) → 201; `DELETE /api/push/subscriptions` `{ endpoint }` → 204.
 *   An endpoint whose host is not in PUSH_HOSTS → 422 naming `endpoint`.
 * - `POST /api/unsubscribe?token=…` (RFC 8058 one-click; no cookie) → 200: email off for
 *   that search or favourite. `GET /unsubscribe?token=…` is the page a person reaches
 *   from the mail's footer link; its button makes the same POST.
 */

export const ALERT_CHANNELS = ['page', 'email', 'push'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

export const EMAIL_FREQUENCIES = ['instant', 'daily'] as const;
export type EmailFrequency = (typeof EMAIL_FREQUENCIES)[number];

export interface ChannelChoice {
  /** At least one; `page` is the bell and toasts of an open tab. */
  channels: AlertChannel[];
  /** For `email`: each change within 30 s, or one digest a day. */
  frequency: EmailFrequency;
}

export const DEFAULT_CHANNELS: ChannelChoice = { channels: ['page'], frequency: 'instant' };

/**
 * Why a search's email is not what was asked: `too_wide` — the search matches so many
 * homes that instant mail would be a flood, so it gets the daily digest instead.
 */
export type EmailNote = 'too_wide';

export interface PushKeyJson {
  /** The VAPID public key (URL-safe base64), for `PushManager.subscribe`'s applicationServerKey. */
  publicKey: string;
}

/** What a browser's `PushSubscription.toJSON()` gives. */
export interface PushSubscriptionJson {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}

/** What a push notification carries to the service worker (public/sw.js). */
export interface PushPayload {
  title: string;
  body: string;
  /** The page the notification opens, on the site's own origin. */
  url: string;
  /** Notifications with one tag replace each other (one per renter and search, or favourites). */
  tag: string;
  icon?: string;
  /** Alerts this notification carries (several of one renter's, sent together). */
  count?: number;
}
