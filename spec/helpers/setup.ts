// routing-controllers and Koa print stack traces in development mode; specs run as users deploy.
process.env.NODE_ENV ??= 'test';
