'use client';

import 'leaflet/dist/leaflet.css';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { MAP_ZOOM } from '@/server/contract/filters';
import { useAreaLayer, useDrawTool } from './layers/area-layer';
import { drawBubbles } from './layers/bubble-layer';
import type { LeafletMapProps, Shown } from './layers/map-types';
import { MarkerPass } from './layers/marker-pass';
import { useOutlineLayer } from './layers/outline-layer';
import { useChosenAreaLayer } from './layers/chosen-area-layer';
import { drawPins, highlightPins } from './layers/pin-layer';

export type { LeafletMapProps, LiveMark, MapLabels, MapMove } from './layers/map-types';

/** Room for what lies over the map: the status chip above, and on a phone the list sheet below. */
function fitPadding(): L.FitBoundsOptions {
  const phone = window.matchMedia('(max-width: 720px)').matches;
  return { paddingTopLeft: [10, 48], paddingBottomRight: [10, phone ? 130 : 10] };
}

function boundsOf([w, s, e, n]: [number, number, number, number]): L.LatLngBounds {
  return L.latLngBounds([s, w], [n, e]);
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

/**
 * Leaflet, wrapped: the map is created once; its layers (outlines, the drawn area, the
 * draw tool, bubbles, pins) each live in a module of their own and are updated by diff —
 * a marker whose content did not change is kept, every text goes in through textContent.
 */
export default function LeafletMap(props: LeafletMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const markers = useRef(new Map<string, Shown>());
  const layer = useRef<L.LayerGroup | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const onDrawn = useRef(props.onDrawn);
  onDrawn.current = props.onDrawn;
  const onAreaEdited = useRef(props.onAreaEdited);
  onAreaEdited.current = props.onAreaEdited;
  const fitted = useRef(0);
  /** Bumped on every move: labels are grouped for the zoom and area in view. */
  const [view, setViewSeq] = useState(0);

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

  useDrawTool(mapRef, props.drawing === true, onDrawn);
  useAreaLayer(mapRef, props.area ?? null, props.editArea === true, onAreaEdited);
  useOutlineLayer(mapRef, props.boundaries);
  useChosenAreaLayer(mapRef, props.chosenArea ?? null);

  // A place picked in the search box frames its area.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !props.fit || props.fit.seq === fitted.current) return;
    fitted.current = props.fit.seq;
    map.fitBounds(boundsOf(props.fit.bbox), fitPadding());
  }, [props.fit]);

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

  // Bubbles or pins for the current answer, diffed by key.
  useEffect(() => {
    const map = mapRef.current;
    const group = layer.current;
    if (!map || !group) return;
    const { result, labels, marks } = props;
    const pass = new MarkerPass(map, group, labels, markers.current);
    if (result?.level === 'listing') drawPins(pass, result.listings, marks, () => latest.current);
    else if (result) drawBubbles(pass, result.level, result.buckets, () => latest.current.boundaries);
    markers.current = pass.finish();
    // Marked at the next frame: the new markers are in the DOM and about to be painted.
    if (result) requestAnimationFrame(() => performance.mark('roost-render'));
  }, [props.result, props.labels, props.marks, view]);

  useEffect(() => highlightPins(markers.current, props.highlightId), [props.highlightId, props.result]);

  // The card a pin opens never covers its pin: the map moves the pin clear of it.
  const cardFor = props.cardFor ?? null;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !cardFor) return;
    const frame = requestAnimationFrame(() => {
      const card = map.getContainer().parentElement?.querySelector('.listing-card');
      if (!card) return;
      const at = map.getContainer().getBoundingClientRect();
      const c = card.getBoundingClientRect();
      const box = { left: c.left - at.left - 8, right: c.right - at.left + 8, top: c.top - at.top - 8, bottom: c.bottom - at.top + 8 };
      const p = map.latLngToContainerPoint([cardFor.lat, cardFor.lon]);
      // The tag: about 80 px wide, its tip on the point.
      const pin = { left: p.x - 40, right: p.x + 40, top: p.y - 30, bottom: p.y };
      if (pin.right < box.left || pin.left > box.right || pin.bottom < box.top || pin.top > box.bottom) return;
      const size = map.getSize();
      const up = pin.bottom - box.top;
      const right = box.right - pin.left;
      const moves: [number, number][] = [];
      if (pin.top - up > 56) moves.push([0, up]);
      if (pin.right + right < size.x) moves.push([-right, 0]);
      const move = moves.sort((a, b) => Math.hypot(...a) - Math.hypot(...b))[0];
      if (move) map.panBy(move, { animate: false });
    });
    return () => cancelAnimationFrame(frame);
  }, [cardFor]);

  return <div ref={container} className="map-canvas" data-testid="map" />;
}
