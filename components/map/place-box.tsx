'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import type { Place } from '@/server/search/place-directory';

/** Wait this long after a key before asking: one request per pause in typing. */
const SUGGEST_DEBOUNCE_MS = 120;

type Option = { kind: 'keywords'; q: string } | { kind: 'place'; place: Place };

export interface PlaceBoxProps {
  /** The keyword filter in force (the URL's `q`). */
  value: string;
  onPlace(place: Place): void;
  onKeywords(q: string): void;
}

/**
 * One search box for places and keywords, a combobox by the ARIA 1.2 pattern: the input
 * owns a listbox, arrows move the active option (aria-activedescendant), Enter picks it,
 * Escape closes. The first option is always "homes mentioning …", the keyword filter.
 */
export function PlaceBox({ value, onPlace, onKeywords }: PlaceBoxProps) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState(value);
  const [places, setPlaces] = useState<Place[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const typed = useRef(false);

  useEffect(() => {
    // The URL moved (back, a cleared filter): show its keywords unless the renter is typing.
    if (!typed.current) setText(value);
  }, [value]);

  useEffect(() => {
    const q = text.trim();
    if (!open || q === '') {
      setPlaces([]);
      return;
    }
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/places?q=${encodeURIComponent(q)}`, { signal: ctrl.signal })
        .then((r) => (r.ok ? (r.json() as Promise<{ places: Place[] }>) : { places: [] }))
        .then((b) => setPlaces(b.places))
        .catch(() => undefined);
    }, SUGGEST_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [text, open]);

  const q = text.trim();
  const options: Option[] = q ? [{ kind: 'keywords', q }, ...places.map((place) => ({ kind: 'place' as const, place }))] : [];
  const expanded = open && options.length > 0;

  const pick = (o: Option | undefined) => {
    typed.current = false;
    setOpen(false);
    setActive(-1);
    if (!o) {
      onKeywords(q);
      return;
    }
    if (o.kind === 'keywords') {
      onKeywords(o.q);
    } else {
      setText(value);
      onPlace(o.place);
    }
  };

  const kindLabel = (p: Place) => t(p.kind === 'district' ? 'placeDistrict' : p.kind === 'neighbourhood' ? 'placeNeighbourhood' : 'placeListing');

  return (
    <div className="place-box" role="search">
      <input
        type="search"
        role="combobox"
        aria-label={t('keywordsPlaceholder')}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-list`}
        aria-activedescendant={expanded && active >= 0 ? `${id}-opt-${active}` : undefined}
        placeholder={t('keywordsPlaceholder')}
        value={text}
        maxLength={200}
        data-testid="place-box"
        onChange={(e) => {
          typed.current = true;
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
          if (e.target.value === '' && value) onKeywords('');
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && options.length > 0) {
            e.preventDefault();
            setOpen(true);
            setActive((a) => (a + 1) % options.length);
          } else if (e.key === 'ArrowUp' && options.length > 0) {
            e.preventDefault();
            setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            pick(active >= 0 ? options[active] : undefined);
          } else if (e.key === 'Escape' && expanded) {
            // Closes the list only; a second Escape is the browser's (clears the field).
            e.preventDefault();
            setOpen(false);
            setActive(-1);
          }
        }}
      />
      <ul id={`${id}-list`} role="listbox" aria-label={t('placesLabel')} className="place-list" hidden={!expanded} data-testid="place-list">
        {options.map((o, i) => (
          <li
            key={o.kind === 'keywords' ? 'q' : `${o.place.kind}:${o.place.id ?? ''}:${o.place.label}:${o.place.detail ?? ''}`}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'place-option active' : 'place-option'}
            data-testid={o.kind === 'keywords' ? 'place-keywords' : `place-${o.place.kind}`}
            // mousedown, not click: the input's blur would close the list before a click lands.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(o);
            }}
          >
            {o.kind === 'keywords' ? (
              <span className="place-label">{t('searchKeyword', { q: o.q })}</span>
            ) : (
              <>
                <span className="place-label">{o.place.label}</span>
                <span className="place-detail">
                  {kindLabel(o.place)}
                  {o.place.detail ? ` · ${o.place.detail}` : ''}
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
