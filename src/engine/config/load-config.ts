import { readFileSync } from 'node:fs';
import type { JamConfig } from '../jam-config.js';
import { checkSection } from '../../shared/option-checks.js';
import { JamError } from '../jam-error.js';

const SECTIONS = ['jwt', 'session', 'otp', 'oauth2', 'passkeys', 'authz'] as const;
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
    // Never the parser's message: it quotes the text around the error, which may be a secret.
    throw JamError.config(`config file ${source} is not valid JSON${positionOf(err, text)}`, err);
  }
  checkSection(`config file ${source}`, parsed, SECTIONS);
  return substituteEnv(parsed, env, source, 'config') as JamConfig;
}

function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, file: string, path: string): unknown {
  if (typeof value === 'string') return substituteString(value, env, file, path);
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, file, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, file, `${path}.${k}`)]),
    );
  }
  return value;
}

/**
 * Replaces each ${VAR} / ${VAR:-default}. A `${` that is not part of a complete reference is refused: a nested
 * default (`${A:-${B}}`) would otherwise leave literal text such as `${B}` behind, and a secret made of that
 * text is public. Substituted values are not scanned again.
 */
function substituteString(value: string, env: NodeJS.ProcessEnv, file: string, path: string): string {
  if (value.replace(ENV_REFERENCE, (_match, _name, fallback?: string) => fallback ?? '').includes('${')) {
    throw JamError.config(
      `config file ${file}: ${path} holds a \`\${\` that is not a complete \${VAR} or \${VAR:-default} ` +
        'reference (nested defaults are not supported)',
    );
  }
  return value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw JamError.config(
      `config file ${file} uses \${${name}}, but ${name} is not set (write \${${name}:-default} for a default)`,
    );
  });
}

/** Where JSON.parse stopped, as line and column, when its message says (the message itself is not copied). */
function positionOf(err: unknown, text: string): string {
  const found = /at position (\d+)/.exec((err as Error)?.message ?? '');
  if (found === null) return '';
  const before = text.slice(0, Number(found[1]));
  const line = before.split('\n').length;
  return ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
}
