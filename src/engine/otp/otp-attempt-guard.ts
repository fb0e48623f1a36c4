import type { Clock } from '../clock.js';
import { publish } from '../jam-events.js';
import { JamError } from '../jam-error.js';
import type { EntryChange } from '../store/atomic-entries.js';
import type { JamStore } from '../store/jam-store.js';

/** What the store keeps per `sessionKey`. */
interface AttemptRecord {
  /** The last accepted step (TOTP) or counter (HOTP); only later ones are accepted after it. */
  last?: number;
  /** Which secret `last` belongs to (a hash): after re-enrolment with a new secret, counters start afresh. */
  secretId?: string;
  failures: number;
  firstFailureAt: number;
  lockedUntil: number;
}

const EMPTY: AttemptRecord = { failures: 0, firstFailureAt: 0, lockedUntil: 0 };

export interface AttemptLimits {
  maxAttempts: number;
  attemptPeriodMs: number;
  lockoutPeriodMs: number;
}

/** The outcome of one check: the accepted factor, or the reason for refusing. */
export type OtpCheck =
  | {
      /** The code was accepted. */
      valid: true;
      /** The accepted TOTP step or HOTP counter (store `factor + 1` as the next HOTP counter). */
      factor: number;
    }
  | {
      /** The code was refused. */
      valid: false;
      /** Why: `ERR_OTP_INVALID`, `ERR_OTP_REPLAYED` or `ERR_OTP_LOCKED`. */
      error: JamError;
    };

/** A refusal that counts as a failed attempt. */
type CountedRefusal = 'ERR_OTP_INVALID' | 'ERR_OTP_REPLAYED';

/**
 * Replay and guessing limits for one principal (`sessionKey`): an accepted factor is never accepted again
 * (RFC 6238 §5.2), and `maxAttempts` failures within the attempt period lock the principal for the lockout
 * period (RFC 4226 §7.3). OTP codes and recovery codes count in the same record. Each check is one atomic
 * update of the principal's record (JamStore.update): on Redis, Redis Cluster and SQLite no two checks, in any
 * processes, both count from the same record, so at most `maxAttempts` failures are ever checked before the
 * lock and a factor is accepted once.
 */
export class OtpAttemptGuard {
  readonly #store: JamStore;
  readonly #limits: AttemptLimits;
  readonly #clock: Clock;

  constructor(store: JamStore, clock: Clock, limits: AttemptLimits) {
    this.#clock = clock;
    this.#store = store;
    this.#limits = limits;
  }

