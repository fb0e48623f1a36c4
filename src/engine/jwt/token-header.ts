/** The protected header of a compact JWT, parsed without trusting it; undefined when absent or malformed. */
export function tokenHeaderOf(token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    return header !== null && typeof header === 'object' && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
