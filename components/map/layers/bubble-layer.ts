import type { FeatureCollection, Feature } from 'geojson';
import L from 'leaflet';
import type { Level } from '@/server/core/levels';
import { declutter, type LabelBox } from '../declutter';
import type { Bucket } from '../search-client';
import { accessible, element, textWidth } from './marker-dom';
import type { MapLabels } from './map-types';
import type { MarkerPass } from './marker-pass';

/** The first zoom of the level below each level: where clicking a bubble takes you. */
const NEXT_ZOOM: Record<Level, number> = { region: 9, district: 12, neighbourhood: 14, cluster: 16, listing: 18 };

/** Bubble size grows with the log of its count, so one big district does not hide the rest. */
function bubbleSize(count: number, level: Level): number {
  const base = level === 'cluster' ? 30 : 44;
  return Math.round(base + Math.min(40, Math.log10(Math.max(1, count)) * 9));
}

/**
 * The box a bubble's label takes on screen, as .bubble in globals.css draws it: padding
 * 6/10 and border 2 on a desk; on a phone 3/7, and a neighbourhood's text smaller.
 */
export function bubbleBox(b: Bucket, level: Level, labels: MapLabels, phone = false): { w: number; h: number } {
  const size = bubbleSize(b.count, level);
  const small = phone && level === 'neighbourhood';
  const name = level === 'cluster' ? 0 : Math.min(small ? 84 : 140, textWidth(labels.areaName(b.label), small ? '700 10px' : '700 12px'));
  const count = textWidth(labels.count(b.count), small ? '700 11px' : '700 13px');
  const price = textWidth(labels.bucketPrice(b), small ? '10px' : '11px');
  const padX = level === 'cluster' ? 8 : phone ? 14 : 20;
  const lines = level === 'cluster' ? 28 : small ? 36 : 42;
  const padY = level === 'cluster' ? 8 : phone ? 6 : 12;
  const border = small ? 2 : 4;
  // A phone's neighbourhood bubble has no minimum size (globals.css).
  const min = small ? 0 : size;
  return { w: Math.max(min, Math.max(name, count, price) + padX + border), h: Math.max(min, lines + padY + border) };
}

/** The bucket's currency and period on its element: what the page's tests and styles read. */
function unitData(root: HTMLElement, b: Bucket): void {
  root.dataset.currency = b.currency;
  root.dataset.per = b.pricePer;
  if (b.units) root.dataset.mixed = '';
}

function bubbleIcon(b: Bucket, level: Level, labels: MapLabels): L.DivIcon {
  const root = element('div', `bubble bubble-${level}`);
  root.dataset.key = b.key;
  unitData(root, b);
  const size = bubbleSize(b.count, level);
  root.style.setProperty('--size', `${size}px`);
  if (level !== 'cluster') root.append(element('span', 'bubble-name', labels.areaName(b.label)));
  root.append(element('span', 'bubble-count', labels.count(b.count)));
  // Every bubble carries a price, on a phone too: a count alone says nothing of what an area costs.
  root.append(element('span', 'bubble-price', labels.bucketPrice(b)));
  // The icon box is the click target; a long name may overflow it sideways, still inside.
  return L.divIcon({ html: root, className: 'roost-marker', iconSize: [size, size] });
}

/** An area whose full label has no room: one line, its name and average price, on its point; the count for readers and sums. */
function compactIcon(b: Bucket, level: Level, labels: MapLabels): L.DivIcon {
  const root = element('div', `bubble-compact compact-${level}`);
  root.dataset.key = b.key;
  unitData(root, b);
  if (level !== 'cluster') root.append(element('span', 'compact-name', labels.areaName(b.label)));
  root.append(element('span', 'compact-price', labels.bucketPrice(b)));
  const count = element('span', 'bubble-count', labels.count(b.count));
  count.hidden = true;
  root.append(count);
  return L.divIcon({ html: root, className: 'roost-marker', iconSize: [24, 24] });
}

/** The box of a one-line label (globals.css .bubble-compact: 11 px bold name, 11 px price, padding 3/8, border 1). */
function compactBox(b: Bucket, level: Level, labels: MapLabels): { w: number; h: number } {
  const name = level === 'cluster' ? 0 : Math.min(110, textWidth(labels.areaName(b.label), '700 11px')) + 5;
  return { w: name + textWidth(labels.bucketPrice(b), '11px') + 18, h: 22 };
}

/** An area with no room for its label: a dot at its point, named for readers, its count kept for sums. */
function dotIcon(b: Bucket, level: Level, labels: MapLabels): L.DivIcon {
  const root = element('div', `bubble-dot dot-${level}`);
  root.dataset.key = b.key;
  unitData(root, b);
  const count = element('span', 'bubble-count', labels.count(b.count));
  count.hidden = true;
  root.append(count);
  return L.divIcon({ html: root, className: 'roost-marker', iconSize: [16, 16] });
}

/** A home alone in its cell (zoom 14–15): a price tag, as street level shows it, tip on the point. */
function singleIcon(b: Bucket, labels: MapLabels): L.DivIcon {
  const text = labels.bucketPrice(b);
  const root = element('div', 'pin pin-single', text);
  root.dataset.key = b.key;
  unitData(root, b);
  const width = tagWidth(text);
  return L.divIcon({ html: root, className: 'roost-marker', iconSize: [width, 22], iconAnchor: [width / 2, 27] });
}

