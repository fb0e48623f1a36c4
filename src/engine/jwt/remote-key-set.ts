import { KeyObject } from 'node:crypto';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import { requireOptional } from '../config/require-optional.js';
import { JamError } from '../jam-error.js';
import { asymmetricKeyProblem, type JwtAlgorithm } from './jwt-algorithms.js';
import type { JwkSet, JwtKeySource, VerifyingKey } from './jwt-key-set.js';
import { discoverJwksUri } from './discover-jwks-uri.js';
import type { ResolvedRemoteJwksOptions } from './remote-jwks-options.js';
import { tokenHeaderOf } from './token-header.js';
import { systemClock } from '../clock.js';

type LocalSet = ReturnType<typeof Jose.createLocalJWKSet>;
type RemoteSet = ReturnType<typeof Jose.createRemoteJWKSet>;

interface Snapshot {
  select: LocalSet;
  size: number;
  fetchedAtMs: number;
}

const NO_KEYS: JwkSet = Object.freeze({ keys: Object.freeze([]) as unknown as JwkSet['keys'] });

/**
 * An identity provider's JWK Set, used for key lookup only: the token is then verified on koa-jam's path.
 * Fetching, parsing and key selection (kty, crv, `use`, `key_ops`, the key's own `alg`) are jose's; the
 * policy is here: keys are fetched on first use, re-fetched when older than `cacheMaxAge` or on an unknown
 * `kid`, but never more than once per `cooldown` whether the fetch worked or not (random `kid`s or a dead
 * provider cause no fetch storm), and the last good keys keep serving while the provider is unreachable.
 * With no key ever fetched, a lookup is ERR_PROVIDER_UNAVAILABLE (503). Header URLs (`jku`, `x5u`) and
 * embedded keys (`jwk`, `x5c`) are never read.
 */
export class RemoteKeySet implements JwtKeySource {
  readonly signing = undefined;
  readonly #jose: typeof Jose;
  readonly #options: ResolvedRemoteJwksOptions;
  readonly #algorithms: ReadonlySet<string>;
  #remote?: RemoteSet;
  #snapshot?: Snapshot;
  #attemptedAtMs = -Infinity;
  #pending?: Promise<void>;
  #failure?: unknown;

  constructor(options: ResolvedRemoteJwksOptions, algorithms: readonly JwtAlgorithm[]) {
    this.#jose = requireOptional<typeof Jose>('jose', 'jwt.jwks');
    this.#options = options;
    this.#algorithms = new Set(algorithms);
    if (options.uri) this.#remote = this.#fetcher(options.uri);
  }

  async verifierFor(token: string): Promise<VerifyingKey> {
    const header = tokenHeaderOf(token);
    const alg = header?.alg;
    const kid = header?.kid;
    if (typeof alg !== 'string' || !this.#algorithms.has(alg))
      throw JamError.jwtInvalid('the token algorithm is not in jwt.algorithms', { check: 'alg' });
    if (kid !== undefined && typeof kid !== 'string')
      throw JamError.jwtInvalid('kid must be a string', { check: 'kid' });
    let found = await this.#select(await this.#keys(false), alg, kid);
    // An unknown kid may be a key the provider has just published: look again, once per cooldown.
    if (found === undefined && this.#mayFetch()) found = await this.#select(await this.#keys(true), alg, kid);
    if (found === undefined)
      throw JamError.jwtInvalid('no key of the JWK Set matches the kid and alg of the token', {
        check: 'kid',
      });
    const problem = asymmetricKeyProblem(alg as JwtAlgorithm, found);
    if (problem)
      throw JamError.jwtInvalid(`the matching key cannot serve ${alg}: ${problem}`, { check: 'alg' });
    return { kid, alg: alg as JwtAlgorithm, key: found };
  }

  /** A remote set is the provider's to publish, not this instance's. */
  jwks(): JwkSet {
    return NO_KEYS;
  }

  // Cache ages are the real time between fetches from a real server, not the instance's (test) clock.
  async #keys(unknownKid: boolean): Promise<Snapshot> {
    const snapshot = this.#snapshot;
    const stale =
      snapshot === undefined || systemClock.now() - snapshot.fetchedAtMs >= this.#options.cacheMaxAgeMs;
    if ((stale || unknownKid) && this.#pending === undefined && this.#mayFetch()) void this.#refresh();
    // Without keys, or after a kid the set may just have gained, wait for the fetch under way; otherwise the
    // current keys serve while it runs, so a slow or dead provider never delays tokens whose key is known.
    if (this.#pending && (snapshot === undefined || unknownKid)) await this.#pending;
    if (this.#snapshot === undefined) throw JamError.providerUnavailable('jwt.jwks', this.#failure);
    return this.#snapshot;
  }

  #mayFetch(): boolean {
    return systemClock.now() - this.#attemptedAtMs >= this.#options.cooldownMs;
  }

  #refresh(): Promise<void> {
    this.#attemptedAtMs = systemClock.now();
    this.#pending = this.#fetch().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #fetch(): Promise<void> {
    try {
      this.#remote ??= this.#fetcher(await discoverJwksUri(this.#options.issuer!, this.#options.timeoutMs));
      await this.#remote.reload();
      const jwks = this.#remote.jwks()!;
      const select = this.#jose.createLocalJWKSet(jwks);
      this.#snapshot = { select, size: jwks.keys.length, fetchedAtMs: systemClock.now() };
      this.#failure = undefined;
    } catch (err) {
      this.#failure = err; // the last good keys, if any, keep serving
    }
  }

  #fetcher(url: URL): RemoteSet {
    // Only reload() and jwks() are used: the cache policy is this class's.
    return this.#jose.createRemoteJWKSet(url, { timeoutDuration: this.#options.timeoutMs });
  }

  /** The key jose selects for alg and kid, or undefined when none matches. */
  async #select(snapshot: Snapshot, alg: string, kid: string | undefined): Promise<KeyObject | undefined> {
    if (kid === undefined && snapshot.size > 1)
      throw JamError.jwtInvalid('the JWK Set has several keys: the token needs a kid', { check: 'kid' });
    try {
      const key = await snapshot.select({ alg, kid });
      return key instanceof KeyObject ? key : KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_JWKS_NO_MATCHING_KEY') return undefined;
      const reason =
        code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
          ? 'several keys of the JWK Set match'
          : 'the matching key is unusable';
      throw JamError.jwtInvalid(reason, { check: 'kid', cause: err });
    }
  }
}
