import { createHash, timingSafeEqual } from 'node:crypto';

/** A stand-in user database for the examples. Real apps store password hashes, never passwords. */
export interface DemoUser {
  id: number;
  username: string;
  roles: string[];
}

const USERS: Record<string, DemoUser & { password: string }> = {
  alice: { id: 1, username: 'alice', roles: ['user'], password: 'alice-password' },
  root: { id: 2, username: 'root', roles: ['user', 'admin'], password: 'root-password' },
};

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The user when the password matches, compared in constant time; undefined otherwise. */
export function checkCredentials(username: unknown, password: unknown): DemoUser | undefined {
  if (typeof username !== 'string' || typeof password !== 'string') return undefined;
  const user = Object.hasOwn(USERS, username) ? USERS[username] : undefined;
  const ok = timingSafeEqual(digest(password), digest(user?.password ?? ''));
  if (!user || !ok) return undefined;
  return { id: user.id, username: user.username, roles: user.roles };
}
