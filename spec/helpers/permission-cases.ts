import type { JamConfig } from 'koa-jam';
import { SECRET } from './keys.js';

/** What the guards of the permission specs require; each also names a route (`/<name>`). */
export const REQUIREMENTS = {
  ordersRead: 'orders:read',
  orders: 'orders',
  itemsRead: 'orders:items:read',
  aX: 'orders:a:x',
  aBX: 'orders:a:b:x',
  billingDelete: 'billing:delete',
  readAndWrite: ['orders:read', 'orders:write'],
} as const;

export type Requirement = keyof typeof REQUIREMENTS;

export const PERMISSION_CONFIG: JamConfig = {
  jwt: { secretKey: SECRET },
  authz: { claims: ['permissions', 'scope'], deny: ['billing:delete'] },
};

export interface PermissionCase {
  name: string;
  claims: Record<string, unknown>;
  /** The requirements these claims satisfy; every other one is refused. */
  allowed: Requirement[];
}

/** One table, run through jam.isAllowed, requirePermission and a decorated controller. */
export const PERMISSION_CASES: PermissionCase[] = [
  { name: 'an exact grant', claims: { permissions: ['orders:read'] }, allowed: ['ordersRead'] },
  {
    name: 'a trailing * (one or more deeper segments, not the parent)',
    claims: { permissions: ['orders:*'] },
    allowed: ['ordersRead', 'itemsRead', 'aX', 'aBX', 'readAndWrite'],
  },
  { name: 'a parent name, which grants no child', claims: { permissions: ['orders'] }, allowed: ['orders'] },
  { name: 'a middle * (exactly one segment)', claims: { permissions: ['orders:*:x'] }, allowed: ['aX'] },
  {
    name: '* alone (everything but what authz.deny names)',
    claims: { permissions: ['*'] },
    allowed: ['ordersRead', 'orders', 'itemsRead', 'aX', 'aBX', 'readAndWrite'],
  },
  {
    name: 'a grant covered by authz.deny',
    claims: { permissions: ['billing:*', 'billing:delete'] },
    allowed: [],
  },
  { name: 'another case', claims: { permissions: ['Orders:read', 'orders:READ', 'ORDERS'] }, allowed: [] },
  {
    name: 'empty segments',
    claims: { permissions: ['orders::read', 'orders:', ':read', '', ':', 'orders:read:', '*:'] },
    allowed: [],
  },
  {
    name: 'untrimmed grants in an array',
    claims: { permissions: [' orders:read', 'orders:read ', 'orders :read', 'orders: read'] },
    allowed: [],
  },
  {
    name: 'a scope string with extra spaces',
    claims: { scope: '  orders:read    orders:write ' },
    allowed: ['ordersRead', 'readAndWrite'],
  },
  { name: 'a scope string split by tabs', claims: { scope: 'orders:read\torders:write' }, allowed: [] },
  {
    name: 'grants from both claims together',
    claims: { permissions: ['orders:read'], scope: 'orders:write' },
    allowed: ['ordersRead', 'readAndWrite'],
  },
  {
    name: 'patterns that are not patterns',
    claims: { permissions: ['orders:.*', 'orders:re+ad', 'orders:r?ad', 'orders:re*', '**', 'orders:**'] },
    allowed: [],
  },
  { name: 'an array with a non-string value', claims: { permissions: ['orders:read', 42] }, allowed: [] },
  {
    name: 'non-string claim values',
    claims: { permissions: { orders: 'read' }, scope: 7 },
    allowed: [],
  },
  { name: 'nested arrays and null', claims: { permissions: [['orders:read']], scope: null }, allowed: [] },
  { name: 'another claim (roles)', claims: { roles: ['orders:read', '*'] }, allowed: [] },
  { name: 'no claims', claims: {}, allowed: [] },
];

export const REQUIREMENT_NAMES = Object.keys(REQUIREMENTS) as Requirement[];