export function tagWidth(text: string): number {
  return Math.round(16 + text.length * 7.5);
}

/** What lies over the map (the count chip, the tools, the zoom buttons), in the map's pixels: no bubble goes under it. */
export function overlays(map: L.Map): LabelBox[] {
  const container = map.getContainer();
  const wrap = container.parentElement;
  if (!wrap) return [];
  const at = container.getBoundingClientRect();
  const out: LabelBox[] = [];
  for (const el of wrap.querySelectorAll<HTMLElement>('.map-status > *, .map-tools, .leaflet-control-zoom')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    out.push({ x: r.left - at.left + r.width / 2, y: r.top - at.top + r.height / 2, w: r.width + 8, h: r.height + 8 });
  }
  // The chip shows as soon as the answer does: its place is kept even before it is drawn.
  if (!out.some((b) => b.y < 40 && Math.abs(b.x - at.width / 2) < 40)) out.push({ x: at.width / 2, y: 29, w: 240, h: 42 });
  return out;
}

/** The bounds of the outlines of an area, to zoom to it when its bubble is clicked. */
function areaBounds(fc: FeatureCollection | null, level: Level, b: Bucket): L.LatLngBounds | null {
  if (!fc || (level !== 'district' && level !== 'neighbourhood')) return null;
  const [district, neighbourhood] = level === 'district' ? [b.key, null] : b.key.split('|');
  const props = (f: Feature) => (f.properties ?? {}) as Record<string, unknown>;
  const features = fc.features.filter(
    (f) =>
      (props(f).neighbourhood_group ?? props(f).district) === district &&
      (neighbourhood === null || neighbourhood === undefined || props(f).neighbourhood === neighbourhood),
  );
  if (features.length === 0) return null;
  const bounds = L.geoJSON({ type: 'FeatureCollection', features } as FeatureCollection).getBounds();
  return bounds.isValid() ? bounds : null;
}

/**
 * District, neighbourhood or cluster bubbles: those near the view, each at its own point;
 * by rank, a label where it fits, else a dot (declutter), never moved off its area. Areas
 * of no known name are not piled into one "Other areas" bubble at a meaningless average
 * point: their homes are in the list (and the page says so). A cell of one home is its
 * price tag. Each marker is kept while its content and place stay the same; a click
 * frames the area.
 */
export function drawBubbles(pass: MarkerPass, level: Exclude<Level, 'listing'>, buckets: Bucket[], boundaries: () => FeatureCollection | null): void {
  const { map, group, labels } = pass;
  // Areas near the view only (a whole country's neighbourhoods would be thousands of markers).
  const near = map.getBounds().pad(0.3);
  const named = level === 'district' || level === 'neighbourhood' ? buckets.filter((b) => b.label) : buckets;
  const single = (b: Bucket) => level === 'cluster' && b.count === 1;
  const phone = window.matchMedia('(max-width: 720px)').matches;
  const placed = declutter(
    named.filter((b) => near.contains([b.lat, b.lon])),
    (b) => {
      const p = map.latLngToContainerPoint([b.lat, b.lon]);
      if (single(b)) return { x: p.x, y: p.y - 16, w: tagWidth(labels.bucketPrice(b)), h: 22 };
      return { x: p.x, y: p.y, ...bubbleBox(b, level, labels, phone) };
    },
    {
      obstacles: overlays(map),
      compact: (b) => {
        const p = map.latLngToContainerPoint([b.lat, b.lon]);
        return single(b) ? null : { x: p.x, y: p.y, ...compactBox(b, level, labels) };
      },
    },
  );
  for (const { item: b, form } of placed) {
    const key = `${level}:${b.key}`;
    const signature = `${form}|${b.count}|${b.priceAvg}|${b.currency}|${b.pricePer}|${b.lat}|${b.lon}|${labels.count(b.count)}|${labels.bucketPrice(b)}|${labels.areaName(b.label)}`;
    const replaced = pass.keep(key, signature);
    if (replaced === 'kept') continue;
    const one = single(b) && form !== 'dot';
    const icon = form === 'dot' ? dotIcon(b, level, labels) : one ? singleIcon(b, labels) : form === 'compact' ? compactIcon(b, level, labels) : bubbleIcon(b, level, labels);
    // The same area with a new count: a live change; it pulses once.
    if (replaced === 'changed' && form === 'label' && !one) (icon.options.html as HTMLElement).classList.add('bubble-changed');
    // Always at the area's own point: a label that does not fit there is a dot, not moved.
    const marker = L.marker([b.lat, b.lon], { icon, keyboard: true, riseOnHover: true, zIndexOffset: form === 'dot' ? -100 : form === 'compact' ? -50 : 0 });
    marker.on('click', () => {
      if (one) {
        map.setView([b.lat, b.lon], NEXT_ZOOM.cluster);
        return;
      }
      // Always into the next level: on a narrow phone an area's bounds alone may not.
      const bounds = areaBounds(boundaries(), level, b);
      const fit = bounds ? map.getBoundsZoom(bounds) : map.getZoom() + 1;
      const zoom = Math.min(Math.max(fit, NEXT_ZOOM[level]), NEXT_ZOOM[level] + 1);
      map.setView(bounds ? bounds.getCenter() : [b.lat, b.lon], zoom);
    });
    marker.addTo(group);
    accessible(marker, labels.bubbleName(b, level));
    pass.add(key, { marker, signature });
  }
}
