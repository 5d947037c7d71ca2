import type { PushSubscriptionJson } from '@/server/contract/alert-channels';
import { channelsApi } from './channels-api';

/** The service worker: a file of our origin (CSP `worker-src 'self'`), scope the whole site. */
const SW_URL = '/sw.js';
/** Told when this browser's push opt-in changes, so every control on the page agrees. */
export const PUSH_CHANGED = 'roost:push-changed';

export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && typeof Notification !== 'undefined';
}

/** This browser's push subscription to the site, if the renter opted in here. */
async function currentSubscription(): Promise<PushSubscription | null> {
  const reg = await navigator.serviceWorker.getRegistration('/');
  return reg ? reg.pushManager.getSubscription() : null;
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return (await currentSubscription().catch(() => null)) ? 'on' : 'off';
}

/** VAPID's public key is URL-safe base64; PushManager wants its bytes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export class PushDenied extends Error {}

/**
 * Opts this browser in, on the renter's press and never before: the permission prompt
 * first (browsers show it only for a user gesture), then the worker, the server's key,
 * the subscription, and the server told of it. A server that refuses it leaves no
 * browser subscription behind.
 */
export async function optIn(): Promise<void> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new PushDenied(permission);
  const reg = await navigator.serviceWorker.register(SW_URL, { scope: '/' });
  await navigator.serviceWorker.ready;
  const publicKey = await channelsApi.pushKey();
  const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  try {
    await channelsApi.subscribe(sub.toJSON() as PushSubscriptionJson);
  } catch (e) {
    await sub.unsubscribe().catch(() => false);
    throw e;
  }
  window.dispatchEvent(new Event(PUSH_CHANGED));
}

/** Turns push off on this browser: the server forgets the endpoint, the browser drops it. */
export async function optOut(): Promise<void> {
  const sub = await currentSubscription();
  if (sub) {
    await channelsApi.unsubscribe(sub.endpoint);
    await sub.unsubscribe();
  }
  window.dispatchEvent(new Event(PUSH_CHANGED));
}
