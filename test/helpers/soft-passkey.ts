import crypto from 'node:crypto';

/**
 * A software authenticator for API tests: an ES256 key pair and a credential id, answering
 * the server's WebAuthn options with what a browser's navigator.credentials would send
 * (attestation "none", user present and verified). Unlike the browser's virtual
 * authenticator it lets a test choose the credential id and replay an answer, as a hostile
 * client can. Encodes the little CBOR that needs (ints, strings, bytes, maps).
 */
type Cbor = number | string | Buffer | Map<Cbor, Cbor>;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  const b = Buffer.alloc(3);
  b[0] = (major << 5) | 25;
  b.writeUInt16BE(n, 1);
  return b;
}

function cbor(v: Cbor): Buffer {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') return Buffer.concat([head(3, Buffer.byteLength(v)), Buffer.from(v)]);
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
}

const b64u = (b: Buffer) => b.toString('base64url');
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest();

export class SoftPasskey {
  private readonly key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private counter = 0;
  private userHandle: string | undefined;

  constructor(readonly id: Buffer = crypto.randomBytes(16)) {}

  private authData(rpId: string, withCredential: boolean): Buffer {
    // User present, user verified, and (at registration) attested credential data.
    const flags = 0x01 | 0x04 | (withCredential ? 0x40 : 0);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts: Buffer[] = [sha256(rpId), Buffer.from([flags]), counter];
    if (withCredential) {
      const jwk = this.key.publicKey.export({ format: 'jwk' });
      const cose = cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(this.id.length);
      parts.push(Buffer.alloc(16), idLength, this.id, cose);
    }
    return Buffer.concat(parts);
  }

  /** The answer to registration options (`…/register/options`), as @simplewebauthn/browser sends it. */
  register(options: { challenge: string; rp: { id?: string }; user: { id: string } }, origin: string): Record<string, unknown> {
    this.userHandle = options.user.id;
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false }));
    const attestationObject = cbor(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', this.authData(options.rp.id ?? new URL(origin).hostname, true)]]));
    return { id: b64u(this.id), rawId: b64u(this.id), type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: b64u(clientData), attestationObject: b64u(attestationObject), transports: ['internal'] } };
  }

  /** The answer to sign-in options (`…/login/options`): a signature over the challenge. */
  assert(options: { challenge: string; rpId?: string }, origin: string): Record<string, unknown> {
    this.counter++;
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin, crossOrigin: false }));
    const authData = this.authData(options.rpId ?? new URL(origin).hostname, false);
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.key.privateKey);
    return {
      id: b64u(this.id),
      rawId: b64u(this.id),
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON: b64u(clientData), authenticatorData: b64u(authData), signature: b64u(signature), ...(this.userHandle ? { userHandle: this.userHandle } : {}) },
    };
  }
}
