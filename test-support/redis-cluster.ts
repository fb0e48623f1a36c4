import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';
import { redisAvailable, spawnRedis } from './redis-server.js';

const MASTERS = 3;
const READY_TIMEOUT_MS = 20_000;

/** A real 3-master Redis Cluster on loopback ports, started for a spec or a benchmark and stopped by pid. */
export interface RedisCluster {
  /** koa-jam's URL form: `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`. */
  url: string;
  ports: number[];
  /** Stops one master (SIGTERM, by pid): its slots answer nothing, and the cluster soon declares itself failed. */
  stopNode(index: number): Promise<void>;
  /** Starts that master again with its cluster config (and empty data); resolves once the cluster is ok. */
  startNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** Whether a cluster can be started: redis-server and redis-cli (which creates it) are both installed. */
export const redisClusterAvailable = redisAvailable && spawnSync('redis-cli', ['--version']).status === 0;

export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'koa-jam-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < MASTERS; i++) ports.push(await freePort());
  const args = (port: number) => [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(dir, `nodes-${port}.conf`),
    // A failed master is declared so within a second, not the default 15.
    '--cluster-node-timeout',
    '1000',
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  const nodes: (ChildProcess | undefined)[] = [];
  const stopNode = async (index: number) => {
    const node = nodes[index];
    nodes[index] = undefined;
    if (!node || node.exitCode !== null) return;
    const exited = new Promise((resolve) => node.once('exit', resolve));
    node.kill('SIGTERM');
    await exited;
  };
  const cluster: RedisCluster = {
    url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`,
    ports,
    stopNode,
    async startNode(index) {
      nodes[index] = await spawnRedis(ports[index], args(ports[index]));
      await waitUntilOk(ports);
    },
    async stop() {
      await Promise.all(ports.map((_, index) => stopNode(index)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const port of ports) nodes.push(await spawnRedis(port, args(port)));
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: READY_TIMEOUT_MS },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await waitUntilOk(ports);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** Every node reports `cluster_state:ok` (all slots served), or this throws after READY_TIMEOUT_MS. */
async function waitUntilOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const ok = (port: number) =>
    spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout?.includes(
      'cluster_state:ok',
    );
  while (!ports.every(ok)) {
    if (Date.now() > deadline) throw new Error(`the Redis Cluster on ${ports.join(', ')} did not become ok`);
    await sleep(100);
  }
}
