import { Jam } from 'koa-jam';
import { createWebApp } from '../../examples/web-app.js';
import { WebUsers } from '../../examples/web-users.js';
import { listenLoopback } from './loopback-server.js';

/** The example site served on a loopback port, with a Jam of its own, for the browser specs. */
export interface WebSite {
  jam: Jam;
  users: WebUsers;
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

/** @param accounts user name → password. */
export async function startWebSite(accounts: Record<string, string>): Promise<WebSite> {
  const jam = new Jam({ session: {}, otp: {}, passkeys: { rpId: 'localhost' } });
  const users = await WebUsers.create(accounts);
  const site = await listenLoopback();
  site.handle(createWebApp(jam, users).callback());
  return {
    jam,
    users,
    base: site.origin,
    close: async () => {
      await site.close();
      await jam.close();
    },
  };
}
