import { expect } from 'chai';
import { race } from '../../test-support/race.js';
import { probeRacer } from './probe-racer.js';

/** Whether a process with this pid still runs. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('test-support: race()', function () {
  this.timeout(30_000);

  it('runs one process per input, all at once after the start barrier, and answers in input order', async () => {
    const results = await race(probeRacer, [{ behave: 'answer', ms: 1000 }, { behave: 'answer' }]);
    const [slow, fast] = results;
    expect(new Set(results.map((r) => r.pid)).size).to.equal(2);
    expect(fast.end - fast.start).to.be.below(slow.end - slow.start);
    // Started together: the quick one began before the slow one was done.
    expect(fast.start).to.be.below(slow.end);
    for (const { pid } of results) expect(running(pid), `pid ${pid}`).to.equal(false);
  });

  it('fails with the error of a racer that throws, and stops the others', async () => {
    const err = await race(probeRacer, [{ behave: 'answer' }, { behave: 'throw' }]).catch((e: Error) => e);
    expect(err).to.be.an('error').with.property('message').that.includes('the probe failed on purpose');
  });

  it('is bounded: a racer that hangs fails the race after timeoutMs and is killed by its pid', async () => {
    const err = await race(probeRacer, [{ behave: 'hang' }], { timeoutMs: 500 }).catch((e: Error) => e);
    expect(err).to.be.an('error').with.property('message').that.includes('no answer within 500 ms');
    const pid = Number(/pid (\d+)/.exec((err as Error).message)![1]);
    expect(running(pid), `pid ${pid}`).to.equal(false);
  });
});
