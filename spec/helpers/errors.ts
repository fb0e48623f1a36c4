import { expect } from 'chai';
import { JamError, type JamErrorCode } from 'koa-jam';

/** Awaits a promise that must reject with a JamError of `code`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: JamErrorCode): Promise<JamError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (err: unknown) => ({ err }),
  );
  if (!('err' in outcome)) return expect.fail(`expected ${code}, got a result`);
  expect(outcome.err).to.be.instanceOf(JamError);
  expect((outcome.err as JamError).code).to.equal(code);
  return outcome.err as JamError;
}

/** Calls `fn`, which must throw a JamError of `code` synchronously; returns the error. */
export function throwsWith(fn: () => unknown, code: JamErrorCode): JamError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(JamError).with.property('code', code);
    return err as JamError;
  }
  return expect.fail(`expected ${code}`);
}
