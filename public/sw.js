/*
 * Roost's service worker: it shows the alerts Web Push brings (a PushPayload of
 * server/contract/alert-channels.ts: title, body, url, tag, icon, count) and opens what the
 * notification names when it is clicked: the home for one alert, the search's map or the
 * saved homes for several sent together. Nothing else: no fetch handler, no cache, so the site works
 * exactly as without it. Registered only when the renter turns notifications on
 * (components/alerts/push-opt-in.ts), served from our own origin (CSP worker-src 'self').
 */
'use strict';

const ROOT = self.location.origin + '/';
/** Payload text is shown as text by the system; these keep a bad sender from filling the screen. */
const MAX_TITLE = 120;
const MAX_BODY = 400;

self.addEventListener('install', () => self.skipWaiting());
// Tabs already open are controlled at once, so a click can take one of them to the home.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** A URL of the site's own origin; anything else becomes the site's root (no open redirect). */
function ownUrl(raw) {
  try {
    const u = new URL(String(raw), self.location.origin);
    return u.origin === self.location.origin ? u.href : ROOT;
  } catch {
    return ROOT;
  }
}

function payloadOf(data) {
  if (!data) return null;
  try {
    const p = data.json();
    return p && typeof p === 'object' && typeof p.title === 'string' ? p : null;
  } catch {
    return null;
  }
}

self.addEventListener('push', (event) => {
  // The subscription promised the browser a visible notification for every push (userVisibleOnly).
  const p = payloadOf(event.data);
  const title = p ? p.title.slice(0, MAX_TITLE) : 'Roost';
  const options = {
    body: p && typeof p.body === 'string' ? p.body.slice(0, MAX_BODY) : '',
    data: { url: ownUrl(p ? p.url : ROOT) },
  };
  if (p && typeof p.tag === 'string' && p.tag) {
    options.tag = p.tag.slice(0, 200);
    // A tag is a renter's search (or favourites): the next alerts replace the last notification,
    // and should still be heard, not swapped in silently.
    options.renotify = true;
  }
  // Only our own icons: another host's would learn who got the alert.
  if (p && typeof p.icon === 'string' && ownUrl(p.icon) !== ROOT) options.icon = ownUrl(p.icon);
  event.waitUntil(self.registration.showNotification(title, options));
});

/** Pages a click may take over: the map and homes' pages, never a half-written message or listing. */
function replaceable(client) {
  const path = new URL(client.url).pathname;
  return path === '/' || path.startsWith('/listings/') || path === '/saved';
}

/** A tab already on the home, else one of ours on the map or a home, else a new window. */
async function openHome(url) {
  const all = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const there = all.find((c) => c.url === url);
  if (there) return there.focus();
  const controlled = await self.clients.matchAll({ type: 'window' });
  const tab = controlled.find(replaceable);
  if (tab) {
    const moved = await tab.navigate(url).catch(() => null);
    if (moved) return moved.focus().catch(() => moved);
  }
  return self.clients.openWindow(url);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = ownUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(openHome(url));
});
