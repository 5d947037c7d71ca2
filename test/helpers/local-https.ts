import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tempDir } from './roost';

/** An HTTPS server of a test's own on 127.0.0.1, with a fresh self-signed certificate that is its own CA. */
export interface LocalHttps {
  server: https.Server;
  port: number;
  /** The certificate (PEM): hand it to a client as `ca`. */
  ca: string;
  /** The same, as a file (NODE_EXTRA_CA_CERTS for a child process). */
  caFile: string;
}

/** Starts one: a P-256 certificate for localhost and 127.0.0.1, valid two days, made by openssl. */
export async function startLocalHttps(name: string, handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<LocalHttps> {
  const dir = tempDir(name);
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr || made.error?.message}`);
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, ca: fs.readFileSync(cert, 'utf8'), caFile: cert };
}
