#!/usr/bin/env node
// Rewrites the generated tables of docs/*.md from the source (run on the built dist/: `npm run docs:options`):
// - between `<!-- options:SECTION -->` and `<!-- /options:SECTION -->`, the options of SECTION's schema;
// - between `<!-- errors -->` and `<!-- /errors -->`, the codes of JAM_ERROR_CODES.
// With --check it changes nothing and fails when a table is stale or a marker names no known section;
// --docs=DIR reads another folder than docs/ (the spec's copies).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => createRequire(import.meta.url)(join(ROOT, 'dist', path));

/** The schema of each section, by the name its marker carries: [module in dist/, exported schema]. */
const SECTIONS = {
  jwt: ['engine/jwt/jwt-options.js', 'JWT_OPTIONS'],
  'jwt.cache': ['engine/jwt/jwt-options.js', 'JWT_CACHE_OPTIONS'],
  'jwt.keys': ['engine/jwt/jwt-key-set.js', 'JWT_KEY_OPTIONS'],
  'jwt.list': ['engine/jwt/jwt-list-options.js', 'JWT_LIST_OPTIONS'],
  'jwt.jwks': ['engine/jwt/remote-jwks-options.js', 'JWT_JWKS_OPTIONS'],
  session: ['engine/session/session-options.js', 'SESSION_OPTIONS'],
  otp: ['engine/otp/otp-options.js', 'OTP_OPTIONS'],
  authz: ['engine/authz/authz-options.js', 'AUTHZ_OPTIONS'],
  passkeys: ['engine/passkeys/passkey-options.js', 'PASSKEY_OPTIONS'],
  oauth2: ['engine/oauth2/oauth2-options.js', 'OAUTH2_OPTIONS'],
  'oauth2.providers': ['engine/oauth2/oauth2-options.js', 'OAUTH2_PROVIDER_OPTIONS'],
  jamJwt: ['koa/jam-jwt.js', 'JAM_JWT_OPTIONS'],
  jamJwks: ['koa/jam-jwks.js', 'JAM_JWKS_OPTIONS'],
  jamSession: ['koa/jam-session.js', 'JAM_SESSION_OPTIONS'],
  'jamSession.cookie': ['koa/session-cookie.js', 'SESSION_COOKIE_ATTRIBUTES'],
  jamCsrf: ['koa/jam-csrf.js', 'JAM_CSRF_OPTIONS'],
  jamOAuth2: ['koa/jam-oauth2.js', 'JAM_OAUTH2_OPTIONS'],
  jamPasskeys: ['koa/jam-passkeys.js', 'JAM_PASSKEYS_OPTIONS'],
  jamAuthorizationChecker: ['routing-controllers/jam-authorization-checker.js', 'JAM_AUTHORIZATION_OPTIONS'],
  jamCurrentUserChecker: ['routing-controllers/jam-current-user-checker.js', 'JAM_CURRENT_USER_OPTIONS'],
  Payload: ['routing-controllers/payload.js', 'PAYLOAD_OPTIONS'],
  sessionCookie: ['testing/test-jam.js', 'TEST_SESSION_OPTIONS'],
};

const { JAM_ERROR_CODES } = dist('engine/jam-error.js');

/** A section's options as the docs show them: option, default, meaning. */
function optionsTable(schema) {
  const defaultText = (spec) => {
    if (spec.defaultDoc !== undefined) return spec.defaultDoc;
    if (spec.required) return '(required)';
    if (spec.default === undefined) return '—';
    return `\`${typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default)}\``;
  };
  const rows = Object.entries(schema).map(([key, spec]) => [`\`${key}\``, defaultText(spec), spec.doc]);
  return markdownTable(['option', 'default', 'meaning'], rows);
}

/** A Markdown table laid out as prettier lays it out, so generated pages pass `prettier --check`. */
function markdownTable(header, rows) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function generated(name) {
  if (name === 'errors') {
    const rows = Object.entries(JAM_ERROR_CODES).map(([code, { status, when }]) => [
      `\`${code}\``,
      String(status),
      when,
    ]);
    return markdownTable(['code', 'status', 'when'], rows);
  }
  const section = SECTIONS[name.replace(/^options:/, '')];
  if (!name.startsWith('options:') || section === undefined) return undefined;
  return optionsTable(dist(section[0])[section[1]]);
}

const check = process.argv.includes('--check');
const MARKED = /<!-- ((?:options:[\w.@]+)|errors) -->\n[\s\S]*?<!-- \/\1 -->/g;
const problems = [];
const docs =
  process.argv.find((arg) => arg.startsWith('--docs='))?.slice('--docs='.length) ?? join(ROOT, 'docs');
for (const file of readdirSync(docs).filter((name) => name.endsWith('.md'))) {
  const path = join(docs, file);
  const text = readFileSync(path, 'utf8');
  const updated = text.replace(MARKED, (block, name) => {
    const table = generated(name);
    if (table === undefined) {
      problems.push(`${file}: <!-- ${name} --> names no known section`);
      return block;
    }
    return `<!-- ${name} -->\n\n${table}\n\n<!-- /${name} -->`;
  });
  if (updated === text) continue;
  if (check) problems.push(`${file}: generated tables are stale; run npm run docs:options`);
  else {
    writeFileSync(path, updated);
    console.log(`${file}: tables rewritten`);
  }
}
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
