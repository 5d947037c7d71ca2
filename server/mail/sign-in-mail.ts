import type { Locale } from '../../components/i18n/messages';
import type { Mail } from './mailer';

const WORDS = {
  en: {
    subject: 'Your link to sign in to Roost',
    intro: 'Someone (we hope you) asked to sign in to Roost with this address.',
    button: 'Sign in to Roost',
    expires: 'The link works once, for 15 minutes.',
    ignore: 'If it was not you, ignore this mail: nothing happens without the link.',
  },
  zh: {
    subject: '登录 Roost 的链接',
    intro: '有人（希望是您）请求用这个邮箱登录 Roost。',
    button: '登录 Roost',
    expires: '链接只能使用一次，15 分钟内有效。',
    ignore: '如果不是您本人，请忽略这封邮件：没有这个链接，什么都不会发生。',
  },
} as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The sign-in mail: the link, plainly, in the renter's language; text and HTML alike. */
export function signInMail(to: string, link: string, locale: Locale): Mail {
  const w = WORDS[locale];
  const text = `${w.intro}\n\n${w.button}: ${link}\n\n${w.expires}\n${w.ignore}\n`;
  const html = `<!doctype html><html lang="${locale === 'zh' ? 'zh-CN' : 'en'}"><body style="font-family:system-ui,sans-serif;color:#222;max-width:520px;margin:24px auto;padding:0 16px">
<p>${escapeHtml(w.intro)}</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;background:#e8590c;color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">${escapeHtml(w.button)}</a></p>
<p style="color:#555">${escapeHtml(w.expires)}<br>${escapeHtml(w.ignore)}</p>
</body></html>`;
  return { to, subject: w.subject, text, html };
}
