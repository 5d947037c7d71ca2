'use client';

import dynamic from 'next/dynamic';
import { useId, useState } from 'react';
import { request, RequestError } from '@/components/account/api-request';
import { useI18n } from '@/components/i18n/i18n';
import { photoSources, shownPhotos } from '@/server/contract/photos';
import { LISTING_TYPES, MAX_DESCRIPTION_LENGTH, MAX_PHOTOS, type Listing, type ListingType, type PricePer } from '@/server/core/listing';
import { uploadPhotos } from './photo-uploader';

const PlacePicker = dynamic(() => import('./place-picker'), { ssr: false, loading: () => <div className="place-picker" /> });

/** Currencies offered first; the market's own leads the list. */
const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP', 'CNY', 'JPY', 'CAD', 'AUD', 'CHF', 'NOK', 'SEK', 'DKK', 'HKD', 'SGD'];
const MAX_TITLE = 120;

export interface ListingEditorProps {
  /** The listing being edited; absent for a new one. */
  listing?: Listing;
  currency: string;
  pricePer: PricePer;
  around: { lat: number; lon: number; zoom: number };
  tileUrl: string;
  attribution: string;
  onDone(listing: Listing): void;
  onCancel(): void;
}

interface Draft {
  title: string;
  description: string;
  price: string;
  currency: string;
  pricePer: PricePer;
  type: ListingType;
  bedrooms: string;
  at: { lat: number; lon: number } | null;
  photos: string[];
}

/**
 * A host's form for one home: where it is (a pin on a map), what it is, its price and its
 * photos. A new home is published first and its photos uploaded after (they belong to it).
 */
