/** Retries `attempt` until it resolves, e.g. while a store reconnects; bounded (about 5 s), then rethrows. */
export async function eventually<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
