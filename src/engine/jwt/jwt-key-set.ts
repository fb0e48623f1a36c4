import type { JsonWebKey, KeyObject } from 'node:crypto';
import { checkOneOf, checkString } from '../../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../../shared/options-schema.js';
import { JamError } from '../jam-error.js';
import { isHmac, JWT_ALGORITHMS, type JwtAlgorithm } from './jwt-algorithms.js';
import { tokenHeaderOf } from './token-header.js';
import { buildJwtKeys, type KeyInput } from './jwt-keys.js';

/** One entry of `jwt.keys`. */
export interface JwtKeyOptions {
  /** Names the key in the token header and in the JWK Set. */
  kid: string;
  /** Default: `jwt.alg`. */
  alg?: JwtAlgorithm;
  /** HS* secret, as `jwt.secretKey`. */
  secretKey?: KeyInput;
  /** PEM or KeyObject, as `jwt.privateKey`: this key can sign. */
  privateKey?: KeyInput;
  /** PEM or KeyObject, as `jwt.publicKey`: this key only verifies. */
  publicKey?: KeyInput;
}

/** A public JWK as published in the JWK Set (RFC 7517). */
export type PublicJwk = JsonWebKey & {
  /** The key's `kid` in `jwt.keys`; absent with the single-key options. */
  kid?: string;
  /** The one algorithm tokens signed with this key may use. */
  alg: JwtAlgorithm;
  /** Always `sig`: the keys sign tokens. */
  use: 'sig';
};

/** The public JWK Set of an instance (RFC 7517 §5), as `jam.jwks()` returns and `jamJwks` serves it. */
export interface JwkSet {
  /** The asymmetric keys; secret (HS*) keys are never published. */
  keys: PublicJwk[];
}

export interface VerifyingKey {
  kid?: string;
  alg: JwtAlgorithm;
  key: KeyObject;
}

/** Where verification keys come from: the configured keys, or a remote JWK Set (RemoteKeySet). */
export interface JwtKeySource {
  readonly signing?: SigningKey;
  /** The algorithm of every verifying key, when it is known to be one (a remote set may change). */
  readonly onlyAlg?: JwtAlgorithm;
  /** The key a token must be verified with; throws ERR_JWT_INVALID (check `kid` or `alg`) when there is none. */
  verifierFor(token: string): VerifyingKey | Promise<VerifyingKey>;
  jwks(): JwkSet;
}

export interface SigningKey extends VerifyingKey {
  header: { alg: JwtAlgorithm; typ: 'JWT'; kid?: string };
}

const keyInput = (_path: string, value: unknown) => value as KeyInput; // checked when the key is built

/** The options of one `jwt.keys` entry, declared once (docs/jwt.md shows them). */
export const JWT_KEY_OPTIONS = {
  kid: {
    doc: 'names the key in the token header and in the JWK Set; unique within `keys`.',
    required: true,
    check: checkString,
  },
  alg: {
    doc: 'the one algorithm this key signs and verifies with.',
    defaultDoc: '`jwt.alg`',
    check: (path: string, value: unknown) => checkOneOf(path, value, JWT_ALGORITHMS),
  },
  secretKey: { doc: 'HS\\* secret, as `jwt.secretKey`.', check: keyInput },
  privateKey: { doc: 'PEM or `KeyObject`, as `jwt.privateKey`: this key signs.', check: keyInput },
  publicKey: {
    doc: 'PEM or `KeyObject`, as `jwt.publicKey`: without `privateKey`, this key only verifies.',
    check: keyInput,
  },
} as const satisfies OptionsSchema;

/** `jwt.keys`: a non-empty array of entries, each checked against JWT_KEY_OPTIONS. */
export function checkKeyList(path: string, list: unknown): JwtKeyOptions[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw JamError.config(
      `${path} must be a non-empty array of { kid, alg?, secretKey | privateKey | publicKey }`,
    );
  }
  const kids = new Set<string>();
  return list.map((entry: unknown, i) => {
    const options = resolveSection(`${path}[${i}]`, JWT_KEY_OPTIONS, entry);
    if (kids.has(options.kid)) throw JamError.config(`${path}[${i}].kid is used twice`);
    kids.add(options.kid);
    return options;
  });
}

