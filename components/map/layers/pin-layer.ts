import L from 'leaflet';
import type { Listing } from '@/server/core/listing';
import { overlaps, type LabelBox } from '../declutter';
import { accessible, element } from './marker-dom';
import { overlays } from './bubble-layer';
import type { LiveMark, MapLabels, Shown } from './map-types';
import type { MarkerPass } from './marker-pass';

/**
 * Price tags wherever they fit (as Airbnb and Zillow show a street): a tag is drawn unless
 * it would cover one already placed. This many at most, for the DOM's sake: a 1440 × 900
 * screen holds about 350 tags that do not touch.
 */
const MAX_TAGS = 400;

/** Pins are sized from their text (about 7.5 px a character at 12 px bold), tip on the point. */
function pinIcon(l: Listing, labels: MapLabels, mark: LiveMark | undefined): L.DivIcon {
  const text = labels.pinPrice(l);
  const root = element('div', mark ? `pin pin-${mark}` : 'pin', text);
  root.dataset.id = l.id;
  const width = Math.round(16 + text.length * 7.5);
  return L.divIcon({ html: root, className: 'roost-marker', iconSize: [width, 22], iconAnchor: [width / 2, 27] });
}

/** Homes this close (about a metre) share an address as far as the map can show. */
function addressKey(l: Listing): string {
  return `${l.lat.toFixed(5)},${l.lon.toFixed(5)}`;
}

/** Listings alone at their point, and groups of two or more at one point (order kept). */
function byAddress(listings: Listing[]): { singles: Listing[]; groups: Listing[][] } {
  const at = new Map<string, Listing[]>();
  for (const l of listings) {
    const key = addressKey(l);
    const list = at.get(key);
    if (list) list.push(l);
    else at.set(key, [l]);
  }
  const singles: Listing[] = [];
  const groups: Listing[][] = [];
  for (const list of at.values()) {
    if (list.length === 1) singles.push(list[0]!);
    else groups.push(list);
  }
  return { singles, groups };
}

const DOT: L.CircleMarkerOptions = { radius: 5, color: '#ffffff', weight: 2, fillColor: '#1d2a33', fillOpacity: 1 };
const DOT_HIGHLIGHT: L.CircleMarkerOptions = { radius: 7, fillColor: '#e8590c' };

export interface PinHandlers {
  onSelect(listing: Listing): void;
  onSelectGroup(listings: Listing[]): void;
}

/**
 * Street level: a price tag per listing, newest first, until tags would crowd the screen
 * or cover one already placed (then a canvas dot); several homes at one address share one
 * tag that opens them together. A live change always gets a tag, so it can be seen.
 */
export function drawPins(pass: MarkerPass, listings: Listing[], marks: ReadonlyMap<string, LiveMark>, on: () => PinHandlers): void {
  const { map, group, labels } = pass;
  const tags = MAX_TAGS;
  // Nothing goes under the count chip or the map's buttons: those spots start taken.
  const placedTags: LabelBox[] = overlays(map);
  // Homes at one address (flats in one building) would be tags stacked on one point:
  // one tag stands for them all and opens them together.
  const { singles, groups } = byAddress(listings);
  for (const members of groups) {
    const lead = members[0]!;
    const key = `g:${addressKey(lead)}`;
    const text = labels.groupPin(members);
    const p = map.latLngToContainerPoint([lead.lat, lead.lon]);
    placedTags.push({ x: p.x, y: p.y - 16, w: 16 + text.length * 7.5, h: 22 });
    const signature = `${members.map((m) => `${m.id}:${m.price}`).join(',')}|${text}`;
    if (pass.keep(key, signature) === 'kept') continue;
    const width = Math.round(16 + text.length * 7.5);
    const root = element('div', 'pin pin-group', text);
    root.dataset.ids = members.map((m) => m.id).join(' ');
    const icon = L.divIcon({ html: root, className: 'roost-marker', iconSize: [width, 22], iconAnchor: [width / 2, 27] });
    const marker = L.marker([lead.lat, lead.lon], { icon, keyboard: true, riseOnHover: true, zIndexOffset: 200 });
    marker.on('click', () => on().onSelectGroup(members));
    marker.addTo(group);
    accessible(marker, labels.groupName(members));
    pass.add(key, { marker, signature, ids: members.map((m) => m.id) });
  }
  // Listings come newest first: each gets its price tag where the tag has room; one that
  // would cover a tag already placed is a dot, so tags never overlap.
  let shownTags = 0;
  for (const l of singles) {
    const key = `l:${l.id}`;
    const mark = marks.get(l.id);
    let compact = shownTags >= tags && !mark;
    if (!compact) {
      const p = map.latLngToContainerPoint([l.lat, l.lon]);
      const tag = { x: p.x, y: p.y - 16, w: 16 + labels.pinPrice(l).length * 7.5, h: 22 };
      if (!mark && placedTags.some((t) => overlaps(t, tag, 1))) compact = true;
      else {
        placedTags.push(tag);
        shownTags++;
      }
    }
    const signature = `${l.price}|${l.lat}|${l.lon}|${l.title}|${labels.pinPrice(l)}|${compact}|${mark ?? ''}`;
    if (pass.keep(key, signature) === 'kept') continue;
    if (compact) {
      // Beyond the tags, dots on the canvas: hundreds of DOM markers made street views
      // the slowest step after a move (p95 253 ms against ≤ 160 ms for bubbles,
      // npm run bench:ui). The list gives keyboards and readers every listing.
      const dot = L.circleMarker([l.lat, l.lon], DOT);
      dot.on('click', () => on().onSelect(l));
      dot.addTo(group);
      pass.add(key, { marker: dot, signature });
      continue;
    }
    const marker = L.marker([l.lat, l.lon], { icon: pinIcon(l, labels, mark), keyboard: true, riseOnHover: true, zIndexOffset: mark ? 500 : 0 });
    marker.on('click', () => on().onSelect(l));
    marker.addTo(group);
    accessible(marker, labels.pinName(l));
    pass.add(key, { marker, signature });
  }
}

/** The hovered or selected listing's tag (or its address's tag) stands out; toggled in place, so focus stays put. */
export function highlightPins(markers: ReadonlyMap<string, Shown>, id: string | null): void {
  for (const [key, shown] of markers) {
    if (!key.startsWith('l:') && !key.startsWith('g:')) continue;
    const on = key === `l:${id}` || (id !== null && (shown.ids?.includes(id) ?? false));
    const m = shown.marker;
    if (m instanceof L.CircleMarker) {
      m.setStyle(on ? DOT_HIGHLIGHT : DOT);
      if (on) m.bringToFront();
      continue;
    }
    m.getElement()?.querySelector('.pin')?.classList.toggle('pin-highlight', on);
    m.setZIndexOffset(on ? 1000 : 0);
  }
}
