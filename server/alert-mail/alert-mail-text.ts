import type { Locale } from '../../components/i18n/messages';
import { currencyOf, pricePerOf, type ListingRecord } from '../core/listing';
import type { AlertReason } from '../alerts/alert-store';
import type { Mail } from '../mail/mailer';

/** One home in a mail: what happened to it. */
export interface MailHome {
  reason: AlertReason;
  listing: ListingRecord;
  previousPrice?: number;
}

/** The homes of one saved search (or of the renter's favourites) in a mail. */
export interface MailSection {
  /** The saved search's name, or null for favourites. */
  name: string | null;
  /** The search on the map; null for favourites. */
  mapUrl: string | null;
  homes: MailHome[];
  /** Turns email off for this search or favourite (unsubscribe-token.ts). */
  unsubscribeToken: string;
}

const WORDS = {
  en: {
    favourites: 'your favourites',
    new: 'New',
    price_drop: 'Price drop',
    removed: 'No longer listed',
    one: (reason: string, title: string, name: string) => `${reason} in “${name}”: ${title}`,
    many: (n: number, name: string) => `${n} updates in “${name}”`,
    digest: (n: number) => `Your Roost digest: ${n} ${n === 1 ? 'update' : 'updates'}`,
    digestIntro: 'What changed today in the searches and homes you follow.',
    intro: (name: string) => `Changes in “${name}”, which you asked Roost to watch.`,
    open: 'See the home',
    map: 'Open the search on the map',
    perMonth: '/month',
    perNight: '/night',
    beds: (n: number) => `${n} ${n === 1 ? 'bedroom' : 'bedrooms'}`,
    why: 'You get this mail because you chose email alerts on Roost.',
    stop: 'Stop these emails',
    stopAll: 'Stop all alert emails',
    colon: ': ',
  },
  zh: {
    favourites: '您收藏的房源',
    new: '新房源',
    price_drop: '降价',
    removed: '已下架',
    one: (reason: string, title: string, name: string) => `“${name}”${reason}：${title}`,
    many: (n: number, name: string) => `“${name}”有 ${n} 条更新`,
    digest: (n: number) => `Roost 每日摘要：${n} 条更新`,
    digestIntro: '您关注的搜索和房源今天的变化。',
    intro: (name: string) => `您在 Roost 关注的“${name}”有新变化。`,
    open: '查看房源',
    map: '在地图上打开这个搜索',
    perMonth: '/月',
    perNight: '/晚',
    beds: (n: number) => `${n} 间卧室`,
    why: '您收到这封邮件，是因为您在 Roost 开启了邮件提醒。',
    stop: '不再接收这些邮件',
    stopAll: '不再接收任何提醒邮件',
    colon: '：',
  },
} as const;

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Listing text is the lister's: no line breaks or control characters in a subject or a text line. */
const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();

function money(amount: number, listing: ListingRecord, locale: Locale): string {
  const w = WORDS[locale];
  const text = new Intl.NumberFormat(locale === 'zh' ? 'zh-CN' : 'en-US', { style: 'currency', currency: currencyOf(listing), maximumFractionDigits: 0 }).format(amount);
  return `${text}${pricePerOf(listing) === 'night' ? w.perNight : w.perMonth}`;
}

/** The price line: old → new for a drop. */
export function priceLine(h: MailHome, locale: Locale): string {
  const now = money(h.listing.price, h.listing, locale);
  return h.reason === 'price_drop' && h.previousPrice !== undefined ? `${money(h.previousPrice, h.listing, locale)} → ${now}` : now;
}

/** The home's first photo when it is one of ours (/photos/…), as an absolute URL; a mail shows no other site's images. */
function photoUrl(listing: ListingRecord, base: string): string | null {
  const first = listing.photos?.[0];
  return first && first.startsWith('/photos/') ? `${base}${first}` : null;
}

const homeUrl = (base: string, listing: ListingRecord) => `${base}/listings/${encodeURIComponent(listing.id)}`;

function homeText(h: MailHome, base: string, locale: Locale): string {
  const w = WORDS[locale];
  const l = h.listing;
  const place = [l.neighbourhood, l.district].filter(Boolean).map((s) => oneLine(String(s))).join(', ');
  const beds = l.bedrooms !== null ? ` · ${w.beds(l.bedrooms)}` : '';
  return `${w[h.reason]}${w.colon}${oneLine(l.title)}\n${priceLine(h, locale)}${beds}${place ? ` · ${place}` : ''}\n${w.open}${w.colon}${homeUrl(base, l)}\n`;
}

