import { JamError } from '../jam-error.js';
import type { ResolvedOtpOptions } from './otp-options.js';

/** Options of `jam.getOtpUri`. */
export interface OtpUriOptions {
  /** The account, as the authenticator app lists it (an email or user name). */
  name: string;
  /** The service, shown above the account name. */
  issuer: string;
  /** HOTP: the counter the app starts from. Default 0. */
  counter?: number;
}

type UriSettings = Pick<ResolvedOtpOptions, 'type' | 'digits' | 'digest' | 'interval'>;

/**
 * The Key Uri Format of Google Authenticator, which other apps follow: `otpauth://TYPE/ISSUER:NAME?...`,
 * with the issuer repeated as a parameter (apps prefer it over the label prefix).
 */
export function buildOtpUri(secretBase32: string, settings: UriSettings, options: OtpUriOptions): string {
  if (options === null || typeof options !== 'object')
    throw JamError.invalidArgument('getOtpUri: the options { name, issuer } are required');
  const name = labelPart('name', options.name);
  const issuer = labelPart('issuer', options.issuer);
  const params = new URLSearchParams({
    secret: secretBase32,
    issuer: options.issuer,
    algorithm: settings.digest.toUpperCase(),
    digits: String(settings.digits),
  });
  if (settings.type === 'totp') {
    params.set('period', String(settings.interval));
  } else {
    const counter = options.counter ?? 0;
    if (!Number.isSafeInteger(counter) || counter < 0)
      throw JamError.invalidArgument('getOtpUri: counter must be an integer >= 0');
    params.set('counter', String(counter));
  }
  // URLSearchParams writes a space as '+', which some apps show literally; %20 is read right by all.
  return `otpauth://${settings.type}/${issuer}:${name}?${params.toString().replace(/\+/g, '%20')}`;
}

function labelPart(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw JamError.invalidArgument(`getOtpUri: ${field} must be a non-empty string`);
  // The colon separates issuer from name in the label; the format forbids it inside either.
  if (value.includes(':')) throw JamError.invalidArgument(`getOtpUri: ${field} must not contain ':'`);
  return encodeURIComponent(value);
}
