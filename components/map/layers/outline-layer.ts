import type { FeatureCollection } from 'geojson';
import L from 'leaflet';
import { useEffect, type RefObject } from 'react';
import { element } from './marker-dom';

const BASE: L.PathOptions = { color: '#0f7b6c', weight: 1, opacity: 0.55, fillColor: '#0f7b6c', fillOpacity: 0.03 };

/** The areas' outlines under everything else, named on hover; made once per boundaries file. */
export function useOutlineLayer(mapRef: RefObject<L.Map | null>, boundaries: FeatureCollection | null): void {
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !boundaries) return;
    const gj = L.geoJSON(boundaries, {
      style: () => BASE,
      onEachFeature: (feature, lyr) => {
        const p = (feature.properties ?? {}) as Record<string, unknown>;
        const name = [p.neighbourhood, p.neighbourhood_group ?? p.district].filter((v) => typeof v === 'string').join(', ');
        if (name) lyr.bindTooltip(element('span', 'outline-name', name), { sticky: true, direction: 'top' });
        lyr.on('mouseover', () => (lyr as L.Path).setStyle({ weight: 2.5, opacity: 0.9, fillOpacity: 0.12 }));
        lyr.on('mouseout', () => (lyr as L.Path).setStyle(BASE));
      },
    });
    gj.addTo(map);
    gj.bringToBack();
    return () => {
      gj.remove();
    };
  }, [mapRef, boundaries]);
}
