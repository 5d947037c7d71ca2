'use client';

import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import { useEffect, useRef } from 'react';

export interface PlacePickerProps {
  /** The home's point, once placed. */
  at: { lat: number; lon: number } | null;
  /** Where the map opens when nothing is placed yet (the market's middle). */
  around: { lat: number; lon: number; zoom: number };
  tileUrl: string;
  attribution: string;
  label: string;
  onPlace(at: { lat: number; lon: number }): void;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Where the home is: a click on the map puts the pin there; the pin drags (and moves by keyboard) to adjust. */
export default function PlacePicker({ at, around, tileUrl, attribution, label, onPlace }: PlacePickerProps) {
  const ref = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const marker = useRef<L.Marker | null>(null);
  const place = useRef(onPlace);
  place.current = onPlace;

  useEffect(() => {
    const m = L.map(ref.current!, { center: at ? [at.lat, at.lon] : [around.lat, around.lon], zoom: at ? 16 : around.zoom });
    L.tileLayer(tileUrl, { attribution, maxZoom: 19 }).addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => place.current({ lat: round(e.latlng.lat), lon: round(L.Util.wrapNum(e.latlng.lng, [-180, 180], true)) }));
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
      marker.current = null;
    };
    // The map is made once; the pin follows `at` below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tileUrl, attribution]);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    if (!at) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    if (!marker.current) {
      const dot = document.createElement('div');
      dot.className = 'pin-dot pin-place';
      marker.current = L.marker([at.lat, at.lon], { draggable: true, keyboard: true, icon: L.divIcon({ html: dot, className: 'roost-marker', iconSize: [22, 22] }) }).addTo(m);
      marker.current.on('dragend', () => {
        const p = marker.current!.getLatLng();
        place.current({ lat: round(p.lat), lon: round(p.lng) });
      });
      marker.current.getElement()?.setAttribute('aria-label', label);
    } else {
      marker.current.setLatLng([at.lat, at.lon]);
    }
  }, [at, label]);

  return <div ref={ref} className="place-picker" data-testid="place-picker" />;
}
