/** Zoom of the tile each push-benchmark watcher watches (Roost: its bbox; Socket.IO: its room). */
export const BASELINE_TILE_ZOOM = 14;
