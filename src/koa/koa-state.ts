import type { JamError } from '../engine/jam-error.js';
import type { JamPayload } from '../engine/jam-payload.js';
import type { Jam } from '../engine/jam.js';

/**
 * Declare your payload type once, and `ctx.state.payload` carries it everywhere:
 *
 *     declare module 'koa-jam' { interface JamTypes { payload: { sub: string; roles: string[] } } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JamTypes {}

/** The type of `ctx.state.payload`: the `payload` of {@link JamTypes}, else {@link JamPayload}. */
export type JamStatePayload = JamTypes extends {
  /** Your payload type. */
  payload: infer P;
}
  ? P
  : JamPayload;

declare module 'koa' {
  interface DefaultState {
    /** The verified credential's payload, or null for an anonymous request. */
    payload: JamStatePayload | null;
    /** Why `payload` is null despite a credential being sent; for logs only, never for the client. */
    authError: JamError | null;
    /** The session id jamSession found valid, or null. */
    sessionId: string | null;
  }
  interface DefaultContext {
    /** Set by jamContext, jamJwt and jamSession. */
    jam: Jam;
  }
}
