import { request } from '@/components/account/api-request';
import { DEFAULT_CHANNELS, type ChannelChoice, type PushKeyJson, type PushSubscriptionJson } from '@/server/contract/alert-channels';
import type { FavouriteJson } from '@/server/contract/favourites';

/** A favourite as GET /api/favourites gives it once favourites carry channels. */
export type FavouriteWithChannels = FavouriteJson & Partial<ChannelChoice>;

/** A saved search's or favourite's choice, the contract's default where the server gave none. */
export function choiceOf(x: Partial<ChannelChoice>): ChannelChoice {
  return { channels: x.channels?.length ? x.channels : DEFAULT_CHANNELS.channels, frequency: x.frequency ?? DEFAULT_CHANNELS.frequency };
}

/**
 * The fields to send for a choice: none for the default, which is what the server assumes
 * when they are absent, so saving "page only" works on a server of any age.
 */
export function channelFields(c: ChannelChoice): Partial<ChannelChoice> {
  const isDefault = c.channels.length === 1 && c.channels[0] === 'page' && c.frequency === DEFAULT_CHANNELS.frequency;
  return isDefault ? {} : { channels: c.channels, frequency: c.frequency };
}

/** The alert-channel routes of CONTRACT.md "Alert channels", as the page calls them. */
export const channelsApi = {
  favourite: (listingId: string, choice: ChannelChoice) =>
    request<FavouriteWithChannels>(`/api/favourites/${encodeURIComponent(listingId)}`, { method: 'PATCH', body: choice }),
  pushKey: () => request<PushKeyJson>('/api/push/key').then((b) => b.publicKey),
  subscribe: (s: PushSubscriptionJson) => request<unknown>('/api/push/subscriptions', { method: 'POST', body: s }).then(() => undefined),
  unsubscribe: (endpoint: string) => request<void>('/api/push/subscriptions', { method: 'DELETE', body: { endpoint } }),
  /** RFC 8058's one-click POST, made by the /unsubscribe page's button. */
  unsubscribeMail: (token: string) => request<unknown>(`/api/unsubscribe?token=${encodeURIComponent(token)}`, { method: 'POST' }).then(() => undefined),
};
