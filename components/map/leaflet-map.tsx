'use client';

import 'leaflet/dist/leaflet.css';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import { MAP_ZOOM } from '@/server/contract/filters';
// The plugin's typings (map.pm, layer.pm); the code itself loads on first use.
import type {} from '@geoman-io/leaflet-geoman-free';
import L from 'leaflet';
import type { Feature, FeatureCollection } from 'geojson';
import { useEffect, useRef, useState } from 'react';
import { declutter, overlaps, type Group, type LabelBox } from './declutter';
import type { Level } from '@/server/core/levels';
import type { Listing } from '@/server/core/listing';
import type { Bucket, SearchResponse } from './search-client';

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
  /** A bubble's average, in the market's currency. */
  price(n: number): string;
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
  highlightId: string | null;
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

/** Room for what lies over the map: the status chip above, and on a phone the list sheet below. */
function fitPadding(): L.FitBoundsOptions {
  const phone = window.matchMedia('(max-width: 720px)').matches;
  return { paddingTopLeft: [10, 48], paddingBottomRight: [10, phone ? 200 : 10] };
}

function boundsOf([w, s, e, n]: [number, number, number, number]): L.LatLngBounds {
  return L.latLngBounds([s, w], [n, e]);
}

/** Geoman, the drawing plugin, loaded when first needed: it reads Leaflet from `window.L`. */
async function loadGeoman(map: L.Map): Promise<void> {
  (window as unknown as { L: typeof L }).L = L;
  await import('@geoman-io/leaflet-geoman-free');
  // Maps made before the plugin loaded get its handler by hand.
  const withPm = map as unknown as { pm?: unknown };
  if (!withPm.pm) withPm.pm = new (L as unknown as { PM: { Map: new (m: L.Map) => unknown } }).PM.Map(map);
}

/** A drawn or edited shape's outer ring as the API takes it: [lon, lat] to 6 decimals, closed; null under three corners. */
function ringOf(shape: L.Polygon): [number, number][] | null {
  const latlngs = shape.getLatLngs()[0] as L.LatLng[];
  const ring = latlngs.map((ll) => [Math.round(ll.wrap().lng * 1e6) / 1e6, Math.round(ll.lat * 1e6) / 1e6] as [number, number]);
  return ring.length >= 3 ? [...ring, ring[0]!] : null;
}

/** The first zoom of the level below each level: where clicking a bubble takes you. */
const NEXT_ZOOM: Record<Level, number> = { district: 12, neighbourhood: 14, cluster: 16, listing: 18 };

function element(tag: string, className: string, text?: string): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  // Listing and area text is untrusted: it only ever goes in as text.
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Bubble size grows with the log of its count, so one big district does not hide the rest. */
function bubbleSize(count: number, level: Level): number {
  const base = level === 'cluster' ? 30 : 44;
  return Math.round(base + Math.min(40, Math.log10(Math.max(1, count)) * 9));
}

/** Text widths for label boxes, from the page's own font: the declutter step needs sizes before the DOM has them. */
let measure: CanvasRenderingContext2D | null = null;
let family = '';
function textWidth(text: string, font: string): number {
  if (!measure) {
    measure = document.createElement('canvas').getContext('2d');
    if (!measure) return text.length * 7.5;
    // Read once: a style lookup per label was a layout read for every bubble of a render.
    family = getComputedStyle(document.body).fontFamily;
  }
  measure.font = `${font} ${family}`;
  return measure.measureText(text).width;
}

