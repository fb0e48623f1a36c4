import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { recordEvents } from './events.js';

/**
 * The leak check of koa-jam's events, over the whole spec run (a mocha root hook, see setup.ts): it
 * subscribes to every koa-jam channel and the store traces from the start, collects every credential that
 * goes over the wire to a server in this process (Authorization and other Bearer headers, cookie values,
 * Set-Cookie values, and the password/code/token/secret fields of request and response bodies), and at the
 * end fails the run when any event carried one of them. The hostile corpus in spec/security/ and the example
 * apps all run through it.
 */

/** Shorter strings are words, not credentials ('x' as a password is in any message); OTP codes have 6 digits. */
const MIN_LENGTH = 6;
/**
 * Cookies and Bearer headers also carry the hostile corpus's junk, some of it reused as session keys, which
 * events name by design ('jam:session:*'): there only strings the length of an issued credential count.
 */
const MIN_PRESENTED_LENGTH = 16;
/** Body fields holding credentials: sent (passwords, OTP codes, refresh tokens) and received (issued tokens). */
const SENT_FIELD = /(password|code|token|secret)$/i;
const RECEIVED_FIELD = /(token|secret|sessionid)$/i;
const BEARER = /^\s*[\w-]+\s+(\S+)/;
const MAX_BODY = 64 * 1024;

export const wireCredentials = new Set<string>();
/** Every distinct string an event carried, with the channel that carried it. */
export const eventStrings = new Map<string, string>();

export function addCredential(value: unknown, minLength = MIN_LENGTH): void {
  if (typeof value === 'string' && value.length >= minLength) wireCredentials.add(value);
}

/** The strings inside a message: values of any depth, and the messages of errors and their causes. */
export function stringsOf(value: unknown, found: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') found.push(value);
  else if (value instanceof Error) {
    found.push(value.message);
    stringsOf((value as { cause?: unknown }).cause, found, depth + 1);
  } else if (value !== null && typeof value === 'object' && depth < 8) {
    for (const child of Object.values(value)) stringsOf(child, found, depth + 1);
  }
  return found;
}

/** Each event string that contains a credential, with its channel. */
export function findLeaks(
  strings: ReadonlyMap<string, string>,
  credentials: Iterable<string>,
): { channel: string; credential: string; text: string }[] {
  const leaks = [];
  for (const credential of credentials) {
    for (const [text, channel] of strings) {
      if (contains(text, credential)) leaks.push({ channel, credential, text });
    }
  }
  return leaks;
}

// A short credential (a 6-digit OTP code) counts only where it stands alone: a random id (a UUID's hex, a
// hash) holds any six digits by chance.
function contains(text: string, credential: string): boolean {
  if (credential.length >= MIN_PRESENTED_LENGTH) return text.includes(credential);
  const alnum = /[0-9A-Za-z]/;
  for (let at = text.indexOf(credential); at !== -1; at = text.indexOf(credential, at + 1)) {
    const [before, after] = [text[at - 1] ?? '', text[at + credential.length] ?? ''];
    if (!alnum.test(before) && !alnum.test(after)) return true;
  }
  return false;
}

function credentialFields(body: string, field: RegExp): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = Object.fromEntries(new URLSearchParams(body));
  }
  const walk = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || depth > 8) return;
    for (const [key, child] of Object.entries(value)) {
      if (field.test(key)) addCredential(child);
      walk(child, depth + 1);
    }
  };
  walk(parsed, 0);
}

function cookieValues(header: string): void {
  for (const pair of header.split(/;\s*/))
    addCredential(pair.slice(pair.indexOf('=') + 1), MIN_PRESENTED_LENGTH);
}

/**
 * Reads a body as it passes through one method of this stream instance (the request's push(), the response's
 * write() and end()); consumers see no change. `done` gets the text when the method is called with `last`.
 */
function tap<T extends object>(
  target: T,
  methods: (keyof T)[],
  isLast: (method: keyof T, chunk: unknown) => boolean,
  done: (text: string) => void,
): void {
  let text = '';
  for (const method of methods) {
    const original = target[method] as (...args: unknown[]) => unknown;
    (target[method] as unknown) = function (this: T, ...args: unknown[]) {
      const chunk = args[0];
      if ((typeof chunk === 'string' || Buffer.isBuffer(chunk)) && text.length < MAX_BODY)
        text += String(chunk);
      if (isLast(method, chunk)) done(text);
      return original.apply(this, args);
    };
  }
}

function watchRequest({ request, response }: { request: IncomingMessage; response: ServerResponse }): void {
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    for (const value of values ?? []) {
      if (name === 'cookie') cookieValues(value);
      else if (name === 'authorization' || /^\s*bearer\s/i.test(value))
        addCredential(BEARER.exec(value)?.[1], MIN_PRESENTED_LENGTH);
    }
  }
  // The request body arrives through push(); push(null) ends it.
  tap(
    request,
    ['push'],
    (_, chunk) => chunk === null,
    (body) => credentialFields(body, SENT_FIELD),
  );
  tap(
    response,
    ['write', 'end'],
    (method) => method === 'end',
    (body) => {
      credentialFields(body, RECEIVED_FIELD);
      for (const cookie of [response.getHeader('set-cookie') ?? []].flat())
        cookieValues(String(cookie).split(';')[0]);
    },
  );
}

subscribe('http.server.request.start', (message) =>
  watchRequest(message as Parameters<typeof watchRequest>[0]),
);

const recorder = recordEvents();
const record = (channel: string, message: unknown) => {
  for (const text of stringsOf(message))
    if (text.length >= MIN_LENGTH && !eventStrings.has(text)) eventStrings.set(text, channel);
};
// The recorder keeps every message; fold them into distinct strings as they come, so memory stays small.
const fold = () => {
  for (const { channel, message } of recorder.published.splice(0)) record(channel, message);
  for (const { event, context } of recorder.traces.splice(0)) record(`koa-jam:store ${event}`, context);
};
setInterval(fold, 200).unref();

export const mochaHooks = {
  afterAll(): void {
    fold();
    const leaks = findLeaks(eventStrings, wireCredentials);
    if (leaks.length > 0) {
      const shown = leaks
        .slice(0, 5)
        .map(
          (l) => `${l.channel}: ${JSON.stringify(l.credential)} in ${JSON.stringify(l.text.slice(0, 200))}`,
        );
      throw new Error(
        `${leaks.length} koa-jam event(s) carried a credential that went over the wire:\n${shown.join('\n')}`,
      );
    }
  },
};
