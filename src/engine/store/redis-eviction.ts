/** The part of a node-redis client the check needs. */
interface ConfigReader {
  configGet(parameters: string[]): Promise<Record<string, string>>;
}

/**
 * Why this Redis cannot hold koa-jam's data, or undefined. A Redis with a memory limit and any policy but
 * `noeviction` drops keys when full: a session generation (so sessions a clearSessions ended come back), a
 * black-list entry or a spent refresh token (so a revoked or reused token passes). koa-jam's keys must never
 * be evicted. Undefined too when CONFIG is not allowed (managed Redis): the requirement is documented.
 */
export async function evictionProblem(client: ConfigReader): Promise<string | undefined> {
  let config: Record<string, string>;
  try {
    config = await client.configGet(['maxmemory', 'maxmemory-policy']);
  } catch {
    return undefined;
  }
  const policy = config['maxmemory-policy'];
  if (Number(config.maxmemory) === 0 || policy === undefined || policy === 'noeviction') return undefined;
  return `Redis may evict koa-jam's keys (maxmemory-policy ${policy}): set maxmemory-policy noeviction`;
}
