import {
  Jam,
  generateSecretKey,
  type JamConfig,
  type JwtOptions,
  type MakePayloadOptions,
  type OtpSecret,
} from '../index.js';
import { SESSION_COOKIE_NAME } from '../koa/session-cookie.js';
import { checkString } from '../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import { TestClock } from './test-clock.js';

/**
 * What `createTestJam` takes: a `JamConfig` whose sections may also be `false` (left out). jwt, session, otp
 * and authz are on unless set to `false`; oauth2 and passkeys only when given.
 */
export type TestJamConfig = { [K in keyof JamConfig]?: JamConfig[K] | false };

/** What `createTestJam` takes besides the config. */
export interface TestJamOptions {
  /** Where the instance's clock stands at first (a Date, or ms since the epoch). Default: the real time now. */
  now?: Date | number;
}

/** Options of `TestJam.sessionCookie`. */
export interface TestSessionOptions {
  /** The session key (user name or id) the session belongs to. */
  sessionKey?: string;
  /** The cookie jamSession reads. */
  cookieName?: string;
}

/** The options of `TestJam.sessionCookie`, declared once (docs/testing.md shows them). */
export const TEST_SESSION_OPTIONS = {
  sessionKey: {
    doc: 'the session key (user name or id) the session belongs to.',
    default: 'test-user',
    check: checkString,
  },
  cookieName: {
    doc: "the cookie jamSession reads (jamSession's default).",
    default: SESSION_COOKIE_NAME,
    check: checkString,
  },
} as const satisfies OptionsSchema;

const ON_BY_DEFAULT: TestJamConfig = { jwt: {}, session: {}, otp: {}, authz: {} };

/** The fields that give the jwt section keys of its own: without one, the test Jam makes an HS256 secret. */
const KEY_OPTIONS = ['secretKey', 'privateKey', 'publicKey', 'keys', 'jwks'] as const;

/**
 * A real `Jam` (same code, same checks) with helpers that make what a request needs. Made by `createTestJam`.
 */
export class TestJam extends Jam {
  /** The instance's clock: it stands still until moved, and tokens, sessions and OTP steps follow it. */
  readonly clock: TestClock;

  constructor(config: JamConfig, clock: TestClock) {
    super(config, { clock });
    this.clock = clock;
  }

  /** `{ Authorization: 'Bearer <token>' }` for a token of `makePayload(data, options)`, signed and recorded. */
  async bearerHeader(data: object, options?: MakePayloadOptions): Promise<{ Authorization: string }> {
    const token = await this.genJwtToken(this.makePayload(data, options));
    return { Authorization: `Bearer ${token}` };
  }

  /** A `Cookie` header value (`sessionId=<id>`) for a new session holding `data`. */
  async sessionCookie(data: object, options: TestSessionOptions = {}): Promise<string> {
    const { sessionKey, cookieName } = resolveSection('sessionCookie', TEST_SESSION_OPTIONS, options);
    return `${cookieName}=${await this.createSession(sessionKey, data)}`;
  }

  /** The OTP code of `secret` at `at` (a Date, or unix seconds; for HOTP the counter). Default: the clock's now. */
  otpCode(secret: OtpSecret, at?: Date | number): string {
    return this.getOtpCode(secret, at instanceof Date ? at.getTime() / 1000 : at);
  }
}

/**
 * A `TestJam` with in-memory stores and a generated HS256 secret: JWT (with a black list, so token pairs and
 * revocation work), sessions, OTP and permissions, each overridable or `false`. No Redis, no keys to manage.
 */
export function createTestJam(config: TestJamConfig = {}, { now }: TestJamOptions = {}): TestJam {
  const sections = Object.entries({ ...ON_BY_DEFAULT, ...config }).filter(([, options]) => options !== false);
  // Anything else (an unknown section, a malformed one) goes to Jam as given, which refuses it by name.
  const withKeys = sections.map(([name, options]) =>
    name === 'jwt' && typeof options === 'object' && options !== null
      ? [name, testJwtOptions(options as JwtOptions)]
      : [name, options],
  );
  return new TestJam(Object.fromEntries(withKeys) as JamConfig, new TestClock(now));
}

function testJwtOptions(given: JwtOptions): JwtOptions {
  const keyed = KEY_OPTIONS.some((name) => given[name] !== undefined);
  return { list: { type: 'black' }, ...(keyed ? {} : { secretKey: generateSecretKey() }), ...given };
}
