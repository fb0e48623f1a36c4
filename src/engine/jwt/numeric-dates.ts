import type { JamPayload } from '../jam-payload.js';

const NUMERIC_DATES = ['exp', 'nbf', 'iat'] as const;

/**
 * The first of `exp`, `nbf`, `iat` that is present but not a finite number (RFC 7519 NumericDate), if any.
 * JSON.parse reads 1e400 as Infinity, which jsonwebtoken would take for a date that never comes.
 */
export function badNumericDate(payload: JamPayload): (typeof NUMERIC_DATES)[number] | undefined {
  return NUMERIC_DATES.find((claim) => payload[claim] !== undefined && !Number.isFinite(payload[claim]));
}
