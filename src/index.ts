export { Jam } from './engine/jam.js';
export type { JamConfig } from './engine/jam-config.js';
export { JamError, isJamError, type JamErrorCode } from './engine/jam-error.js';
export type { JamPayload } from './engine/jam-payload.js';
export type { JwtAlgorithm } from './engine/jwt/jwt-algorithms.js';
export type { JwtOptions } from './engine/jwt/jwt-options.js';
export type { JwkSet, JwtKeyOptions, PublicJwk } from './engine/jwt/jwt-key-set.js';
export type { JwtListOptions } from './engine/jwt/jwt-list.js';
export type { TokenPair } from './engine/jwt/token-pairs.js';
export type { MakePayloadOptions, VerifyJwtOptions } from './engine/jwt/jwt-service.js';
export type { CacheStats } from './engine/jwt/verified-token-cache.js';

export { jamContext } from './koa/jam-context.js';
export { jamJwt, type JamJwtOptions } from './koa/jam-jwt.js';
export { jamJwks, type JamJwksOptions } from './koa/jam-jwks.js';
export { requirePayload } from './koa/require-payload.js';
export { fromBearerHeader, fromCookie, type TokenResolver } from './koa/token-resolvers.js';
export type { JamStatePayload, JamTypes } from './koa/koa-state.js';
