import { parsePhotoHosts, PhotoFetchPolicy } from '../photos/photo-fetch-policy';

/**
 * The browsers' own push services: Chrome and Edge's FCM, Firefox's autopush, Windows'
 * WNS (Edge on Windows), Safari's APNs web push. A subscription names a URL of one of them;
 * any other URL would have this server POST wherever a renter said (request forgery).
 */
export const DEFAULT_PUSH_HOSTS = 'fcm.googleapis.com,updates.push.services.mozilla.com,*.notify.windows.com,*.push.apple.com,web.push.apple.com';

/**
 * Where push requests may go (PUSH_HOSTS: `host`, `host:port`, `*.domain`, comma-separated):
 * https only, a named host, port 443 unless the entry names one, no credentials in the URL.
 */
export class PushHosts {
  private readonly policy: PhotoFetchPolicy;

  constructor(readonly entries: readonly string[]) {
    this.policy = new PhotoFetchPolicy(entries);
  }

  static parse(value: string | undefined): PushHosts {
    return new PushHosts(parsePhotoHosts(value ?? DEFAULT_PUSH_HOSTS));
  }

  allows(endpoint: string): boolean {
    return this.policy.allows(endpoint);
  }
}
