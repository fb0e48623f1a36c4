import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { jamChannels, type JamEvents } from 'koa-jam';
import pino, { type Logger } from 'pino';
import { createDemoJam, createJwtApp } from './jwt-app.js';

type Level = 'error' | 'warn' | 'info';

/**
 * How loud each event is: a reused refresh token means a stolen one, an outage turns logins into 503s, a
 * passkey counter that did not grow a cloned authenticator.
 */
const LEVELS: Record<keyof JamEvents, Level> = {
  'koa-jam:refresh.reuse': 'error',
  'koa-jam:store.unavailable': 'error',
  'koa-jam:passkey.counter': 'error',
  'koa-jam:otp.lockout': 'warn',
  'koa-jam:csrf.refused': 'warn',
  'koa-jam:recovery.used': 'warn', // a way in without the second factor: worth a look
  'koa-jam:oauth2.failure': 'warn',
  'koa-jam:auth.failure': 'info',
  'koa-jam:otp.failure': 'info',
  'koa-jam:token.revoked': 'info',
  'koa-jam:session.created': 'info',
  'koa-jam:session.ended': 'info',
  'koa-jam:store.recovered': 'info',
  'koa-jam:oauth2.login': 'info',
  'koa-jam:passkey.registered': 'info',
  'koa-jam:passkey.used': 'info',
};

/**
 * Forwards every koa-jam security event to a pino logger, one JSON line per event (`{ event, ...message }`),
 * and counts them by channel, e.g. for a metrics endpoint. `stop()` unsubscribes.
 */
export function forwardJamEvents(logger: Logger) {
  const counts = Object.fromEntries(jamChannels.map((channel) => [channel, 0])) as Record<
    keyof JamEvents,
    number
  >;
  const stops = jamChannels.map((channel) => {
    const listener = (message: unknown) => {
      counts[channel]++;
      logger[LEVELS[channel] ?? 'info']({ event: channel, ...(message as object) }, channel);
    };
    subscribe(channel, listener);
    return () => unsubscribe(channel, listener);
  });
  return { counts, stop: () => stops.forEach((stop) => stop()) };
}

if (require.main === module) {
  // The JWT example app, with every security event as a JSON line on stdout.
  forwardJamEvents(pino());
  const port = Number(process.env.PORT ?? 3000);
  createJwtApp(createDemoJam()).listen(port, '127.0.0.1', () =>
    console.log(`jwt-app on http://127.0.0.1:${port}`),
  );
}
