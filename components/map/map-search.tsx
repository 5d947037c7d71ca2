'use client';

import dynamic from 'next/dynamic';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import type { Listing } from '@/server/core/listing';
import { filterParams } from '@/server/core/filter-params';
import { requestBbox } from '@/server/core/request-bbox';
import { AccountMenu } from '@/components/account/account-menu';
import { SESSION_CHANGED } from '@/components/account/account-context';
import { MESSAGES_CHANGED } from '@/components/messages/use-unread';
import { isLayerPop, layerOpen, useDismiss } from '@/components/ui/use-dismiss';
import { AlertToasts } from '@/components/alerts/alert-toasts';
import { AlertsBell } from '@/components/alerts/alerts-bell';
import { SaveSearchDialog } from '@/components/alerts/save-search-dialog';
import { SavedSearchesPanel } from '@/components/alerts/saved-searches-panel';
import { useAlerts } from '@/components/alerts/use-alerts';
import type { AlertJson } from '@/components/alerts/alerts-api';
import { EmptyNotice } from './empty-notice';
import { FilterBar } from './filter-bar';
import { FilterSheet } from './filter-sheet';
import { filtersOf, MAP_ZOOM } from '@/server/contract/filters';
import { AddressGroupCard } from './address-group-card';
import { usePriceHistogram } from './price-histogram';
import { useBoundaries } from './use-boundaries';
import { useListPage } from './use-list-page';
import { useLiveMarks } from './use-live-marks';
import { useSearchResult } from './use-search-result';
import { PlaceBox } from './place-box';
import type { Place } from '@/server/search/place-directory';
import { useChosenArea } from './use-chosen-area';
import type { MapLabels, MapMove } from './leaflet-map';
import { ListPanel } from './list-panel';
import { ListingCard } from './listing-card';
import { ApiClient, type SearchResponse } from './search-client';
import { LiveSocket, type LiveState, type ServerMessage } from './live-socket';
import { levelForZoom } from '@/server/core/levels';
import { pointInRing, ringBbox, ringParam } from '@/server/core/polygon';
import { hasView, LAST_MAP_QUERY_KEY, LAST_VIEW_KEY, parseView, viewQuery, type ViewState } from './view-state';
import type { MarketOverview } from '@/server/search/market-overview';
import { soleUnit, viewUnits, type PriceUnit } from '@/server/contract/search-prices';
import type { PricePer } from '@/server/core/money';

// Leaflet needs `window`: the map is a client-only chunk.
const LeafletMap = dynamic(() => import('./leaflet-map'), {
  ssr: false,
  loading: () => <div className="map-canvas" />,
});

/** Whole-area views ask over the world, at one zoom per level, so every zoom of a level shares one answer. */
const WORLD_BBOX = '-180,-85,180,85';
const AREA_ZOOM = { region: 8, district: 10, neighbourhood: 12 } as const;
const LIST_PAGE = 20;
/** How long a new or re-priced pin stays marked, and a removed one fades. */
const MARK_MS = 2_500;
const FADE_MS = 700;
/** Changes under bubbles are gathered this long before the view is asked again. */
const LIVE_REFETCH_MS = 400;

/**
 * A name for a new saved search, after what it covers: the place picked in the box while
 * the view still holds it; else the areas in view (or the drawn area), by homes: "A",
 * "A & B", "A, B & 3 more"; else a plain one. Never the biggest bubble alone when the
 * search covers more (issue 30: a whole city's search was named "Manhattan").
 */
function defaultSearchName(
  result: SearchResponse | null,
  listed: Listing[],
  box: [number, number, number, number] | null,
  ring: [number, number][] | undefined,
  chosen: Place | null,
  t: (key: 'nameTwo' | 'nameMore', vars: Record<string, string | number>) => string,
  fallback: string,
): string {
  const inside = (lat: number, lon: number) =>
    (!box || (lon >= box[0] && lon <= box[2] && lat >= box[1] && lat <= box[3])) && (!ring || pointInRing(lon, lat, ring));
  if (chosen && chosen.kind !== 'listing' && inside(chosen.lat, chosen.lon)) return chosen.label;
  const counts = new Map<string, number>();
  const add = (name: string, n: number) => name && counts.set(name, (counts.get(name) ?? 0) + n);
  if (result && (result.level === 'district' || result.level === 'neighbourhood')) {
    for (const b of result.buckets) if (inside(b.lat, b.lon)) add(b.label, b.count);
  } else {
    const seen = new Set<string>();
    for (const l of [...(result?.listings ?? []), ...listed]) {
      if (seen.has(l.id) || !inside(l.lat, l.lon)) continue;
      seen.add(l.id);
      add(l.neighbourhood || l.district, 1);
    }
  }
  const names = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  if (names.length === 0) return fallback;
  if (names.length === 1) return names[0]!;
  if (names.length === 2) return t('nameTwo', { a: names[0]!, b: names[1]! });
  return t('nameMore', { a: names[0]!, b: names[1]!, n: names.length - 2 });
}

