'use client';

import { useEffect, useRef } from 'react';

/**
 * How sheets, dialogs and popovers close as people expect on the web and on phones: one
 * stack for the whole page, so Escape and Back close the topmost one only, one at a time.
 * Each open layer has a history entry of its own (Back pops it instead of leaving the
 * page); closed any other way, it takes its entry back with it. Layers of one group
 * (the header's popovers) are never open together: opening one closes the other and
 * takes over its history entry.
 */
interface Layer {
  id: number;
  group: string | undefined;
  close: () => void;
  /** Closed by Back: its entry is gone already. */
  popped: boolean;
  /** Its entry went to the layer that replaced it. */
  handedOver: boolean;
}

type LayerState = { roostLayer?: number } | null;

const stack: Layer[] = [];
let nextId = 1;
/** Pops the page made itself (a layer closed by a button takes its entry back), not the renter's Back. */
let ownPops = 0;
/** A closed layer's entry about to be taken back; a layer opening at once reuses it instead. */
let pending: { id: number; timer: ReturnType<typeof setTimeout> } | null = null;
/** Popstate events looked at, and whether a layer took each: the view must not follow those (isLayerPop). */
const handled = new WeakMap<Event, boolean>();
let installed = false;

function currentLayerId(): number | undefined {
  return (window.history.state as LayerState)?.roostLayer;
}

function install(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('keydown', (e) => {
    // A control that used Escape itself (the place box's list) has it first.
    if (e.key !== 'Escape' || e.defaultPrevented || stack.length === 0) return;
    e.preventDefault();
    e.stopPropagation();
    stack[stack.length - 1]!.close();
  });
  window.addEventListener('popstate', (e) => void isLayerPop(e));
}

/**
 * Handles a popstate once, whichever listener asks first (Chromium runs a window's
 * popstate listeners in the order they were added, capturing or not): a Back that closes
 * the topmost layer, or a closed layer's entry going, is the layers'.
 */
function takePop(): boolean {
  if (ownPops > 0) {
    ownPops--;
    return true;
  }
  const top = stack[stack.length - 1];
  if (!top || currentLayerId() === top.id) return false;
  stack.pop();
  top.popped = true;
  top.close();
  return true;
}

/** Whether a layer is open: changes made meanwhile (a filter in the sheet) replace the history entry rather than add one. */
export function layerOpen(): boolean {
  return stack.length > 0 || pending !== null;
}

/** Whether this popstate closed a layer (or was a closed layer's entry going): not a change of view. */
export function isLayerPop(e: Event): boolean {
  let taken = handled.get(e);
  if (taken === undefined) {
    taken = takePop();
    handled.set(e, taken);
  }
  return taken;
}

/** How many layers are open (for tests and the page's own checks). */
export function openLayers(): number {
  return stack.length;
}

export function useDismiss(open: boolean, onClose: () => void, group?: string): void {
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    if (!open) return;
    install();
    const layer: Layer = { id: nextId++, group, close: () => close.current(), popped: false, handedOver: false };
    const state = (window.history.state ?? {}) as Record<string, unknown>;
    // Another popover of the group closes; its entry becomes this one's.
    const others = group ? stack.filter((l) => l.group === group) : [];
    let reused = false;
    for (const o of others) {
      stack.splice(stack.indexOf(o), 1);
      o.handedOver = true;
      if (currentLayerId() === o.id) reused = true;
      o.close();
    }
    if (!reused && pending && currentLayerId() === pending.id) {
      clearTimeout(pending.timer);
      pending = null;
      reused = true;
    }
    if (reused) window.history.replaceState({ ...state, roostLayer: layer.id }, '');
    else window.history.pushState({ ...state, roostLayer: layer.id }, '');
    stack.push(layer);
    return () => {
      const at = stack.indexOf(layer);
      if (at >= 0) stack.splice(at, 1);
      if (layer.popped || layer.handedOver || currentLayerId() !== layer.id) return;
      // Closed by a button or Escape: its entry goes too, so Back does not need two presses.
      // A moment later, so a layer opened in the same breath can take the entry over instead.
      const timer = setTimeout(() => {
        if (pending?.id === layer.id) pending = null;
        if (currentLayerId() !== layer.id) return;
        ownPops++;
        window.history.back();
      }, 0);
      pending = { id: layer.id, timer };
    };
    // The group is fixed for a component's life.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
}
