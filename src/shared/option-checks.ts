import { JamError } from '../engine/jam-error.js';

/**
 * Validation helpers for config sections and middleware options, shared by every layer; every failure is an
 * ERR_CONFIG naming the option.
 */

export function checkSection(
  path: string,
  value: unknown,
  allowed: readonly string[],
): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw JamError.config(`${path} must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw JamError.config(`unknown option ${path}.${key} (known: ${allowed.join(', ')})`);
    }
  }
  return value as Record<string, unknown>;
}

export function checkPositiveNumber(path: string, value: unknown, { integer = false } = {}): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw JamError.config(
      `${path} must be a positive ${integer ? 'integer' : 'number'}, got ${describe(value)}`,
    );
  }
  return value;
}

export function checkNonNegativeNumber(path: string, value: unknown, { integer = false } = {}): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw JamError.config(
      `${path} must be ${integer ? 'an integer' : 'a number'} >= 0, got ${describe(value)}`,
    );
  }
  return value;
}

export function checkBoolean(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw JamError.config(`${path} must be true or false, got ${describe(value)}`);
  return value;
}

export function checkOneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw JamError.config(`${path} must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function checkString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw JamError.config(`${path} must be a non-empty string`);
  return value;
}

/** Describes a bad value without echoing strings, which may be secrets. */
function describe(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

export function checkFunction<T>(path: string, value: T): T {
  if (typeof value !== 'function')
    throw JamError.config(`${path} must be a function, got ${describe(value)}`);
  return value;
}