/**
 * The keys of one Jam instance, built once. With `jwt.keys` a token is verified only with the configured key
 * its `kid` names (looked up in a Map, never used as a path or URL); with a single key the header is not read.
 */
export class JwtKeySet implements JwtKeySource {
  readonly signing?: SigningKey;
  /** The algorithm of every verifying key, when they all have one. */
  readonly onlyAlg?: JwtAlgorithm;
  readonly #single?: VerifyingKey;
  readonly #byKid?: Map<string, VerifyingKey>;
  #jwks?: JwkSet;

  private constructor(signing: SigningKey | undefined, verifying: VerifyingKey[], keyed: boolean) {
    this.signing = signing;
    const algs = new Set(verifying.map(({ alg }) => alg));
    if (algs.size === 1) this.onlyAlg = [...algs][0];
    if (keyed) this.#byKid = new Map(verifying.map((entry) => [entry.kid!, entry]));
    else this.#single = verifying[0];
  }

  /** `jwt.alg` with `jwt.secretKey`/`privateKey`/`publicKey`: one key, tokens carry no `kid`. */
  static single(alg: JwtAlgorithm, sources: Omit<JwtKeyOptions, 'kid' | 'alg'>): JwtKeySet {
    const { signingKey, verifyingKey } = buildJwtKeys(alg, sources);
    const signing = signingKey && { alg, key: signingKey, header: { alg, typ: 'JWT' as const } };
    return new JwtKeySet(signing, [{ alg, key: verifyingKey }], false);
  }

  /** `jwt.keys`, checked by checkKeyList: the current signing key is the first one with a private or secret key. */
  static fromList(defaultAlg: JwtAlgorithm, list: JwtKeyOptions[]): JwtKeySet {
    let signing: SigningKey | undefined;
    const verifying = list.map(({ kid, alg = defaultAlg, ...sources }, i): VerifyingKey => {
      const { signingKey, verifyingKey } = buildJwtKeys(alg, sources, `jwt.keys[${i}]`);
      if (signing === undefined && signingKey !== undefined) {
        signing = { kid, alg, key: signingKey, header: { alg, typ: 'JWT', kid } };
      }
      return { kid, alg, key: verifyingKey };
    });
    return new JwtKeySet(signing, verifying, true);
  }

  /** The key a token must be verified with; throws ERR_JWT_INVALID for a missing or unknown `kid`. */
  verifierFor(token: string): VerifyingKey {
    if (this.#single) return this.#single;
    const found = this.#byKid!.get(kidOf(token) ?? '');
    if (found === undefined) throw JamError.jwtInvalid('unknown or missing kid', { check: 'kid' });
    return found;
  }

  /** The public JWK Set of the asymmetric keys (secret keys are never published); built once, frozen. */
  jwks(): JwkSet {
    this.#jwks ??= Object.freeze({
      keys: Object.freeze(
        this.#verifying()
          .filter(({ alg }) => !isHmac(alg))
          .map(({ kid, alg, key }) =>
            Object.freeze({
              ...exportJwk(key, kid),
              ...(kid === undefined ? {} : { kid }),
              alg,
              use: 'sig' as const,
            }),
          ),
      ) as PublicJwk[],
    });
    return this.#jwks;
  }

  #verifying(): VerifyingKey[] {
    return this.#single ? [this.#single] : [...this.#byKid!.values()];
  }
}

function exportJwk(key: KeyObject, kid: string | undefined): JsonWebKey {
  try {
    return key.export({ format: 'jwk' });
  } catch (err) {
    throw JamError.config(`the public key ${kid ?? ''} cannot be published as a JWK`, err);
  }
}

/** Reads `kid` from the header without trusting anything else in it; undefined when absent or malformed. */
function kidOf(token: string): string | undefined {
  const kid = tokenHeaderOf(token)?.kid;
  return typeof kid === 'string' ? kid : undefined;
}
