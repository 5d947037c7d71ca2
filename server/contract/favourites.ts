/** The favourites part of the wire contract (CONTRACT.md "Favourites"), shared by server and page. */
import type { Listing } from '../core/listing';
import type { AlertChannel, EmailFrequency } from './alert-channels';

export interface FavouriteJson {
  /** The home as it is now, or as it last was when it has been taken down. */
  listing: Listing;
  savedAt: string;
  priceWhenSaved: number;
  removed?: true;
  /** Where its alerts go (CONTRACT.md "Alert channels"). */
  channels: AlertChannel[];
  frequency: EmailFrequency;
}

export interface FavouritesJson {
  favourites: FavouriteJson[];
}

/** How many homes one renter may keep; a favourite is a row, not a saved search. */
export const MAX_FAVOURITES = 500;
