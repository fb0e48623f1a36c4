import { createExampleIdp, type IdpClient } from '../../examples/idp.js';
import { listenLoopback, type LoopbackServer } from './loopback-server.js';

export interface TestIdp {
  /** `http://127.0.0.1:<port>`, also the issuer. */
  issuer: string;
  /** Stops answering (connections refused) until start() again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The Example IdP (examples/idp.ts: a real oidc-provider that requires PKCE, with its development login and
 * consent forms) on a free loopback port. `clients(issuer)` returns the clients to register.
 */
export async function startIdp(clients: (issuer: string) => IdpClient[]): Promise<TestIdp> {
  let loopback: LoopbackServer = await listenLoopback();
  const issuer = loopback.origin;
  const handler = createExampleIdp(issuer, clients(issuer));
  loopback.handle(handler);
  return {
    issuer,
    stop: () => loopback.close(),
    async start() {
      loopback = await listenLoopback(loopback.port);
      loopback.handle(handler);
    },
    close: () => loopback.close(),
  };
}
