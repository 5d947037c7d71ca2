import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the test reads it back: envelope, headers, both parts. */
export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: ParsedMail['headers'];
  /** Epoch ms when the mail's last byte reached this server. */
  at: number;
}

/**
 * An SMTP server of the tests' own on a free loopback port (smtp-server, nodemailer's own),
 * keeping every mail it accepts, parsed with mailparser: the real protocol, no mock. It can
 * be stopped and started again on the same port (a mail server outage).
 */
export class MailServer {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private constructor(public port: number) {}

  static async start(port = 0): Promise<MailServer> {
    const m = new MailServer(port);
    await m.listen();
    return m;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        // When the mail's last byte was in: what "handed to SMTP" means, before our parsing.
        let endedAt = Date.now();
        stream.once('end', () => (endedAt = Date.now()));
        simpleParser(stream)
          .then((parsed) => {
            this.mails.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers: parsed.headers,
              at: endedAt,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as { port: number }).port;
  }

  /** The mails to an address so far. */
  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  /** Waits for the `n`th mail to an address (1-based) and returns it. */
  async nth(address: string, n = 1, ms = 10_000): Promise<ReceivedMail> {
    const end = Date.now() + ms;
    for (;;) {
      const got = this.to(address);
      if (got.length >= n) return got[n - 1]!;
      if (Date.now() > end) throw new Error(`no mail #${n} to ${address} within ${ms} ms (have ${got.length})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.listen();
  }
}

/** The sign-in link's token in a mail. */
export function tokenIn(mail: ReceivedMail): string {
  const m = /\/auth\/email\?token=([\w-]+)/.exec(mail.text);
  if (!m) throw new Error(`no sign-in link in: ${mail.text}`);
  return m[1]!;
}

/**
 * A mail's List-Unsubscribe URL and List-Unsubscribe-Post value (RFC 8058), as mailparser
 * reads them (it gathers the List-* headers under `list`); empty strings when absent.
 */
export function listUnsubscribe(mail: ReceivedMail): { url: string; post: string } {
  const list = mail.headers.get('list') as { unsubscribe?: { url?: string }; 'unsubscribe-post'?: { name?: string } } | undefined;
  return { url: list?.unsubscribe?.url ?? '', post: list?.['unsubscribe-post']?.name ?? '' };
}
