import type { FeatureCollection } from 'geojson';
import type L from 'leaflet';
import type { Level } from '@/server/core/levels';
import type { Listing } from '@/server/core/listing';
import type { Bucket, SearchResponse } from '../search-client';
import type { ChosenArea } from '../chosen-area';

export interface MapMove {
  lat: number;
  lon: number;
  zoom: number;
  /** West, south, east, north, normalised to the world's bounds. */
  bbox: [number, number, number, number];
}

/** What the map says to people: formatted by the page, in the page's language. */
export interface MapLabels {
  count(n: number): string;
  /**
   * A bubble's average in the bucket's own currency (a view of two cities has two), with
   * its period when the view mixes periods (else the heading says it once).
   */
  bucketPrice(b: Bucket): string;
  /** A pin's price tag: the listing's own currency, no period (the map says it once). */
  pinPrice(l: Listing): string;
  /** A district or neighbourhood as its bubble shows it; homes of no known area have one too. */
  areaName(label: string): string;
  bubbleName(b: Bucket, level: Level): string;
  pinName(l: Listing): string;
  /** The tag of several homes at one address ("3 homes"), and its name for readers. */
  groupPin(listings: Listing[]): string;
  groupName(listings: Listing[]): string;
}

/** How a pin shows a live change: new, re-priced, otherwise changed, or leaving. */
export type LiveMark = 'new' | 'price' | 'changed' | 'gone';

export interface LeafletMapProps {
  lat: number;
  lon: number;
  zoom: number;
  /** Frame this box (west, south, east, north): at creation, and again whenever `seq` changes. */
  fit?: { bbox: [number, number, number, number]; seq: number } | null;
  /** The drawn area narrowing the search, shown until it is cleared. [lon, lat], closed. */
  area?: [number, number][] | null;
  /** The drawn area shows handles: corners dragged, added (from the midpoints) or removed. */
  editArea?: boolean;
  onAreaEdited?(ring: [number, number][]): void;
  tileUrl: string;
  attribution: string;
  result: SearchResponse | null;
  boundaries: FeatureCollection | null;
  /** The area picked in the place box, outlined. */
  chosenArea?: ChosenArea | null;
  highlightId: string | null;
  /** Where the open card's home is: the map keeps that pin clear of the card. */
  cardFor?: { lat: number; lon: number } | null;
  /** Pins changed live, by listing id. */
  marks: ReadonlyMap<string, LiveMark>;
  labels: MapLabels;
  onMove(move: MapMove): void;
  onSelect(listing: Listing): void;
  /** Several homes at one address: one tag opens them together. */
  onSelectGroup(listings: Listing[]): void;
  /** The renter is drawing an area (to save a search); the ring comes back closed, [lon, lat]. */
  drawing?: boolean;
  onDrawn?(ring: [number, number][]): void;
}

/** A marker on the map, kept while what it shows stays the same. */
export interface Shown {
  /** A DOM marker (bubble, price tag) or a canvas dot. */
  marker: L.Marker | L.CircleMarker;
  signature: string;
  /** The listings a tag of one address stands for. */
  ids?: string[];
}
