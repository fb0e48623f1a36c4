import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { PasskeyOptionsJSON } from 'koa-jam';

/** What a browser sends back, in the JSON form @simplewebauthn/browser uses. */
export interface PublicKeyCredentialJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: Record<string, unknown>;
  clientExtensionResults: Record<string, unknown>;
  authenticatorAttachment?: string;
}

/** What the client and the authenticator put in an answer; each can be overridden to forge one. */
export interface Ceremony {
  origin?: string;
  rpId?: string;
  /** The signature counter to report (default: the stored one plus one). */
  counter?: number;
  userVerified?: boolean;
  /** Sign with another key than the credential's. */
  wrongKey?: boolean;
}

interface SoftCredential {
  id: string;
  key: KeyObject;
  userHandle: string;
  counter: number;
}

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

/**
 * A software passkey authenticator (ES256, "none" attestation), built from the WebAuthn spec with node:crypto:
 * it turns the options koa-jam sends into the answers a browser would, or into forged ones.
 */
export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(readonly origin: string) {}

  register(options: PasskeyOptionsJSON, ceremony: Ceremony = {}): PublicKeyCredentialJSON {
    const { origin = this.origin, rpId = (options.rp as { id: string }).id } = ceremony;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = randomBytes(16);
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      this.#authData(rpId, AT | flags(ceremony), ceremony.counter ?? 0),
      Buffer.alloc(16), // AAGUID: none
      idLength,
      id,
      isoCBOR.encode(coseKey),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    const credentialId = id.toString('base64url');
    this.credentials.push({
      id: credentialId,
      key: privateKey,
      userHandle: (options.user as { id: string }).id,
      counter: ceremony.counter ?? 0,
    });
    return answer(credentialId, {
      clientDataJSON: clientData('webauthn.create', options.challenge, origin),
      attestationObject: Buffer.from(attestationObject).toString('base64url'),
      transports: ['internal'],
    });
  }

  /** Signs in with the first allowed credential, or (discoverable) the last one registered. */
  login(options: PasskeyOptionsJSON, ceremony: Ceremony = {}): PublicKeyCredentialJSON {
    const allowed = (options.allowCredentials as { id: string }[] | undefined) ?? [];
    const credential =
      allowed.length > 0
        ? this.credentials.find(({ id }) => allowed.some((a) => a.id === id))
        : this.credentials.at(-1);
    if (!credential) throw new Error('no credential for these options');
    const { origin = this.origin, rpId = options.rpId as string } = ceremony;
    credential.counter = ceremony.counter ?? credential.counter + 1;
    const authData = this.#authData(rpId, flags(ceremony), credential.counter);
    const clientDataJSON = clientData('webauthn.get', options.challenge, origin);
    const key = ceremony.wrongKey
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
      : credential.key;
    const signed = Buffer.concat([
      authData,
      createHash('sha256').update(Buffer.from(clientDataJSON, 'base64url')).digest(),
    ]);
    return answer(credential.id, {
      clientDataJSON,
      authenticatorData: authData.toString('base64url'),
      signature: sign('sha256', signed, key).toString('base64url'),
      userHandle: credential.userHandle,
    });
  }

  #authData(rpId: string, flagBits: number, counter: number): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([flagBits]), count]);
  }
}

function flags({ userVerified = true }: Ceremony): number {
  return UP | (userVerified ? UV : 0);
}

function clientData(type: string, challenge: string, origin: string): string {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false })).toString('base64url');
}

function answer(id: string, response: Record<string, unknown>): PublicKeyCredentialJSON {
  return {
    id,
    rawId: id,
    type: 'public-key',
    response,
    clientExtensionResults: {},
    authenticatorAttachment: 'platform',
  };
}
