/** Race specs create hundreds of sessions of one key: a `session.maxPerKey` they never reach, so none is pushed out. */
export const MANY_SESSIONS = 10_000;
