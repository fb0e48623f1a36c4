import { requireOptional } from '../config/require-optional.js';

/** The parts of @simplewebauthn/server koa-jam uses. */
export type WebAuthnLibrary = Pick<
  typeof import('@simplewebauthn/server'),
  | 'generateRegistrationOptions'
  | 'verifyRegistrationResponse'
  | 'generateAuthenticationOptions'
  | 'verifyAuthenticationResponse'
>;

/** Loads the optional peer when the `passkeys` section is configured (ERR_CONFIG naming it when missing). */
export function loadWebAuthn(): WebAuthnLibrary {
  return requireOptional<WebAuthnLibrary>('@simplewebauthn/server', 'passkeys');
}
