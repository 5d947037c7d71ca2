import type L from 'leaflet';
import type { MapLabels, Shown } from './map-types';

/**
 * One redraw of the map's markers, diffed by key: a marker whose signature (everything it
 * shows, and where) is unchanged is kept as it is; a changed one is removed for the layer
 * to make anew; at the end those no longer drawn are removed. Layers draw through it, so
 * none re-creates what did not change.
 */
export class MarkerPass {
  private readonly next = new Map<string, Shown>();

  constructor(
    readonly map: L.Map,
    readonly group: L.LayerGroup,
    readonly labels: MapLabels,
    private readonly previous: ReadonlyMap<string, Shown>,
  ) {}

  /** 'kept': the marker stays, draw nothing; 'changed': it was removed, draw its successor; 'new': draw it. */
  keep(key: string, signature: string): 'kept' | 'changed' | 'new' {
    const shown = this.previous.get(key);
    if (!shown) return 'new';
    if (shown.signature === signature) {
      this.next.set(key, shown);
      return 'kept';
    }
    shown.marker.remove();
    return 'changed';
  }

  add(key: string, shown: Shown): void {
    this.next.set(key, shown);
  }

  /** Removes what was not drawn this time; the markers now on the map. */
  finish(): Map<string, Shown> {
    for (const [key, shown] of this.previous) if (!this.next.has(key)) shown.marker.remove();
    return this.next;
  }
}
