export { jamAuthorizationChecker, type JamAuthorizationOptions } from './jam-authorization-checker.js';
export { jamCurrentUserChecker, type JamCurrentUserOptions } from './jam-current-user-checker.js';
export { jamErrorHandler } from './jam-error-handler.js';
export type { LoadUser } from './load-user.js';
export { Payload } from './payload.js';