/** The box a bubble's label takes on screen, as .bubble in globals.css draws it (padding 6/10, border 2). */
function bubbleBox(b: Bucket, level: Level, labels: MapLabels): { w: number; h: number } {
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

/** Screen area per price tag: more tags than this overlap into an unreadable heap. */
const PX2_PER_TAG = 12_000;

/** Pins are sized from their text (about 7.5 px a character at 12 px bold), tip on the point. */
function pinIcon(l: Listing, labels: MapLabels, mark: LiveMark | undefined): L.DivIcon {
  const text = labels.pinPrice(l);
  const root = element('div', mark ? `pin pin-${mark}` : 'pin', text);
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

function normalisedBbox(map: L.Map): [number, number, number, number] {
  const b = map.getBounds();
  let west = b.getWest();
  let east = b.getEast();
  // Leaflet reports longitudes beyond ±180 when the world wraps.
  if (east - west >= 360) {
    west = -180;
    east = 180;
  } else {
    west = ((((west + 180) % 360) + 360) % 360) - 180;
    east = ((((east + 180) % 360) + 360) % 360) - 180;
    if (east === -180) east = 180;
  }
  const south = Math.max(-85, b.getSouth());
  const north = Math.min(85, b.getNorth());
  const r = (n: number) => Math.round(n * 1e6) / 1e6;
  return [r(west), r(south), r(east), r(north)];
}

interface Shown {
  /** A DOM marker (bubble, price tag) or a canvas dot. */
  marker: L.Marker | L.CircleMarker;
  signature: string;
  /** The listings a tag of one address stands for. */
  ids?: string[];
}

const DOT: L.CircleMarkerOptions = { radius: 5, color: '#ffffff', weight: 2, fillColor: '#1d2a33', fillOpacity: 1 };
const DOT_HIGHLIGHT: L.CircleMarkerOptions = { radius: 7, fillColor: '#e8590c' };

/**
 * Leaflet, wrapped: the map is created once, markers are diffed by key (a marker whose
 * content did not change is kept), and every text goes in through textContent.
 */
export default function LeafletMap(props: LeafletMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const markers = useRef(new Map<string, Shown>());
  const layer = useRef<L.LayerGroup | null>(null);
  const outlines = useRef<L.GeoJSON | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const fitted = useRef(0);
  /** Bumped on every move: labels are grouped for the zoom and area in view. */
  const [view, setViewSeq] = useState(0);
  const areaLayer = useRef<L.Polygon | null>(null);

  useEffect(() => {
    const map = L.map(container.current!, {
      center: [props.lat, props.lon],
      zoom: props.zoom,
      minZoom: MAP_ZOOM.min,
      maxZoom: MAP_ZOOM.max,
      zoomControl: true,
      preferCanvas: true,
      worldCopyJump: true,
    });
    L.tileLayer(props.tileUrl, { attribution: props.attribution, maxZoom: MAP_ZOOM.max }).addTo(map);
    layer.current = L.layerGroup().addTo(map);
    if (props.fit) {
      fitted.current = props.fit.seq;
      map.fitBounds(boundsOf(props.fit.bbox), { animate: false, ...fitPadding() });
    }
    map.on('moveend', () => {
      setViewSeq((n) => n + 1);
      const c = map.getCenter();
      latest.current.onMove({ lat: c.lat, lon: c.wrap().lng, zoom: map.getZoom(), bbox: normalisedBbox(map) });
    });
    mapRef.current = map;
    // The first search follows the first view.
    const c = map.getCenter();
    latest.current.onMove({ lat: c.lat, lon: c.wrap().lng, zoom: map.getZoom(), bbox: normalisedBbox(map) });
    return () => {
      map.remove();
      mapRef.current = null;
      markers.current.clear();
    };
    // The map is created once; later view changes go through setView below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Drawing an area: the plugin's polygon tool; the shape is handed back and cleared.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !props.drawing) return;
    let cancelled = false;
    // Bubbles and pins stay in sight but let clicks through: a click places a corner, not a zoom.
    map.getContainer().classList.add('map-drawing');
    const onCreate = (e: L.LeafletEvent & { layer: L.Polygon }) => {
      const ring = ringOf(e.layer);
      e.layer.remove();
      if (ring) latest.current.onDrawn?.(ring);
    };
    void loadGeoman(map).then(() => {
      if (cancelled) return;
      const pm = map.pm;
      // The plugin's own hints in the page's language.
      pm.setLang(document.documentElement.lang.startsWith('zh') ? 'zh' : 'en');
      map.once('pm:create', onCreate as L.LeafletEventHandlerFn);
      pm.enableDraw('Polygon', { snappable: false, continueDrawing: false, pathOptions: { color: '#e8590c' } });
      // The tool takes clicks from now on (the plugin loads on first use): say so, for tests.
      map.getContainer().classList.add('map-draw-ready');
    });
    return () => {
      cancelled = true;
      map.off('pm:create', onCreate as L.LeafletEventHandlerFn);
      // Absent when the plugin never loaded (drawing cancelled at once).
      (map.pm as L.PM.PMMap | undefined)?.disableDraw();
      map.getContainer().classList.remove('map-drawing', 'map-draw-ready');
    };
  }, [props.drawing]);

  // A place picked in the search box frames its area.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !props.fit || props.fit.seq === fitted.current) return;
    fitted.current = props.fit.seq;
    map.fitBounds(boundsOf(props.fit.bbox), fitPadding());
  }, [props.fit]);

  // The drawn area stays on the map while it narrows the search; while edited it carries
  // the plugin's handles (the plugin gives its hooks only to shapes made after it loaded).
  useEffect(() => {
    const map = mapRef.current;
    const area = props.area;
    if (!map || !area) return;
    const editing = props.editArea === true;
    let cancelled = false;
    let shape: L.Polygon | null = null;
    const show = () => {
      if (cancelled) return;
      shape = L.polygon(area.map(([lon, lat]) => [lat, lon] as [number, number]), {
        // SVG, not the map's canvas: one shape, and a DOM element tests and readers can find.
        renderer: L.svg(),
        className: editing ? 'drawn-area editing' : 'drawn-area',
        color: '#e8590c',
        weight: 2.5,
        fillColor: '#e8590c',
        fillOpacity: 0.06,
        interactive: editing,
      });
      shape.addTo(map);
      areaLayer.current = shape;
      if (!editing) return;
      const edited = shape;
      edited.pm.enable({ snappable: false, allowSelfIntersection: false });
      edited.on('pm:edit', () => {
        const ring = ringOf(edited);
        if (ring) latest.current.onAreaEdited?.(ring);
      });
      map.getContainer().classList.add('map-area-editing');
    };
    if (editing) void loadGeoman(map).then(show);
    else show();
    return () => {
      cancelled = true;
      if (shape?.pm) shape.pm.disable();
      shape?.remove();
      areaLayer.current = null;
      map.getContainer().classList.remove('map-area-editing');
    };
  }, [props.area, props.editArea]);

  // Views coming from outside (back, forward, a clicked bubble) move the map. Not on the
  // first run: the map was just made at its view (or fitted to the data), and these props
  // still hold the view from before the fit, which would undo it.
  const synced = useRef(false);
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (!synced.current) {
      synced.current = true;
      return;
    }
    const c = map.getCenter();
    const same = map.getZoom() === props.zoom && Math.abs(c.lat - props.lat) < 1e-5 && Math.abs(c.wrap().lng - props.lon) < 1e-5;
    if (!same) map.setView([props.lat, props.lon], props.zoom);
  }, [props.lat, props.lon, props.zoom]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    outlines.current?.remove();
    outlines.current = null;
    if (!props.boundaries) return;
    const base: L.PathOptions = { color: '#0f7b6c', weight: 1, opacity: 0.55, fillColor: '#0f7b6c', fillOpacity: 0.03 };
    const gj = L.geoJSON(props.boundaries, {
      style: () => base,
      onEachFeature: (feature, lyr) => {
        const p = (feature.properties ?? {}) as Record<string, unknown>;
        const name = [p.neighbourhood, p.neighbourhood_group ?? p.district].filter((v) => typeof v === 'string').join(', ');
        if (name) lyr.bindTooltip(element('span', 'outline-name', name), { sticky: true, direction: 'top' });
        lyr.on('mouseover', () => (lyr as L.Path).setStyle({ weight: 2.5, opacity: 0.9, fillOpacity: 0.12 }));
        lyr.on('mouseout', () => (lyr as L.Path).setStyle(base));
      },
    });
    gj.addTo(map);
    gj.bringToBack();
    outlines.current = gj;
  }, [props.boundaries]);

  // Bubbles or pins for the current answer, diffed by key.
  useEffect(() => {
    const map = mapRef.current;
    const group = layer.current;
    if (!map || !group) return;
    const { result, labels, marks } = props;
    const next = new Map<string, Shown>();
    if (result) {
      if (result.level === 'listing') {
        const size = map.getSize();
        const tags = Math.max(10, Math.round((size.x * size.y) / PX2_PER_TAG));
        // Listings come newest first: the newest get price tags, the rest dots, and a tag
        // that would cover one already placed becomes a dot too, so tags never overlap.
        const placedTags: LabelBox[] = [];
        // Homes at one address (flats in one building) would be tags stacked on one point:
        // one tag stands for them all and opens them together.
        const { singles, groups } = byAddress(result.listings);
        for (const members of groups) {
          const lead = members[0]!;
          const key = `g:${addressKey(lead)}`;
          const text = labels.groupPin(members);
          const p = map.latLngToContainerPoint([lead.lat, lead.lon]);
          placedTags.push({ x: p.x, y: p.y - 16, w: 16 + text.length * 7.5, h: 22 });
          const signature = `${members.map((m) => `${m.id}:${m.price}`).join(',')}|${text}`;
          const shown = markers.current.get(key);
          if (shown && shown.signature === signature) {
            next.set(key, shown);
            continue;
          }
          shown?.marker.remove();
          const width = Math.round(16 + text.length * 7.5);
          const icon = L.divIcon({ html: element('div', 'pin pin-group', text), className: 'roost-marker', iconSize: [width, 22], iconAnchor: [width / 2, 27] });
          const marker = L.marker([lead.lat, lead.lon], { icon, keyboard: true, riseOnHover: true, zIndexOffset: 200 });
          marker.on('click', () => latest.current.onSelectGroup(members));
          marker.addTo(group);
          accessible(marker, labels.groupName(members));
          next.set(key, { marker, signature, ids: members.map((m) => m.id) });
        }
        for (const [i, l] of singles.entries()) {
          const key = `l:${l.id}`;
          // A live change always gets a tag, so it can be seen.
          const mark = marks.get(l.id);
          let compact = i >= tags && !mark;
          if (!compact) {
            const p = map.latLngToContainerPoint([l.lat, l.lon]);
            const tag = { x: p.x, y: p.y - 16, w: 16 + labels.pinPrice(l).length * 7.5, h: 22 };
            if (!mark && placedTags.some((t) => overlaps(t, tag, 1))) compact = true;
            else placedTags.push(tag);
          }
          const signature = `${l.price}|${l.lat}|${l.lon}|${l.title}|${labels.pinPrice(l)}|${compact}|${mark ?? ''}`;
          const shown = markers.current.get(key);
          if (shown && shown.signature === signature) {
            next.set(key, shown);
            continue;
          }
          shown?.marker.remove();
          if (compact) {
            // Beyond the tags, dots on the canvas: hundreds of DOM markers made street views
            // the slowest step after a move (p95 253 ms against ≤ 160 ms for bubbles,
            // npm run bench:ui). The list gives keyboards and readers every listing.
            const dot = L.circleMarker([l.lat, l.lon], DOT);
            dot.on('click', () => latest.current.onSelect(l));
            dot.addTo(group);
            next.set(key, { marker: dot, signature });
            continue;
          }
          const marker = L.marker([l.lat, l.lon], { icon: pinIcon(l, labels, mark), keyboard: true, riseOnHover: true, zIndexOffset: mark ? 500 : 0 });
          marker.on('click', () => latest.current.onSelect(l));
          marker.addTo(group);
          accessible(marker, labels.pinName(l));
          next.set(key, { marker, signature });
        }
      } else {
        const level = result.level;
        // Areas near the view only (a whole country's neighbourhoods would be thousands of
        // markers), then grouped so that no two labels overlap at this zoom.
        const near = map.getBounds().pad(0.3);
        const groups = declutter(
          result.buckets.filter((b) => near.contains([b.lat, b.lon])),
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
          const shown = markers.current.get(key);
          if (shown && shown.signature === signature) {
            next.set(key, shown);
            continue;
          }
          shown?.marker.remove();
          const icon = bubbleIcon(b, level, labels, g.members.length - 1);
          // The same area with a new count: a live change; it pulses once.
          if (shown) (icon.options.html as HTMLElement).classList.add('bubble-changed');
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
            const bounds = areaBounds(latest.current.boundaries, level, g.lead);
            const fit = bounds ? map.getBoundsZoom(bounds) : map.getZoom() + 1;
            const zoom = Math.min(Math.max(fit, NEXT_ZOOM[level]), NEXT_ZOOM[level] + 1);
            map.setView(bounds ? bounds.getCenter() : [b.lat, b.lon], zoom);
          });
          marker.addTo(group);
          accessible(marker, labels.bubbleName(b, level) + (g.members.length > 1 ? ` (+${g.members.length - 1})` : ''));
          next.set(key, { marker, signature });
        }
      }
    }
    for (const [key, shown] of markers.current) if (!next.has(key)) shown.marker.remove();
    markers.current = next;
    // Marked at the next frame: the new markers are in the DOM and about to be painted.
    if (result) requestAnimationFrame(() => performance.mark('roost-render'));
  }, [props.result, props.labels, props.marks, view]);

  // The hovered or selected listing's pin stands out; toggled in place, so focus stays put.
  useEffect(() => {
    for (const [key, shown] of markers.current) {
      if (!key.startsWith('l:') && !key.startsWith('g:')) continue;
      const on = key === `l:${props.highlightId}` || (props.highlightId !== null && (shown.ids?.includes(props.highlightId) ?? false));
      const m = shown.marker;
      if (m instanceof L.CircleMarker) {
        m.setStyle(on ? DOT_HIGHLIGHT : DOT);
        if (on) m.bringToFront();
        continue;
      }
      m.getElement()?.querySelector('.pin')?.classList.toggle('pin-highlight', on);
      m.setZIndexOffset(on ? 1000 : 0);
    }
  }, [props.highlightId, props.result]);

  return <div ref={container} className="map-canvas" data-testid="map" />;
}

/**
 * Markers are buttons: named by what they show, and Enter or Space presses them (Leaflet
 * 1.9 makes them focusable but turns no key into a click).
 */
function accessible(marker: L.Marker, name: string): void {
  const el = marker.getElement();
  if (!el) return;
  el.setAttribute('role', 'button');
  el.setAttribute('aria-label', name);
  el.removeAttribute('title');
  el.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    marker.fire('click');
  });
}
