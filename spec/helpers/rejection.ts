import { expect } from 'chai';
import { JamError, type JamErrorCode } from 'koa-jam';

/** Awaits a promise that must reject with a JamError of `code`, and returns the error. */
export async function rejection(promise: Promise<unknown>, code: JamErrorCode): Promise<JamError> {
  const err = await promise.then(
    () => expect.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(JamError);
  expect((err as JamError).code, (err as Error).message).to.equal(code);
  return err as JamError;
}