export interface MapSearchProps {
  initialQuery: string;
  tileUrl: string;
  attribution: string;
  /** The data at a glance (extent, price range), for a first view that finds it. */
  market: MarketOverview | null;
  /** Whether the store has a boundaries file: without, /api/boundaries is never asked. */
  hasBoundaries?: boolean;
}


function storedView(): ViewState | null {
  try {
    const text = window.localStorage.getItem(LAST_VIEW_KEY);
    if (!text) return null;
    const params = new URLSearchParams(text);
    return hasView(params) ? parseView(params) : null;
  } catch {
    return null;
  }
}

/** The map page: view and filters in the URL, search following the map, the list beside it. */
export function MapSearch({ initialQuery, tileUrl, attribution, market, hasBoundaries = false }: MapSearchProps) {
  const { t, number, price, listingPrice, per } = useI18n();
  const api = useMemo(() => new ApiClient(), []);
  const [view, setView] = useState<ViewState>(() => parseView(new URLSearchParams(initialQuery)));
  /**
   * With no view in the URL the map waits for this device's last view or the data's
   * extent before it shows (and searches) anything, so the first bubbles are the data's.
   */
  const [placed, setPlaced] = useState(() => hasView(new URLSearchParams(initialQuery)));
  const [fit, setFit] = useState<{ bbox: [number, number, number, number]; seq: number } | null>(null);
  const [move, setMove] = useState<MapMove | null>(null);
  const [retry, setRetry] = useState(0);
  const [listRetry, setListRetry] = useState(0);
  const [selected, setSelected] = useState<Listing | null>(null);
  /** Several homes at one address, opened together from their one tag. */
  const [group, setGroup] = useState<Listing[] | null>(null);
  const [hovered, setHovered] = useState<string | null>(null);
  const boundaries = useBoundaries(hasBoundaries);
  /** The area picked in the place box, outlined until another is picked or the filters are cleared. */
  const [chosen, setChosen] = useState<Place | null>(null);
  const chosenArea = useChosenArea(api, chosen, boundaries);
  const [sheetOpen, setSheetOpen] = useState(false);
  // The phone's list sheet, raised over the map: Escape and Back lower it.
  useDismiss(sheetOpen, () => setSheetOpen(false));
  const viewRef = useRef(view);
  viewRef.current = view;
  const [live, setLive] = useState<LiveState>('connecting');
  const { marks, mark } = useLiveMarks();
  const socket = useRef<LiveSocket | null>(null);
  const alerts = useAlerts(
    useCallback((title: string, body: string, url: string) => {
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      const n = new Notification(title || 'Roost', { body });
      n.onclick = () => window.open(url, '_self');
    }, []),
  );
  const alertsRef = useRef(alerts);
  alertsRef.current = alerts;
  /** Saving a search: the dialog is open, maybe with a drawn area; or the renter is drawing. */
  const [saving, setSaving] = useState<{ polygon: [number, number][] | null } | null>(null);
  /** Drawing an area: to narrow the search, or for the search being saved. */
  const [drawingFor, setDrawingFor] = useState<'search' | 'save' | null>(null);
  const drawing = drawingFor !== null;
  /** The drawn area shows its handles: corners can be dragged, added and removed. */
  const [editingArea, setEditingArea] = useState(false);
  const setDrawing = (on: boolean) => setDrawingFor(on ? 'save' : null);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  /**
   * A change in view: street level applies it to the pins in place (new ones marked,
   * price changes flashed, removed ones faded out); under bubbles the view is asked
   * again shortly, so counts and averages stay the engine's own.
   */
  const onLive = useCallback(
    (m: ServerMessage) => {
      if (m.type === 'alert') {
        alertsRef.current.receive(m as AlertJson);
        return;
      }
      // A message or a read in one of the renter's conversations: the header's unread count follows.
      if (m.type === 'message' || m.type === 'read') {
        window.dispatchEvent(new Event(MESSAGES_CHANGED));
        return;
      }
      if (m.type !== 'listing') return;
      api.clear();
      const cur = resultRef.current;
      if (!cur || cur.level !== 'listing') {
        if (refetchTimer.current) clearTimeout(refetchTimer.current);
        refetchTimer.current = setTimeout(() => setRetry((n) => n + 1), LIVE_REFETCH_MS);
        return;
      }
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
      refetchTimer.current = setTimeout(() => setListRetry((n) => n + 1), LIVE_REFETCH_MS);
      const l = m.listing;
      const ring = viewRef.current.polygon;
      // The socket watches the view's box: a change outside the drawn area is not this search's.
      if (ring && !pointInRing(l.lon, l.lat, ring) && !cur.listings.some((x) => x.id === l.id)) return;
      const old = cur.listings.find((x) => x.id === l.id);
      if (m.op === 'upsert') {
        mark(l.id, old ? (old.price !== l.price ? 'price' : 'changed') : 'new', MARK_MS);
        setResult({
          ...cur,
          total: cur.total + (old ? 0 : 1),
          listings: old ? cur.listings.map((x) => (x.id === l.id ? l : x)) : [l, ...cur.listings],
        });
      } else if (old) {
        mark(l.id, 'gone', FADE_MS + 100);
        setTimeout(() => {
          const now = resultRef.current;
          if (now?.level === 'listing' && now.listings.some((x) => x.id === l.id)) {
            setResult({ ...now, total: Math.max(0, now.total - 1), listings: now.listings.filter((x) => x.id !== l.id) });
          }
        }, FADE_MS);
      }
    },
    [api, mark],
  );

  useEffect(() => {
    // Every connect resumes alerts from the last one this page has.
    const s = new LiveSocket((m) => onLive(m), setLive, () => [JSON.stringify({ type: 'resume', after: alertsRef.current.lastAlertId() })]);
    socket.current = s;
    // Signed in or out: the socket opens again as the new session, to hear its alerts (and only its).
    const onSession = () => {
      alertsRef.current.reset();
      s.reconnect();
    };
    window.addEventListener(SESSION_CHANGED, onSession);
    return () => {
      window.removeEventListener(SESSION_CHANGED, onSession);
      s.close();
    };
  }, [onLive]);

  /** A new view goes into the history, so back and forward move between views. */
  const commit = useCallback((next: ViewState, replace = false) => {
    setView(next);
    const q = viewQuery(next);
    if (q === window.location.search.slice(1)) return;
    // While a sheet or dialog is open its history entry takes the change: Back then closes
    // it and keeps the filters (see the popstate handler below).
    if (replace || layerOpen()) window.history.replaceState(window.history.state, '', `?${q}`);
    else window.history.pushState(null, '', `?${q}`);
  }, []);

  // Whatever brought the view (a move, a shared link, back), this device remembers it.
  useEffect(() => {
    if (!placed) return;
    const q = viewQuery(view);
    try {
      window.localStorage.setItem(LAST_VIEW_KEY, q);
      window.sessionStorage.setItem(LAST_MAP_QUERY_KEY, q);
    } catch {
      // Storage refused (private mode, quota): the URL still holds the view.
    }
  }, [view, placed]);

  useEffect(() => {
    if (placed) return;
    const last = storedView();
    const filters = parseView(new URLSearchParams(initialQuery));
    if (last) commit({ ...filters, lat: last.lat, lon: last.lon, zoom: last.zoom }, true);
    else if (market?.extent) setFit({ bbox: market.extent, seq: 1 });
    setPlaced(true);
    // Once, on arrival.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const onPop = (e: PopStateEvent) => {
      // Back closed a sheet, dialog or popover: the view and its filters stay as they are.
      // What changed while it was open becomes one step of its own: the next Back undoes it.
      if (isLayerPop(e)) {
        const q = viewQuery(viewRef.current);
        // Compared as views: the URL may hold the same view written otherwise (a shared link's "40.73").
        if (q !== viewQuery(parseView(new URLSearchParams(window.location.search)))) window.history.pushState(null, '', `?${q}`);
        return;
      }
      setView(parseView(new URLSearchParams(window.location.search)));
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const onMove = useCallback(
    (m: MapMove) => {
      // User timing for the browser benchmark: from here to the 'roost-render' mark.
      performance.mark('roost-move');
      setMove(m);
      const v = viewRef.current;
      const moved = v.zoom !== m.zoom || Math.abs(v.lat - m.lat) > 5e-6 || Math.abs(v.lon - m.lon) > 5e-6;
      if (moved) commit({ ...v, lat: m.lat, lon: m.lon, zoom: m.zoom });
    },
    [commit],
  );

  const areaParam = view.polygon ? `polygon=${ringParam(view.polygon)}` : '';
  const filters = [filterParams(view).toString(), areaParam].filter(Boolean).join('&');
  const bbox = move ? requestBbox(move.bbox, move.zoom) : null;
  /*
   * District and neighbourhood bubbles stand for whole areas: asked once per level and
   * filters over the world, so an area at the view's edge shows all its homes (not the few
   * inside the view), its bubble sits at a fixed point however the renter pans, and a pan
   * costs no request. Clusters and pins follow the view.
   */
  const level = move ? levelForZoom(move.zoom) : null;
  const wholeAreas = level === 'region' || level === 'district' || level === 'neighbourhood';
  const searchPath =
    bbox && move
      ? wholeAreas
        ? `/api/search?bbox=${WORLD_BBOX}&zoom=${AREA_ZOOM[level as keyof typeof AREA_ZOOM]}${filters ? `&${filters}` : ''}`
        : `/api/search?bbox=${bbox.join(',')}&zoom=${move.zoom}${filters ? `&${filters}` : ''}`
      : null;
  const { priceMin: _min, priceMax: _max, ...unpriced } = view;
  const histogramFilters = [filterParams(unpriced).toString(), areaParam].filter(Boolean).join('&');
  const histogram = usePriceHistogram(api, bbox ? `bbox=${bbox.join(',')}${histogramFilters ? `&${histogramFilters}` : ''}` : null);
  const listKey = bbox ? `bbox=${bbox.join(',')}&sort=${view.sort}&limit=${LIST_PAGE}${filters ? `&${filters}` : ''}` : null;

  // The live socket watches what the map shows, with the same filters.
  const watchKey = bbox ? `${bbox.join(',')}|${filters}` : null;
  useEffect(() => {
    if (bbox && watchKey) socket.current?.watch(bbox, viewRef.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [watchKey]);

  // Search follows the map; the list follows after it.
  const { result, setResult, status } = useSearchResult(api, searchPath, retry);
  const resultRef = useRef(result);
  resultRef.current = result;
  const { list, current: listCurrent, loading: listLoading, loadMore } = useListPage(api, listKey, retry + listRetry);

  useEffect(() => {
    if (result && result.level !== 'listing') {
      setSelected(null);
      setGroup(null);
    }
  }, [result]);

  /** Homes of no known area: no bubble of their own (it would sit at a meaningless average point); the chip says where they are. */
  const unplaced =
    result && move && (result.level === 'district' || result.level === 'neighbourhood')
      ? result.buckets
          .filter((b) => !b.label && b.lon >= move.bbox[0] && b.lon <= move.bbox[2] && b.lat >= move.bbox[1] && b.lat <= move.bbox[3])
          .reduce((n, b) => n + b.count, 0)
      : 0;
  const cardFor = useMemo(() => {
    const l = selected ?? group?.[0];
    return l ? { lat: l.lat, lon: l.lon } : null;
  }, [selected, group]);

  /** Homes in the view: the search's own count for clusters and pins, the list's for whole areas. */
  const inView = !result ? null : wholeAreas ? (listCurrent ? list.total : null) : result.total;

  /*
   * What the view's prices are in (the search answer's units): one unit is said once, in
   * the heading, the price filter and the histogram; a view of two periods names each
   * bubble's period and drops it from the heading. Before the first answer, or in an empty
   * view, the market's unit stands in.
   */
  const marketUnit: PriceUnit | null = market ? { currency: market.currency, pricePer: market.pricePer } : null;
  // Whole-area levels are asked for over the world: the view's units are those of the bubbles on screen.
  const units = useMemo(() => {
    if (!result) return [];
    if (result.level !== 'region' && result.level !== 'district' && result.level !== 'neighbourhood') return result.units;
    if (!move) return result.units;
    const [w, s, e, n] = move.bbox;
    return viewUnits(result.buckets.filter((b) => b.lon >= w && b.lon <= e && b.lat >= s && b.lat <= n), []);
  }, [result, move]);
  const viewUnit: PriceUnit | null = units.length > 0 ? soleUnit(units) : marketUnit;
  const viewPeriods = units.length > 0 ? [...new Set(units.map((u) => u.pricePer))] : marketUnit ? [marketUnit.pricePer] : [];
  const mixedPeriods = viewPeriods.length > 1;
  const perShort = (p: PricePer) => t(p === 'night' ? 'perNightShort' : 'perMonthShort');

  const labels = useMemo<MapLabels>(
    () => ({
      count: (n) => number(n),
      bucketPrice: (b) => (mixedPeriods ? `${price(b.priceAvg, b.currency)}${perShort(b.pricePer)}` : price(b.priceAvg, b.currency)),
      pinPrice: (l) => price(l.price, l.currency),
      areaName: (label) => label || t('areaUnnamed'),
      bubbleName: (b, level) => {
        const average = `${price(b.priceAvg, b.currency)} ${per(b.pricePer)}`;
        return level === 'cluster'
          ? t('bubbleCluster', { count: number(b.count), price: average })
          : t('bubbleArea', { name: b.label || t('areaUnnamed'), count: number(b.count), price: average });
      },
      pinName: (l) => t('pin', { title: l.title, price: listingPrice(l) }),
      groupPin: (ls) => t('groupPin', { count: number(ls.length) }),
      groupName: (ls) => t('groupName', { count: number(ls.length), price: listingPrice(ls.reduce((a, b) => (b.price < a.price ? b : a))) }),
    }),
    [t, number, price, per, listingPrice, mixedPeriods],
  );

  return (
    <div className="app">
      <header className="top-bar">
        <a className="brand" href="/" aria-label={t('appName')}>
          {t('appName')}
        </a>
        <PlaceBox
          value={view.q ?? ''}
          onPlace={(p) => {
            setChosen(p.kind === 'listing' ? null : p);
            if (p.bbox) setFit((f) => ({ bbox: p.bbox!, seq: (f?.seq ?? 0) + 1 }));
            else commit({ ...view, lat: p.lat, lon: p.lon, zoom: p.kind === 'district' ? 11 : p.kind === 'neighbourhood' ? 14 : 17 });
          }}
          onKeywords={(q) => commit({ ...view, q: q || undefined })}
        />
        <FilterSheet view={view} total={inView}>
          <FilterBar
            view={view}
            priceSteps={market?.priceSteps ?? []}
            priceUnit={viewUnit}
            histogram={histogram}
            onChange={(patch) => commit({ ...view, ...patch })}
            onClear={() => {
              setChosen(null);
              commit({ lat: view.lat, lon: view.lon, zoom: view.zoom, sort: view.sort });
            }}
          />
        </FilterSheet>
        <div className="alerts-bar">
          <button type="button" className="icon-button text primary-outline" onClick={() => setSaving({ polygon: view.polygon ?? null })} data-testid="save-search">
            <span className="label-long">{t('saveSearch')}</span>
            <span className="label-short">{t('save')}</span>
          </button>
          <SavedSearchesPanel
            searches={alerts.searches}
            onChange={alerts.setSearches}
            onShow={(s) => {
              // A saved search re-opened: its filters and drawn area on the map, framed.
              const f = s.filters;
              commit({ lat: view.lat, lon: view.lon, zoom: view.zoom, sort: view.sort, ...filtersOf(f), polygon: s.polygon });
              const box = s.bbox ?? (s.polygon ? ringBbox(s.polygon) : null);
              if (box) setFit((old) => ({ bbox: box, seq: (old?.seq ?? 0) + 1 }));
            }}
          />
          <AlertsBell alerts={alerts.alerts} unread={alerts.unread} searches={alerts.searches} onOpen={alerts.markRead} />
          <AccountMenu />
        </div>
        {saving && !drawing && (
          <SaveSearchDialog
            bbox={bbox}
            filters={view}
            polygon={saving.polygon}
            defaultName={defaultSearchName(result, list.listings, move?.bbox ?? null, saving.polygon ?? undefined, chosen, t, t('areaView'))}
            onDraw={() => setDrawing(true)}
            onSaved={(s) => {
              alerts.setSearches([...alerts.searches, s]);
              setSaving(null);
            }}
            onClose={() => setSaving(null)}
          />
        )}
      </header>
      <main className="content">
        <div className="map-wrap">
          {!placed ? (
            <div className="map-canvas" />
          ) : (
          <LeafletMap
            lat={view.lat}
            lon={view.lon}
            zoom={view.zoom}
            fit={fit}
            area={view.polygon ?? null}
            editArea={editingArea && !drawing}
            // An edit refines the same search: it replaces the history entry rather than adding one.
            onAreaEdited={(polygon) => commit({ ...viewRef.current, polygon }, true)}
            tileUrl={tileUrl}
            attribution={attribution}
            result={result}
            boundaries={boundaries}
            chosenArea={chosenArea}
            highlightId={hovered ?? selected?.id ?? null}
            cardFor={cardFor}
            marks={marks}
            drawing={drawing}
            onDrawn={(ring) => {
              const forSave = drawingFor === 'save';
              setDrawingFor(null);
              commit({ ...viewRef.current, polygon: ring });
              if (forSave) setSaving({ polygon: ring });
            }}
            labels={labels}
            onMove={onMove}
            onSelect={(l) => {
              setGroup(null);
              setSelected(l);
            }}
            onSelectGroup={(ls) => {
              setSelected(null);
              setGroup(ls);
            }}
          />
          )}
          <div className="map-tools">
            {view.polygon ? (
              <>
                <button type="button" className="map-tool" aria-pressed={editingArea} onClick={() => setEditingArea((e) => !e)} data-testid="edit-area">
                  {editingArea ? t('doneEditing') : t('editArea')}
                </button>
                <button
                  type="button"
                  className="map-tool active"
                  onClick={() => {
                    setEditingArea(false);
                    commit({ ...view, polygon: undefined });
                  }}
                  data-testid="clear-area"
                >
                  {t('clearArea')}
                </button>
              </>
            ) : (
              <button type="button" className="map-tool" onClick={() => setDrawingFor('search')} disabled={drawing} data-testid="draw-to-search">
                {t('drawToSearch')}
              </button>
            )}
          </div>
          <div className="map-status" aria-live="polite">
            {live === 'reconnecting' && (
              <span className="chip-status chip-offline" data-testid="live-reconnecting">
                {t('reconnecting')}
              </span>
            )}
            {status === 'loading' && <span className="chip-status">{t('loading')}</span>}
            {status === 'idle' && result && inView !== null && inView > 0 && (
              <span className="chip-status" data-testid="map-total" data-total={inView} data-level={result.level}>
                {t('homes', { count: number(inView) })}
                {viewPeriods.length === 1 && (
                  <span className="chip-per" data-testid="prices-per" data-per={viewPeriods[0]} data-currency={viewUnit?.currency ?? 'mixed'}>
                    {' '}
                    · {t('pricesPer', { per: per(viewPeriods[0]!) })}
                  </span>
                )}
                {unplaced > 0 && (
                  <span className="chip-more" data-testid="map-unplaced">
                    {t('unplaced', { count: number(unplaced) })}
                  </span>
                )}
                {/* Street level draws at most MAX_LISTINGS homes: say so, rather than let the pins disagree with the list. */}
                {result.level === 'listing' && result.listings.length < inView && (
                  <span className="chip-more" data-testid="map-shows-some" data-shown={result.listings.length}>
                    {t('mapShowsSome', { shown: number(result.listings.length), total: number(inView) })}
                  </span>
                )}
              </span>
            )}
          </div>
          {status === 'idle' && result && inView === 0 && (
            <EmptyNotice view={view} onChange={(patch) => commit({ ...view, ...patch })} onZoomOut={() => commit({ ...view, zoom: Math.max(MAP_ZOOM.min, view.zoom - 2) })} />
          )}
          {status === 'error' && (
            <div className="map-notice" role="alert" data-testid="error">
              {t('error')}{' '}
              <button type="button" onClick={() => setRetry((n) => n + 1)}>
                {t('retry')}
              </button>
            </div>
          )}
          {drawing && (
            <div className="map-notice draw-hint" role="status">
              {t('drawHint')}{' '}
              <button type="button" onClick={() => setDrawing(false)}>
                {t('cancel')}
              </button>
            </div>
          )}
          {selected && <ListingCard listing={selected} onClose={() => setSelected(null)} />}
          {group && !selected && (
            <AddressGroupCard
              listings={group}
              onPick={(l) => {
                setGroup(null);
                setSelected(l);
              }}
              onHover={setHovered}
              onClose={() => setGroup(null)}
            />
          )}
          <AlertToasts toasts={alerts.toasts} searches={alerts.searches} onDismiss={alerts.dismiss} />
        </div>
        <ListPanel
          total={listCurrent ? list.total : null}
          listings={listCurrent ? list.listings : []}
          hasMore={listCurrent && list.cursor !== null}
          loading={listLoading}
          expanded={sheetOpen}
          // Only a phone's list is a sheet; a desk's is always there.
          onToggle={() => setSheetOpen((o) => !o && window.matchMedia('(max-width: 720px)').matches)}
          onMore={loadMore}
          onHover={setHovered}
        />
      </main>
    </div>
  );
}
