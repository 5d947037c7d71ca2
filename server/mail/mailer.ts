import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { log } from '../log';

/** SMTP connections the pool keeps open at most: what a sender may have in flight at once. */
export const MAIL_CONNECTIONS = 16;

/** One mail: always a plain-text part beside the HTML. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  /** The Message-ID (with its angle brackets); nodemailer makes one when unset. */
  messageId?: string;
}

export interface Mailer {
  /** 'smtp': through SMTP_URL; 'log': written to the server log (development, no SMTP_URL). */
  readonly mode: 'smtp' | 'log';
  /** Hands the mail to the SMTP server; throws when it was not accepted. */
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** The From of every mail: MAIL_FROM, else `Roost <roost@host>` of PUBLIC_URL (or localhost). */
export function mailFrom(configured: string | undefined, publicUrl: string | undefined): string {
  if (configured) return configured;
  const host = publicUrl ? new URL(publicUrl).hostname : 'localhost';
  return `Roost <roost@${host}>`;
}

/**
 * Mail through SMTP_URL (nodemailer, pooled connections), or, without it, into the log —
 * sign-in links then reach a developer at the console (the start says so).
 */
export function openMailer(smtpUrl: string | undefined, from: string): Mailer {
  if (!smtpUrl) {
    return {
      mode: 'log',
      async send(mail) {
        log.warn({ to: mail.to, subject: mail.subject, text: mail.text }, 'mail written to the log (SMTP_URL is not set)');
      },
      close() {},
    };
  }
  const url = new URL(smtpUrl);
  // Pooled: a burst of sign-ins shares a few connections instead of a handshake each; and
  // alert mail, thousands a minute, is latency-bound on SMTP's round trips (a mail is five
  // commands), so more connections carry more mails; a connection keeps going for a
  // thousand mails before it is renewed instead of nodemailer's hundred.
  const transport: Transporter = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    pool: true,
    maxConnections: MAIL_CONNECTIONS,
    maxMessages: 1_000,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    mode: 'smtp',
    async send(mail) {
      await transport.sendMail({
        from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html,
        ...(mail.headers ? { headers: mail.headers } : {}),
        ...(mail.messageId ? { messageId: mail.messageId } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}
