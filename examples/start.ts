import type { AddressInfo } from 'node:net';
import { createControllersApp, demoJam } from './controllers-app.js';

/** `npm start`: the demo's server for manual use, with the same walk as ready-to-paste curl commands. */
const jam = demoJam();
const server = createControllersApp(jam).listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const curl = `curl -s -w ' %{http_code}\\n'`;
  const login = (user: string) =>
    `$(curl -s ${base}/auth/login -H 'content-type: application/json' -d '{"username":"${user}","password":"${user}-password"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')`;
  console.log(`examples/controllers-app.ts on ${base} (Ctrl-C stops it). Paste into a shell:

ALICE=${login('alice')}
${curl} ${base}/profile -H "Authorization: Bearer $ALICE"    # 200: alice's profile
${curl} ${base}/admin -H "Authorization: Bearer $ALICE"      # 403: alice is no admin
ROOT=${login('root')}
${curl} ${base}/admin -H "Authorization: Bearer $ROOT"       # 200: root is
${curl} ${base}/profile                                      # 401: no token
`);
});

process.once('SIGINT', () => {
  server.close();
  void jam.close();
});
