/** Kinds of home, in the order the API and the page list them. Free of dependencies: the page imports it. */
export const LISTING_TYPES = ['entire', 'private', 'shared'] as const;
export type ListingType = (typeof LISTING_TYPES)[number];