  /**
   * An OTP code.
   * @param secretId identifies the secret (not the secret itself).
   * @param match the factor the code is valid for, or undefined; called only when the key is not locked.
   * @param keepMs how long an accepted factor must be remembered (0: forever).
   */
  check(
    sessionKey: string,
    secretId: string,
    match: () => number | undefined,
    keepMs: number,
  ): Promise<OtpCheck> {
    let matched: { factor: number | undefined } | undefined; // the update may run the decision more than once
    const factorOf = () => (matched ??= { factor: match() }).factor;
    return this.#attempt<OtpCheck>(sessionKey, {}, (record, refuse) => {
      const factor = factorOf();
      const last = record.secretId === secretId ? record.last : undefined;
      if (factor !== undefined && (last === undefined || factor > last)) {
        return {
          result: { valid: true, factor },
          next: { value: { ...EMPTY, last: factor, secretId }, ttlMs: keepMs },
        };
      }
      return refuse(factor === undefined ? 'ERR_OTP_INVALID' : 'ERR_OTP_REPLAYED', keepMs);
    });
  }

  /**
   * A recovery code: refused (ERR_OTP_LOCKED) while the principal is locked; a `refusal` is counted as a
   * failed attempt. Resolves to the refusal's error, or undefined when there is none (nothing is written).
   * @param keepMs how long an OTP factor the record remembers must still be kept (0: forever).
   */
  async recovery(
    sessionKey: string,
    refusal: CountedRefusal | undefined,
    keepMs: number,
  ): Promise<JamError | undefined> {
    const refused = await this.#attempt<undefined>(sessionKey, { recovery: true }, (_, refuse) =>
      refusal === undefined ? { result: undefined } : refuse(refusal, keepMs),
    );
    return refused?.error;
  }

  /**
   * One atomic update of the principal's record: a locked principal is refused before `decide` runs; `decide`
   * accepts, or calls `refuse`, which counts the failure (and locks at `maxAttempts`).
   */
  #attempt<R>(
    sessionKey: string,
    tag: EventTag,
    decide: (record: AttemptRecord, refuse: Refuse) => EntryChange<R | Refused>,
  ): Promise<R | Refused> {
    let failed: Failure | undefined; // of the run whose result stands: events are published once, after it
    const checked = this.#store.update<AttemptRecord, R | Refused>(sessionKey, (stored) => {
      const now = this.#clock.now();
      const record = stored ?? EMPTY;
      failed = undefined;
      if (record.lockedUntil > now) {
        failed = { code: 'ERR_OTP_LOCKED', failures: record.failures, lockedUntil: 0 };
        return { result: { valid: false, error: lockedError(record.lockedUntil - now) } };
      }
      return decide(record, (code, keepMs) => {
        const change = this.#failure(record, now, code, keepMs);
        failed = change.failed;
        return change;
      });
    });
    return checked.then((result) => {
      if (failed !== undefined) publishFailure(sessionKey, failed, tag);
      return result;
    });
  }

  /** The failure counted on `record`: the refusal, the record to write and what to publish. */
  #failure(
    record: AttemptRecord,
    now: number,
    code: CountedRefusal,
    keepMs: number,
  ): EntryChange<Refused> & { failed: Failure } {
    const { maxAttempts, attemptPeriodMs, lockoutPeriodMs } = this.#limits;
    const fresh = now - record.firstFailureAt >= attemptPeriodMs;
    const failures = fresh ? 1 : record.failures + 1;
    const lockedUntil = failures >= maxAttempts ? now + lockoutPeriodMs : 0;
    const firstFailureAt = fresh ? now : record.firstFailureAt;
    const countedMs = Math.max(attemptPeriodMs, lockoutPeriodMs);
    // A remembered factor must outlive the failure count; without one the record can go with it.
    const ttlMs = record.last === undefined ? countedMs : keepMs === 0 ? 0 : Math.max(keepMs, countedMs);
    const error =
      lockedUntil > 0
        ? lockedError(lockoutPeriodMs)
        : code === 'ERR_OTP_INVALID'
          ? JamError.otpRefused(code, 'wrong code')
          : JamError.otpRefused(code, 'this code (or a later one) was already used');
    return {
      result: { valid: false, error },
      next: { value: { ...record, failures, firstFailureAt, lockedUntil }, ttlMs },
      failed: { code, failures, lockedUntil, maxAttempts },
    };
  }
}

interface Refused {
  valid: false;
  error: JamError;
}

type Refuse = (code: CountedRefusal, keepMs: number) => EntryChange<Refused>;

interface EventTag {
  /** The code checked was a recovery code (the event says so). */
  recovery?: true;
}

interface Failure {
  code: 'ERR_OTP_INVALID' | 'ERR_OTP_REPLAYED' | 'ERR_OTP_LOCKED';
  failures: number;
  /** Set when this failure started a lockout. */
  lockedUntil: number;
  maxAttempts?: number;
}

function publishFailure(
  sessionKey: string,
  { code, failures, lockedUntil, maxAttempts }: Failure,
  tag: EventTag,
): void {
  publish('otp.failure', () => ({
    sessionKey,
    code,
    failures,
    ...(maxAttempts !== undefined && { maxAttempts }),
    ...tag,
  }));
  if (lockedUntil > 0) publish('otp.lockout', () => ({ sessionKey, failures, lockedUntil }));
}

function lockedError(remainingMs: number): JamError {
  return JamError.otpRefused(
    'ERR_OTP_LOCKED',
    `too many failed attempts; try again in ${Math.ceil(remainingMs / 1000)} s`,
  );
}
