export { TestJam, createTestJam, type TestJamConfig, type TestSessionOptions } from './test-jam.js';
