import type { FeatureCollection } from 'geojson';
import L from 'leaflet';
import { useEffect, type RefObject } from 'react';
import type { ChosenArea } from '../chosen-area';

const STYLE: L.PathOptions = { color: '#e8590c', weight: 2.5, opacity: 0.9, fillColor: '#e8590c', fillOpacity: 0.05, dashArray: '6 4', interactive: false };

/** Outlines the chosen area until another is chosen or it is cleared. SVG: a DOM element tests can find. */
export function useChosenAreaLayer(mapRef: RefObject<L.Map | null>, area: ChosenArea | null): void {
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !area) return;
    const options = { ...STYLE, renderer: L.svg(), className: 'chosen-area' };
    const layer =
      area.kind === 'features'
        ? L.geoJSON({ type: 'FeatureCollection', features: area.features } as FeatureCollection, { style: () => options })
        : L.polygon(area.ring.map(([lon, lat]) => [lat, lon] as [number, number]), options);
    layer.addTo(map);
    return () => {
      layer.remove();
    };
  }, [mapRef, area]);
}
