/**
 * `npm run soak`: mixed traffic against the hardened app in its own process, on loopback, for a bounded time
 * (SOAK_SECONDS, default 180). Every virtual user logs in, calls protected routes with its session and its
 * access token, refreshes, calls again, then logs out and revokes. The app's memory is sampled after a full
 * GC and printed over time. Fails (exit code 1) on any unexpected answer, on an app crash, or when memory
 * keeps growing: the retained heap of the last third of the run above 1.5x that of the first third (+8 MB).
 * A real redis-server is used when installed (SOAK_STORE=memory to use the in-memory stores).
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { startRedis, type RedisServer } from '../../test-support/redis-server.js';
import { HardenedClient, type Answer } from './hardened-client.js';
import type { HardenedJamOptions } from './hardened-app.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 180);
const USERS = Number(process.env.SOAK_USERS ?? 8);
const SAMPLES = 24;
const MB = 1024 * 1024;

interface Sample {
  atS: number;
  rssMb: number;
  heapMb: number;
  requests: number;
}

async function soak(): Promise<boolean> {
  const useRedis = process.env.SOAK_STORE !== 'memory';
  let redis: RedisServer | undefined;
  let app: AppProcess | undefined;
  const hardStop = setTimeout(
    () => {
      console.error(`soak: still running ${SECONDS + 60} s after the start; giving up`);
      void Promise.all([app?.stop(), redis?.stop()]).finally(() => process.exit(1));
    },
    (SECONDS + 60) * 1000,
  );
  try {
    redis = useRedis ? await startRedis().catch(() => undefined) : undefined;
    // Short lifetimes and a small verified-token cache, so that sessions, list entries, spent refresh tokens and
    // cache entries come and go during the run: what stays growing after that is a leak.
    const options: HardenedJamOptions = {
      storeUrl: redis?.url,
      jwt: { expire: 20, refreshExpire: 60, cache: { maxEntries: 500 } },
      session: { ttl: 60 },
    };
    app = await startAppProcess(join(__dirname, 'hardened-app-worker.js'), [JSON.stringify(options)]);
    console.log(
      `soak: ${SECONDS} s, ${USERS} concurrent users, stores: ${redis ? 'redis-server' : 'in memory'}, app pid ${app.pid}`,
    );
    const client = new HardenedClient(app.url);
    const errors: string[] = [];
    let requests = 0;
    const expect = (what: string, answer: Answer, status: number) => {
      requests++;
      if (answer.status !== status)
        errors.push(`${what}: ${answer.status} ${answer.reason}, expected ${status}`);
    };

    const startedAt = Date.now();
    const stopAt = startedAt + SECONDS * 1000;
    const user = async (u: number) => {
      for (let round = 0; Date.now() < stopAt && errors.length === 0; round++) {
        const name = `soak-${u}-${round}`;
        const creds = await client.login(name);
        requests++;
        for (let i = 0; i < 5; i++) {
          expect('session call', await client.sessionMe(creds.sessionId), 200);
          expect('token call', await client.jwtMe(creds.accessToken), 200);
        }
        const refreshed = await client.refresh(creds.refreshToken);
        expect('refresh', refreshed, 200);
        const { accessToken } = refreshed.body as { accessToken: string };
        expect('call with the refreshed token', await client.jwtMe(accessToken), 200);
        expect('logout', await client.logout(creds.sessionId), 204);
        expect('revoke', await client.revoke(accessToken), 204);
        expect('session after logout', await client.sessionMe(creds.sessionId), 401);
        expect('token after revoke', await client.jwtMe(accessToken), 401);
      }
    };
    const samples: Sample[] = [];
    const sampler = (async () => {
      for (let i = 1; i <= SAMPLES && errors.length === 0; i++) {
        await sleep(Math.max(0, startedAt + (i * SECONDS * 1000) / SAMPLES - Date.now()));
        const usage = await app!.memory();
        const sample = {
          atS: Math.round((Date.now() - startedAt) / 1000),
          rssMb: usage.rss / MB,
          heapMb: usage.heapUsed / MB,
          requests,
        };
        samples.push(sample);
        console.log(
          `  t=${String(sample.atS).padStart(4)} s  rss ${sample.rssMb.toFixed(1).padStart(6)} MB  ` +
            `heap after GC ${sample.heapMb.toFixed(1).padStart(5)} MB  ${requests} requests`,
        );
      }
    })();
    await Promise.all(
      Array.from({ length: USERS }, (_, u) =>
        user(u).catch((err: unknown) => {
          errors.push(String(err));
        }),
      ),
    );
    await sampler;

    if (app.exit()) errors.push(`the app process exited: ${JSON.stringify(app.exit())}`);
    const third = Math.max(1, Math.floor(samples.length / 3));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const early = median(samples.slice(0, third).map((s) => s.heapMb));
    const late = median(samples.slice(-third).map((s) => s.heapMb));
    const seconds = (Date.now() - startedAt) / 1000;
    console.log(
      `soak: ${requests} requests in ${seconds.toFixed(0)} s (${(requests / seconds).toFixed(0)}/s); ` +
        `retained heap ${early.toFixed(1)} MB early, ${late.toFixed(1)} MB late`,
    );
    if (samples.length >= 3 && late > early * 1.5 + 8) errors.push('memory keeps growing');
    for (const error of errors.slice(0, 10)) console.error(`soak: ${error}`);
    return errors.length === 0;
  } finally {
    clearTimeout(hardStop);
    await app?.stop();
    await redis?.stop();
  }
}

soak().then(
  (ok) => {
    console.log(ok ? 'soak: passed' : 'soak: FAILED');
    process.exitCode = ok ? 0 : 1;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