function homeHtml(h: MailHome, base: string, locale: Locale): string {
  const w = WORDS[locale];
  const l = h.listing;
  const photo = photoUrl(l, base);
  const place = [l.neighbourhood, l.district].filter(Boolean).map(String).join(', ');
  const colour = h.reason === 'price_drop' ? '#2b8a3e' : h.reason === 'removed' ? '#868e96' : '#e8590c';
  return `<tr><td style="padding:12px 0;border-top:1px solid #eee">
${photo ? `<a href="${escapeHtml(homeUrl(base, l))}"><img src="${escapeHtml(photo)}" alt="" width="480" style="display:block;width:100%;max-width:480px;border-radius:8px;margin-bottom:8px"></a>` : ''}
<div style="font-size:12px;font-weight:600;color:${colour};text-transform:uppercase">${escapeHtml(w[h.reason])}</div>
<div style="font-size:16px;font-weight:600;margin:2px 0"><a href="${escapeHtml(homeUrl(base, l))}" style="color:#222;text-decoration:none">${escapeHtml(l.title)}</a></div>
<div style="font-size:15px">${escapeHtml(priceLine(h, locale))}${l.bedrooms !== null ? ` · ${escapeHtml(w.beds(l.bedrooms))}` : ''}</div>
${place ? `<div style="color:#555;font-size:13px">${escapeHtml(place)}</div>` : ''}
<div style="margin-top:6px"><a href="${escapeHtml(homeUrl(base, l))}" style="color:#e8590c">${escapeHtml(w.open)}</a></div>
</td></tr>`;
}

export interface AlertMailInput {
  to: string;
  locale: Locale;
  /** PUBLIC_URL: every link and image absolute. */
  base: string;
  sections: MailSection[];
  digest: boolean;
  /** What List-Unsubscribe (RFC 8058 one-click POST to /api/unsubscribe) and the footer's link (the /unsubscribe page) turn off. */
  unsubscribeToken: string;
  /** The mail's Message-ID, derived from its outbox key. */
  messageId: string;
}

/**
 * An alert mail: one search's homes (instant) or a day's worth of every search's and
 * favourite's (digest), in the renter's language, HTML and plain text alike, with RFC 8058
 * one-click unsubscribe headers and a footer link. Every text from a listing or a search
 * name is escaped: listings are written by strangers.
 */
export function alertMail(m: AlertMailInput): Mail {
  const w = WORDS[m.locale];
  const page = (token: string) => `${m.base}/unsubscribe?token=${encodeURIComponent(token)}`;
  const total = m.sections.reduce((n, s) => n + s.homes.length, 0);
  const nameOf = (s: MailSection) => oneLine(s.name ?? w.favourites);
  let subject: string;
  if (m.digest) subject = w.digest(total);
  else {
    const s = m.sections[0]!;
    const h = s.homes[0]!;
    subject = total === 1 ? w.one(w[h.reason], oneLine(h.listing.title), nameOf(s)) : w.many(total, nameOf(s));
  }
  subject = subject.length > 180 ? `${subject.slice(0, 179)}…` : subject;

  const text: string[] = [m.digest ? w.digestIntro : w.intro(nameOf(m.sections[0]!)), ''];
  const html: string[] = [];
  for (const s of m.sections) {
    if (m.digest) text.push(`== ${nameOf(s)} ==`, '');
    for (const h of s.homes) text.push(homeText(h, m.base, m.locale));
    if (s.mapUrl) text.push(`${w.map}${w.colon}${s.mapUrl}`, '');
    if (m.digest) text.push(`${w.stop}${w.colon}${page(s.unsubscribeToken)}`, '');
    html.push(
      `${m.digest ? `<h2 style="font-size:17px;margin:24px 0 4px">${escapeHtml(s.name ?? w.favourites)}</h2>` : ''}<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${s.homes.map((h) => homeHtml(h, m.base, m.locale)).join('\n')}</table>
${s.mapUrl ? `<p><a href="${escapeHtml(s.mapUrl)}" style="color:#e8590c">${escapeHtml(w.map)}</a></p>` : ''}${m.digest ? `<p style="font-size:12px"><a href="${escapeHtml(page(s.unsubscribeToken))}" style="color:#868e96">${escapeHtml(w.stop)}</a></p>` : ''}`,
    );
  }
  text.push('--', w.why, `${m.digest ? w.stopAll : w.stop}${w.colon}${page(m.unsubscribeToken)}`, '');
  const intro = m.digest ? w.digestIntro : w.intro(m.sections[0]!.name ?? w.favourites);
  const body = `<!doctype html><html lang="${m.locale === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:system-ui,sans-serif;color:#222;max-width:520px;margin:24px auto;padding:0 16px">
<p style="margin:0 0 12px;font-size:20px;font-weight:700;color:#e8590c">Roost</p>
<p style="color:#555">${escapeHtml(intro)}</p>
${html.join('\n')}
<p style="color:#868e96;font-size:12px;border-top:1px solid #eee;padding-top:12px">${escapeHtml(w.why)}<br><a href="${escapeHtml(page(m.unsubscribeToken))}" style="color:#868e96">${escapeHtml(m.digest ? w.stopAll : w.stop)}</a></p>
</body></html>`;
  return {
    to: m.to,
    subject,
    text: text.join('\n'),
    html: body,
    messageId: m.messageId,
    headers: {
      'List-Unsubscribe': `<${m.base}/api/unsubscribe?token=${encodeURIComponent(m.unsubscribeToken)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
