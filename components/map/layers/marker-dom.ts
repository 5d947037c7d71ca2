import type L from 'leaflet';

/** An element with a class and, optionally, text. */
export function element(tag: string, className: string, text?: string): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  // Listing and area text is untrusted: it only ever goes in as text.
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Text widths for label boxes, from the page's own font: the declutter step needs sizes before the DOM has them. */
let measure: CanvasRenderingContext2D | null = null;
let family = '';
export function textWidth(text: string, font: string): number {
  if (!measure) {
    measure = document.createElement('canvas').getContext('2d');
    if (!measure) return text.length * 7.5;
    // Read once: a style lookup per label was a layout read for every bubble of a render.
    family = getComputedStyle(document.body).fontFamily;
  }
  measure.font = `${font} ${family}`;
  return measure.measureText(text).width;
}

/**
 * Markers are buttons: named by what they show, and Enter or Space presses them (Leaflet
 * 1.9 makes them focusable but turns no key into a click).
 */
export function accessible(marker: L.Marker, name: string): void {
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
