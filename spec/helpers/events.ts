import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { jamChannels, type JamEvents, type StoreCallContext } from 'koa-jam';

export type JamChannel = keyof JamEvents;
export interface Published {
  channel: JamChannel;
  message: JamEvents[JamChannel];
}

/** The `koa-jam:store` trace events, by name; each gets the call's context object. */
export const STORE_TRACE_EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;
export type StoreTraceEvent = (typeof STORE_TRACE_EVENTS)[number];
export type StoreTraceContext = StoreCallContext & { result?: unknown; error?: unknown };

/** Subscribes to every koa-jam channel and the store tracing channel until stop(). */
export function recordEvents() {
  const published: Published[] = [];
  const traces: { event: StoreTraceEvent; context: StoreTraceContext }[] = [];
  const listeners = jamChannels.map((channel) => {
    const listener = (message: unknown) =>
      published.push({ channel, message: message as Published['message'] });
    subscribe(channel, listener);
    return () => unsubscribe(channel, listener);
  });
  const handlers = Object.fromEntries(
    STORE_TRACE_EVENTS.map((event) => [
      event,
      (context: unknown) => traces.push({ event, context: { ...(context as StoreTraceContext) } }),
    ]),
  ) as unknown as Parameters<ReturnType<typeof tracingChannel>['subscribe']>[0];
  const store = tracingChannel('koa-jam:store');
  store.subscribe(handlers);
  return {
    published,
    traces,
    /** The messages of one channel, in order. */
    of<N extends JamChannel>(channel: N): JamEvents[N][] {
      return published.filter((p) => p.channel === channel).map((p) => p.message as JamEvents[N]);
    },
    clear() {
      published.length = 0;
      traces.length = 0;
    },
    stop() {
      for (const unsubscribeOne of listeners) unsubscribeOne();
      store.unsubscribe(handlers);
    },
  };
}

export type EventRecorder = ReturnType<typeof recordEvents>;

/** Every string the recorded messages carry, at any depth: for checks that a value never appears in one. */
export function stringsOfEvents(recorder: EventRecorder): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') found.push(value);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  recorder.published.forEach(({ message }) => walk(message));
  return found;
}
