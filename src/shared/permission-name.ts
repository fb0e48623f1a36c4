import { JamError } from '../engine/jam-error.js';

/** `resource:action` names: non-empty segments separated by `:`, with no space and no `*`. */
const PERMISSION = /^[^\s:*]+(?::[^\s:*]+)*$/;

/** A permission a route requires (from code, not from a token); ERR_INVALID_ARGUMENT when malformed. */
export function checkPermissionName(owner: string, permission: unknown): string {
  if (typeof permission !== 'string' || !PERMISSION.test(permission)) {
    throw JamError.invalidArgument(
      `${owner}: a required permission must be a string of non-empty segments separated by ':', ` +
        `without spaces or '*'`,
    );
  }
  return permission;
}

/** The required permissions of a guard: one name or a non-empty array of them, all required. */
export function checkPermissionList(owner: string, required: unknown): readonly string[] {
  const list = Array.isArray(required) ? required : [required];
  if (list.length === 0) {
    throw JamError.invalidArgument(`${owner}: name at least one required permission`);
  }
  return list.map((permission) => checkPermissionName(owner, permission));
}
