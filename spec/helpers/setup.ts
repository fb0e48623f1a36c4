// routing-controllers and Koa print stack traces in development mode; specs run as users deploy.
process.env.NODE_ENV ??= 'test';

// Every spec run checks that no koa-jam event carries a credential that went over the wire.
export { mochaHooks } from './event-leak-watch.js';
