import { readFileSync } from 'node:fs';
import type { JamConfig } from '../jam-config.js';
import { checkSection } from '../../shared/option-checks.js';
import { JamError } from '../jam-error.js';

const SECTIONS = ['jwt', 'session', 'otp'] as const;
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Accepts a config object, or the path of a JSON file whose strings may use ${VAR} / ${VAR:-default}. */
export function loadConfig(
  source: JamConfig | string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): JamConfig {
  if (source === undefined) return {};
  if (typeof source !== 'string') {
    checkSection('config', source, SECTIONS);
    return source;
  }
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (err) {
    throw JamError.config(
      `cannot read config file ${source}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      err,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw JamError.config(`config file ${source} is not valid JSON: ${(err as Error).message}`, err);
  }
  checkSection(`config file ${source}`, parsed, SECTIONS);
  return substituteEnv(parsed, env, source) as JamConfig;
}

function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, file: string): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw JamError.config(
        `config file ${file} uses \${${name}}, but ${name} is not set (write \${${name}:-default} for a default)`,
      );
    });
  }
  if (Array.isArray(value)) return value.map((item) => substituteEnv(item, env, file));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, file)]));
  }
  return value;
}
