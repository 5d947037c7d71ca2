/**
 * The photo importer's fetch, against an HTTPS image host of the test's own on loopback:
 * it brings a real photo home, and refuses what a stranger's URL must not make this
 * server do — other hosts, plain http, private addresses, redirects off the allowed
 * hosts, bodies too large or too slow, things that are not photos.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config';
import { isPublicAddress, parsePhotoHosts, PhotoFetchPolicy } from '../server/photos/photo-fetch-policy';
import { PhotoFetcher } from '../server/photos/photo-fetcher';
import { ImageServer, testJpeg } from './helpers/image-server';

describe('photo fetcher', () => {
  let host: ImageServer;
  let jpeg: Buffer;
  let fetcher: PhotoFetcher;

  beforeAll(async () => {
    host = await ImageServer.start();
    jpeg = await testJpeg(1);
    host.image('/a.jpg', jpeg);
    host.route('/moved', (_req, res) => {
      res.writeHead(302, { location: '/a.jpg' });
      res.end();
    });
    // The same server under another name, which is not on the list.
    host.route('/away', (_req, res) => {
      res.writeHead(301, { location: host.url('/b.jpg', '127.0.0.1') });
      res.end();
    });
    host.route('/plain', (_req, res) => {
      res.writeHead(302, { location: `http://localhost:${host.port}/a.jpg` });
      res.end();
    });
    host.route('/loop', (_req, res) => {
      res.writeHead(302, { location: '/loop' });
      res.end();
    });
    host.image('/page.jpg', Buffer.from('<!doctype html><title>not a photo</title>'));
    host.image('/vector.jpg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>'));
    host.route('/declared-huge.jpg', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 50 * 1024 * 1024 });
      res.write(jpeg.subarray(0, 100));
    });
    host.route('/streamed-huge.jpg', (_req, res) => {
      // No length given: it is counted as it arrives. 64 KiB at a time until the client hangs up.
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(64 * 1024, 0xff);
      const more = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', more);
      };
      res.write(jpeg.subarray(0, 3));
      more();
    });
    host.route('/trickle.jpg', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      let i = 0;
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(jpeg.subarray(i, ++i))), 100);
    });
    host.route('/silent.jpg', () => undefined);
    host.route('/busy.jpg', (_req, res) => {
      res.writeHead(503);
      res.end();
    });
    fetcher = new PhotoFetcher(new PhotoFetchPolicy([`localhost:${host.port}`], true), { ca: host.ca, limits: { headersMs: 800, totalMs: 1_500 } });
  });
  afterAll(async () => {
    fetcher?.close();
    await host?.stop();
  });

  it('fetches a photo from an allowed host, byte for byte, and follows a redirect on it', async () => {
    expect(await fetcher.fetch(host.url('/a.jpg'))).toEqual({ ok: true, bytes: jpeg });
    const before = host.count('/a.jpg');
    expect(await fetcher.fetch(host.url('/moved'))).toEqual({ ok: true, bytes: jpeg });
    expect(host.count('/a.jpg')).toBe(before + 1);
  });

  it('asks no host that is not named, nor over plain http, nor on another port', async () => {
    const asked = host.arrivals.length;
    for (const url of [host.url('/a.jpg', '127.0.0.1'), `http://localhost:${host.port}/a.jpg`, 'https://localhost/a.jpg', `https://user:pw@localhost:${host.port}/a.jpg`]) {
      expect(await fetcher.fetch(url), url).toMatchObject({ ok: false, reason: 'host_refused', permanent: true });
    }
    expect(host.arrivals.length).toBe(asked);
  });

  it('follows no redirect off the allowed hosts or off https, and not round and round', async () => {
    expect(await fetcher.fetch(host.url('/away'))).toMatchObject({ ok: false, reason: 'host_refused', permanent: true });
    expect(host.count('/b.jpg')).toBe(0);
    expect(await fetcher.fetch(host.url('/plain'))).toMatchObject({ ok: false, reason: 'host_refused', permanent: true });
    const loops = host.count('/loop');
    expect(await fetcher.fetch(host.url('/loop'))).toMatchObject({ ok: false, reason: 'redirects', permanent: true });
    expect(host.count('/loop') - loops).toBe(4);
  });

  it('refuses a host that resolves to a loopback or private address unless the operator allows it, before connecting', async () => {
    const strict = new PhotoFetcher(new PhotoFetchPolicy([`localhost:${host.port}`, `127.0.0.1:${host.port}`]), { ca: host.ca });
    try {
      const asked = host.arrivals.length;
      const byName = await strict.fetch(host.url('/a.jpg'));
      expect(byName).toMatchObject({ ok: false, reason: 'address_refused', permanent: true });
      expect(byName.ok || byName.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), not a public address/);
      expect(await strict.fetch(host.url('/a.jpg', '127.0.0.1'))).toMatchObject({ ok: false, reason: 'address_refused' });
      expect(host.arrivals.length).toBe(asked);
    } finally {
      strict.close();
    }
  });

  it('takes for a photo only what begins as one, whatever the Content-Type says', async () => {
    expect(await fetcher.fetch(host.url('/page.jpg'))).toMatchObject({ ok: false, reason: 'not_an_image', permanent: true });
    expect(await fetcher.fetch(host.url('/vector.jpg'))).toMatchObject({ ok: false, reason: 'not_an_image', permanent: true });
  });

  it('stops reading a body past the size cap, declared or streamed', async () => {
    expect(await fetcher.fetch(host.url('/declared-huge.jpg'))).toMatchObject({ ok: false, reason: 'too_large', permanent: true });
    // Refused for its size, not at the deadline (which would say `timeout`).
    expect(await fetcher.fetch(host.url('/streamed-huge.jpg'))).toMatchObject({ ok: false, reason: 'too_large', permanent: true });
  });

  it('gives a trickled body and a silent host a deadline, and may try them again later', async () => {
    const trickle = await fetcher.fetch(host.url('/trickle.jpg'));
    expect(trickle).toMatchObject({ ok: false, reason: 'timeout', permanent: false });
    expect(trickle.ok || trickle.message).toMatch(/within 1500 ms/);
    const silent = await fetcher.fetch(host.url('/silent.jpg'));
    expect(silent).toMatchObject({ ok: false, reason: 'timeout', permanent: false });
    expect(silent.ok || silent.message).toMatch(/no answer within 800 ms/);
  });

  it('a photo that is gone is gone for good; a busy host may answer later; an untrusted certificate is not trusted', async () => {
    expect(await fetcher.fetch(host.url('/missing.jpg'))).toMatchObject({ ok: false, reason: 'http_status', permanent: true, message: 'answered 404' });
    expect(await fetcher.fetch(host.url('/busy.jpg'))).toMatchObject({ ok: false, reason: 'http_status', permanent: false, message: 'answered 503' });
    const untrusting = new PhotoFetcher(new PhotoFetchPolicy([`localhost:${host.port}`], true));
    try {
      expect(await untrusting.fetch(host.url('/a.jpg'))).toMatchObject({ ok: false, reason: 'network', permanent: false });
    } finally {
      untrusting.close();
    }
  });
});

describe('photo fetch policy', () => {
  it('public addresses only: no loopback, private, link-local (cloud metadata), CGNAT, or IPv4 hidden in IPv6', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:a00:1::1', 'ff02::1', 'not an address']) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    for (const a of ['8.8.8.8', '151.101.1.140', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPublicAddress(a), a).toBe(true);
  });

  it('names hosts exactly, on 443 unless a port is named, and *.domain for its subdomains only', () => {
    const p = new PhotoFetchPolicy(parsePhotoHosts(' a0.muscache.com, *.example.org , img.test:8443'));
    expect(p.allows('https://a0.muscache.com/pictures/1.jpg')).toBe(true);
    expect(p.allows('https://A0.MUSCACHE.COM/pictures/1.jpg')).toBe(true);
    expect(p.allows('https://a0.muscache.com:8443/pictures/1.jpg')).toBe(false);
    expect(p.allows('http://a0.muscache.com/pictures/1.jpg')).toBe(false);
    expect(p.allows('https://a1.muscache.com/pictures/1.jpg')).toBe(false);
    expect(p.allows('https://evil.com/a0.muscache.com/1.jpg')).toBe(false);
    expect(p.allows('https://a0.muscache.com.evil.com/1.jpg')).toBe(false);
    expect(p.allows('https://cdn.example.org/1.jpg')).toBe(true);
    expect(p.allows('https://example.org/1.jpg')).toBe(false);
    expect(p.allows('https://badexample.org/1.jpg')).toBe(false);
    expect(p.allows('https://img.test:8443/1.jpg')).toBe(true);
    expect(p.allows('https://img.test/1.jpg')).toBe(false);
    expect(p.allows('/photos/' + 'a'.repeat(64))).toBe(false);
    expect(new PhotoFetchPolicy([]).empty).toBe(true);
    expect(() => parsePhotoHosts('a0.muscache.com, https://x.com')).toThrow(/"https:\/\/x.com" is not a host name/);
    expect(() => parsePhotoHosts('bad host')).toThrow(/"bad host"/);
  });

  it('the environment: unset fetches nothing; a bad entry stops the start naming the variable', () => {
    expect(loadConfig({}).PHOTO_IMPORT_HOSTS).toEqual([]);
    expect(loadConfig({ PHOTO_IMPORT_HOSTS: 'a0.muscache.com,*.example.org' })).toMatchObject({ PHOTO_IMPORT_HOSTS: ['a0.muscache.com', '*.example.org'], PHOTO_IMPORT_RATE: 4, PHOTO_IMPORT_ALLOW_PRIVATE: false });
    expect(() => loadConfig({ PHOTO_IMPORT_HOSTS: 'https://a0.muscache.com' })).toThrow('environment variable PHOTO_IMPORT_HOSTS: "https://a0.muscache.com" is not a host name, host:port or *.domain');
    expect(() => loadConfig({ PHOTO_IMPORT_RATE: '0' })).toThrow(/PHOTO_IMPORT_RATE/);
    expect(() => loadConfig({ PHOTO_IMPORT_ALLOW_PRIVATE: 'yes' })).toThrow(/PHOTO_IMPORT_ALLOW_PRIVATE/);
  });
});
