'use client';

import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import { useEffect, useRef } from 'react';

/** A still map around one listing, with its pin. */
export default function SmallMap({ lat, lon, tileUrl, attribution, label }: { lat: number; lon: number; tileUrl: string; attribution: string; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const map = L.map(ref.current!, { center: [lat, lon], zoom: 15, scrollWheelZoom: false });
    L.tileLayer(tileUrl, { attribution, maxZoom: 19 }).addTo(map);
    const dot = document.createElement('div');
    dot.className = 'pin-dot';
    const marker = L.marker([lat, lon], { icon: L.divIcon({ html: dot, className: 'roost-marker', iconSize: [18, 18] }), keyboard: false });
    marker.addTo(map);
    marker.getElement()?.setAttribute('aria-label', label);
    return () => {
      map.remove();
    };
  }, [lat, lon, tileUrl, attribution, label]);
  return <div ref={ref} className="small-map" data-testid="small-map" />;
}
