import type { FeatureCollection, Feature } from 'geojson';
import L from 'leaflet';
import type { Level } from '@/server/core/levels';
import { declutter, type Group } from '../declutter';
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

/** The box a bubble's label takes on screen, as .bubble in globals.css draws it (padding 6/10, border 2). */
export function bubbleBox(b: Bucket, level: Level, labels: MapLabels): { w: number; h: number } {
  const size = bubbleSize(b.count, level);
  const name = level === 'cluster' ? 0 : Math.min(140, textWidth(labels.areaName(b.label), '700 12px'));
  const count = textWidth(labels.count(b.count), '700 13px');
  const price = textWidth(labels.price(b.priceAvg), '11px');
  const pad = level === 'cluster' ? 8 : 20;
  const lines = level === 'cluster' ? 28 : 42;
  return { w: Math.max(size, Math.max(name, count, price) + pad + 4), h: Math.max(size, lines + (level === 'cluster' ? 8 : 12) + 4) };
}

/** A group of areas shown as one bubble: the largest one's place and name, everyone's homes. */
function mergedBucket(g: Group<Bucket>): Bucket {
  if (g.members.length === 1) return g.lead;
  const count = g.members.reduce((n, m) => n + m.count, 0);
  const priceAvg = g.members.reduce((n, m) => n + m.priceAvg * m.count, 0) / count;
  return { ...g.lead, key: `${g.lead.key}+${g.members.length - 1}`, label: g.lead.label, count, priceAvg };
}

function bubbleIcon(b: Bucket, level: Level, labels: MapLabels, more = 0): L.DivIcon {
  const root = element('div', more > 0 ? `bubble bubble-${level} bubble-group` : `bubble bubble-${level}`);
  const size = bubbleSize(b.count, level);
  root.style.setProperty('--size', `${size}px`);
  // A group of areas shows its largest's name and how many more it holds.
  if (level !== 'cluster') root.append(element('span', 'bubble-name', labels.areaName(b.label) + (more > 0 ? ` +${more}` : '')));
  root.append(element('span', 'bubble-count', labels.count(b.count)));
  // Clusters carry a price too: a count alone says nothing of what a street costs.
  root.append(element('span', 'bubble-price', labels.price(b.priceAvg)));
  // The icon box is the click target; a long name may overflow it sideways, still inside.
  return L.divIcon({ html: root, className: 'roost-marker', iconSize: [size, size] });
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
 * District, neighbourhood or cluster bubbles: those near the view, grouped so that no two
 * labels overlap at this zoom (declutter), each kept while its content and place stay the
 * same; a click frames the area (or opens a group onto its members).
 */
export function drawBubbles(pass: MarkerPass, level: Exclude<Level, 'listing'>, buckets: Bucket[], boundaries: () => FeatureCollection | null): void {
  const { map, group, labels } = pass;
  // Areas near the view only (a whole country's neighbourhoods would be thousands of
  // markers), then grouped so that no two labels overlap at this zoom.
  const near = map.getBounds().pad(0.3);
  const groups = declutter(
    buckets.filter((b) => near.contains([b.lat, b.lon])),
    (lead, members, count) => {
      const p = map.latLngToContainerPoint([lead.lat, lead.lon]);
      const box = bubbleBox({ ...lead, count, label: members > 1 ? `${lead.label} +${members - 1}` : lead.label }, level, labels);
      return { x: p.x, y: p.y, ...box };
    },
    { width: map.getSize().x, height: map.getSize().y },
  );
  for (const g of groups) {
    const b = mergedBucket(g);
    const key = `${level}:${b.key}`;
    const signature = `${b.count}|${b.priceAvg}|${b.lat}|${b.lon}|${labels.count(b.count)}|${labels.price(b.priceAvg)}|${map.getZoom()}:${Math.round(g.dx)},${Math.round(g.dy)}`;
    const replaced = pass.keep(key, signature);
    if (replaced === 'kept') continue;
    const icon = bubbleIcon(b, level, labels, g.members.length - 1);
    // The same area with a new count: a live change; it pulses once.
    if (replaced === 'changed') (icon.options.html as HTMLElement).classList.add('bubble-changed');
    // A label moved aside to stay clear of a bigger one sits where declutter put it.
    const at = g.dx === 0 && g.dy === 0 ? L.latLng(b.lat, b.lon) : map.containerPointToLatLng(map.latLngToContainerPoint([b.lat, b.lon]).add([g.dx, g.dy]));
    const marker = L.marker(at, { icon, keyboard: true, riseOnHover: true });
    marker.on('click', () => {
      if (g.members.length > 1) {
        // A group opens onto its members, at least one zoom closer so they come apart.
        const members = L.latLngBounds(g.members.map((m) => [m.lat, m.lon] as [number, number]));
        map.setView(members.getCenter(), Math.max(map.getZoom() + 1, Math.min(map.getBoundsZoom(members.pad(0.2)), NEXT_ZOOM[level])));
        return;
      }
      // Always into the next level: on a narrow phone an area's bounds alone may not.
      const bounds = areaBounds(boundaries(), level, g.lead);
      const fit = bounds ? map.getBoundsZoom(bounds) : map.getZoom() + 1;
      const zoom = Math.min(Math.max(fit, NEXT_ZOOM[level]), NEXT_ZOOM[level] + 1);
      map.setView(bounds ? bounds.getCenter() : [b.lat, b.lon], zoom);
    });
    marker.addTo(group);
    accessible(marker, labels.bubbleName(b, level) + (g.members.length > 1 ? ` (+${g.members.length - 1})` : ''));
    pass.add(key, { marker, signature });
  }
}
