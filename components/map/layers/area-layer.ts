import L from 'leaflet';
import { useEffect, type RefObject } from 'react';
import { loadGeoman, ringOf } from './geoman';

type Ring = [number, number][];

/**
 * The draw tool: while `drawing`, clicks place corners (the plugin's polygon tool, loaded
 * on first use); the shape is handed back as a closed [lon, lat] ring and cleared.
 */
export function useDrawTool(mapRef: RefObject<L.Map | null>, drawing: boolean, onDrawn: RefObject<((ring: Ring) => void) | undefined>): void {
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !drawing) return;
    let cancelled = false;
    // Bubbles and pins stay in sight but let clicks through: a click places a corner, not a zoom.
    map.getContainer().classList.add('map-drawing');
    const onCreate = (e: L.LeafletEvent & { layer: L.Polygon }) => {
      const ring = ringOf(e.layer);
      e.layer.remove();
      if (ring) onDrawn.current?.(ring);
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
  }, [mapRef, drawing, onDrawn]);
}

/**
 * The drawn area stays on the map while it narrows the search; while edited it carries the
 * plugin's handles (the plugin gives its hooks only to shapes made after it loaded), and
 * each finished drag hands the new ring back.
 */
export function useAreaLayer(mapRef: RefObject<L.Map | null>, area: Ring | null, editing: boolean, onEdited: RefObject<((ring: Ring) => void) | undefined>): void {
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !area) return;
    let cancelled = false;
    let shape: L.Polygon | null = null;
    const show = () => {
      if (cancelled) return;
      shape = L.polygon(
        area.map(([lon, lat]) => [lat, lon] as [number, number]),
        {
          // SVG, not the map's canvas: one shape, and a DOM element tests and readers can find.
          renderer: L.svg(),
          className: editing ? 'drawn-area editing' : 'drawn-area',
          color: '#e8590c',
          weight: 2.5,
          fillColor: '#e8590c',
          fillOpacity: 0.06,
          interactive: editing,
        },
      );
      shape.addTo(map);
      if (!editing) return;
      const edited = shape;
      edited.pm.enable({ snappable: false, allowSelfIntersection: false });
      edited.on('pm:edit', () => {
        const ring = ringOf(edited);
        if (ring) onEdited.current?.(ring);
      });
      map.getContainer().classList.add('map-area-editing');
    };
    if (editing) void loadGeoman(map).then(show);
    else show();
    return () => {
      cancelled = true;
      if (shape?.pm) shape.pm.disable();
      shape?.remove();
      map.getContainer().classList.remove('map-area-editing');
    };
  }, [mapRef, area, editing, onEdited]);
}
