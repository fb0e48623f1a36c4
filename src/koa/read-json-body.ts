import type { Context } from 'koa';
import { JamError } from '../engine/jam-error.js';

/**
 * The request's JSON body: the one a body parser already read, or read here up to `limit` bytes. Only
 * `application/json` is accepted: a cross-site page cannot send it without a CORS preflight.
 */
export async function readJsonBody(ctx: Context, limit: number): Promise<unknown> {
  if (!ctx.is('application/json')) throw JamError.badRequest('the body must be application/json');
  const parsed = (ctx.request as { body?: unknown }).body;
  if (parsed !== undefined) return parsed;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw JamError.badRequest(`the body is over ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw JamError.badRequest('the body is not JSON', err);
  }
}
