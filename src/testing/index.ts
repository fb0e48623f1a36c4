export {
  TestJam,
  createTestJam,
  type TestJamConfig,
  type TestJamOptions,
  type TestSessionOptions,
} from './test-jam.js';
export { TestClock } from './test-clock.js';
