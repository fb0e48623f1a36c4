import type { AddressInfo } from 'node:net';
import { createControllersApp, demoJam } from './controllers-app.js';

/** `npm start`: the demo's server for manual use, with the demo's walk as ready-to-paste curl commands. */
const jam = demoJam();
const server = createControllersApp(jam).listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const curl = `curl -s -w ' %{http_code}\\n'`;
  const body = (user: string) =>
    `-H 'content-type: application/json' -d '{"username":"${user}","password":"${user}-password"}'`;
  const session = (user: string) =>
    `$(curl -si ${base}/auth/session ${body(user)} | grep -o 'sessionId=[^;]*')`;
  console.log(`examples/controllers-app.ts on ${base} (Ctrl-C stops it). Paste into a shell:

ALICE=${session('alice')}
${curl} ${base}/profile -H "Cookie: $ALICE"                 # 200: alice's profile
${curl} ${base}/admin -H "Cookie: $ALICE"                   # 403: alice is no admin
ROOT=${session('root')}
${curl} ${base}/admin -H "Cookie: $ROOT"                    # 200: root is
${curl} -X POST ${base}/auth/logout -H "Cookie: $ROOT"      # 204: root logs out
${curl} ${base}/admin -H "Cookie: $ROOT"                    # 401: the old cookie is refused
TOKEN=$(curl -s ${base}/auth/login ${body('alice')} | sed -E 's/.*"token":"([^"]+)".*/\\1/')
${curl} ${base}/profile -H "Authorization: Bearer $TOKEN"   # 200: a JWT works too
${curl} -X POST ${base}/auth/logout -H "Authorization: Bearer $TOKEN"   # 204: the JWT is revoked
${curl} ${base}/profile -H "Authorization: Bearer $TOKEN"   # 401: and refused
`);
});

process.once('SIGINT', () => {
  server.close();
  void jam.close();
});
