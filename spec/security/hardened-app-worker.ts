/**
 * An app process for the outage, many-process and soak runs: node hardened-app-worker.js '<HardenedJamOptions JSON>'.
 * It serves createHardenedApp on a random loopback port and reports to its parent (spec/helpers/app-process.ts).
 */
import { serveAppProcess } from '../helpers/app-process.js';
import { createHardenedApp, hardenedJam, type HardenedJamOptions } from './hardened-app.js';

const jam = hardenedJam(JSON.parse(process.argv[2] ?? '{}') as HardenedJamOptions);
serveAppProcess(createHardenedApp(jam), () => jam.close());