export function ListingEditor({ listing, currency, pricePer, around, tileUrl, attribution, onDone, onCancel }: ListingEditorProps) {
  const { t } = useI18n();
  const id = useId();
  const [d, setD] = useState<Draft>(() => ({
    title: listing?.title ?? '',
    description: listing?.description ?? '',
    price: listing ? String(listing.price) : '',
    currency: listing?.currency ?? currency,
    pricePer: listing?.pricePer ?? pricePer,
    type: listing?.type ?? 'entire',
    bedrooms: listing?.bedrooms !== undefined ? String(listing.bedrooms) : '1',
    at: listing ? { lat: listing.lat, lon: listing.lon } : null,
    photos: listing?.photos ?? [],
  }));
  const [files, setFiles] = useState<File[]>([]);
  // The home as the server has it. A new one is published before its photos go up, so one
  // refused photo leaves it published: Publish again then saves that home, not a second one.
  const [kept, setKept] = useState<Listing | undefined>(listing);
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [fieldError, setFieldError] = useState<{ field?: string; message: string } | null>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((cur) => ({ ...cur, [k]: v }));
  const currencies = [...new Set([currency, ...COMMON_CURRENCIES, d.currency])];

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors([]);
    setFieldError(null);
    if (!d.at) {
      setFieldError({ field: 'place', message: t('listingPlaceMissing') });
      return;
    }
    // Said here, in the page's language: the form is noValidate, so an empty price went up as
    // Number('') = 0 — a home at $0 — and an empty title came back in the server's English.
    if (!d.title.trim()) {
      setFieldError({ field: 'title', message: t('listingTitleMissing') });
      return;
    }
    if (!/^\d+$/.test(d.price.trim())) {
      setFieldError({ field: 'price', message: t('listingPriceMissing') });
      return;
    }
    const body = {
      title: d.title.trim(),
      ...(d.description.trim() ? { description: d.description.trim() } : {}),
      price: Number(d.price),
      currency: d.currency,
      pricePer: d.pricePer,
      type: d.type,
      bedrooms: Number(d.bedrooms),
      lat: d.at.lat,
      lon: d.at.lon,
      ...(kept ? { photos: d.photos } : {}),
    };
    setBusy(t('saving'));
    try {
      let saved = kept
        ? await request<Listing>(`/api/listings/${encodeURIComponent(kept.id)}`, { method: 'PATCH', body })
        : await request<Listing>('/api/listings', { method: 'POST', body });
      if (files.length > 0) {
        setBusy(t('uploading', { n: files.length }));
        const outcomes = await uploadPhotos(saved.id, files, () => undefined);
        const failed = outcomes.filter((o) => !o.ok);
        setErrors(failed.map((o) => t('photoFailed', { name: o.name, reason: t(`photoRefused_${o.reason}`) })));
        saved = await request<Listing>(`/api/listings/${encodeURIComponent(saved.id)}`);
        setKept(saved);
        setFiles([]);
        if (failed.length > 0) {
          setD((cur) => ({ ...cur, photos: saved.photos ?? [] }));
          setBusy(null);
          return;
        }
      }
      onDone(saved);
    } catch (err) {
      setFieldError(err instanceof RequestError ? { ...(err.field ? { field: err.field } : {}), message: err.message } : { message: String(err) });
    } finally {
      setBusy(null);
    }
  };

  const err = (field: string) =>
    fieldError?.field === field ? (
      <span className="field-error" role="alert" id={`${id}-${field}-error`}>
        {fieldError.message}
      </span>
    ) : null;
  const described = (field: string) => (fieldError?.field === field ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {});

  return (
    <form className="listing-editor" onSubmit={(e) => void submit(e)} data-testid="listing-editor" noValidate>
      <h2>{listing ? `${t('editListing')}: ${listing.title}` : t('newListing')}</h2>
      <fieldset className="form-field">
        <legend>{t('listingPlace')}</legend>
        <p className="muted">{t('listingPlaceHint')}</p>
        <PlacePicker at={d.at} around={around} tileUrl={tileUrl} attribution={attribution} label={d.title || t('listingPlace')} onPlace={(at) => set('at', at)} />
        {err('place') ?? err('lat') ?? err('lon')}
      </fieldset>
      <label className="form-field">
        <span>{t('listingTitle')}</span>
        <input required maxLength={MAX_TITLE} value={d.title} onChange={(e) => set('title', e.target.value)} data-testid="listing-title-input" {...described('title')} />
        {err('title')}
      </label>
      <label className="form-field">
        <span>{t('listingDescription')}</span>
        <textarea rows={5} maxLength={MAX_DESCRIPTION_LENGTH} value={d.description} onChange={(e) => set('description', e.target.value)} data-testid="listing-description-input" {...described('description')} />
        {err('description')}
      </label>
      <div className="form-row">
        <label className="form-field grow">
          <span>{t('listingPrice')}</span>
          <input type="number" inputMode="numeric" min={0} step={1} required value={d.price} onChange={(e) => set('price', e.target.value)} data-testid="listing-price-input" {...described('price')} />
          {err('price')}
        </label>
        <label className="form-field">
          <span>{t('listingCurrency')}</span>
          <select value={d.currency} onChange={(e) => set('currency', e.target.value)} data-testid="listing-currency">
            {currencies.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label className="form-field">
          <span>{t('listingPeriod')}</span>
          <select value={d.pricePer} onChange={(e) => set('pricePer', e.target.value as PricePer)} data-testid="listing-period">
            <option value="month">{t('period_month')}</option>
            <option value="night">{t('period_night')}</option>
          </select>
        </label>
      </div>
      <div className="form-row">
        <label className="form-field grow">
          <span>{t('listingType')}</span>
          <select value={d.type} onChange={(e) => set('type', e.target.value as ListingType)} data-testid="listing-type">
            {LISTING_TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`type_${x}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="form-field">
          <span>{t('listingBedrooms')}</span>
          <input type="number" inputMode="numeric" min={0} max={50} step={1} value={d.bedrooms} onChange={(e) => set('bedrooms', e.target.value)} data-testid="listing-bedrooms" {...described('bedrooms')} />
        </label>
      </div>
      <fieldset className="form-field">
        <legend>{t('photos')}</legend>
        {shownPhotos(d.photos).length > 0 && (
          <ul className="photo-strip">
            {shownPhotos(d.photos).map((url, i) => (
              <li key={url}>
                <img {...photoSources(url)} sizes="120px" alt="" width={120} height={90} loading="lazy" referrerPolicy="no-referrer" />
                <button type="button" className="photo-remove" aria-label={t('removePhoto', { n: i + 1 })} onClick={() => set('photos', d.photos.filter((p) => p !== url))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <label className="file-button">
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp"
            multiple
            onChange={(e) => setFiles([...(e.target.files ?? [])].slice(0, MAX_PHOTOS - d.photos.length))}
            data-testid="listing-photos-input"
          />
          <span>{t('addPhotos')}</span>
        </label>
        {files.length > 0 && <p className="muted">{files.map((f) => f.name).join(', ')}</p>}
        <p className="muted">{t('photosHint')}</p>
      </fieldset>
      {fieldError && !['place', 'lat', 'lon', 'title', 'description', 'price'].includes(fieldError.field ?? '') && (
        <p className="form-error" role="alert">
          {fieldError.message}
        </p>
      )}
      {errors.map((e) => (
        <p key={e} className="form-error" role="alert">
          {e}
        </p>
      ))}
      <div className="form-actions">
        <button type="button" className="link-button" onClick={onCancel}>
          {t('cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy !== null} data-testid="listing-save">
          {busy ?? (kept ? t('saveListing') : t('publishListing'))}
        </button>
      </div>
    </form>
  );
}
