import { Jam } from '../engine/jam.js';
import { isJamError } from '../engine/jam-error.js';
import { parseCommandArgs } from './cli-args.js';
import { readAll } from './read-secret.js';
import { UsageError } from './usage-error.js';

export const TOKEN_HELP = `Usage: koa-jam token decode <token>
       koa-jam token verify <token> --config FILE

  decode   prints the header and payload WITHOUT checking the signature: anyone can write these contents
  verify   checks the token with the Jam config FILE (JSON, \${VAR} allowed), prints header and payload;
           exit code 0 when valid, 1 when not (the reason goes to stderr)

<token> may be '-' to read it from stdin, which keeps it out of the shell history and the process list.

Options:
  --config FILE   the Jam config (verify)
  -h, --help      show this help
`;

export async function tokenCommand(args: string[]): Promise<number> {
  const { help, options, positionals } = parseCommandArgs('token', args, ['config']);
  if (help) {
    process.stdout.write(TOKEN_HELP);
    return 0;
  }
  const [action, given, ...extra] = positionals;
  if (action !== 'decode' && action !== 'verify') {
    const problem =
      action === undefined ? 'missing command: decode or verify' : `unknown token command: ${action}`;
    throw new UsageError(problem, 'token');
  }
  if (given === undefined) throw new UsageError(`token ${action} needs the token (or - for stdin)`, 'token');
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`, 'token');
  const { config } = options;
  if (action === 'decode' && config !== undefined) throw new UsageError('decode takes no --config', 'token');
  if (action === 'verify' && config === undefined)
    throw new UsageError('token verify needs --config FILE', 'token');
  const token = given === '-' ? (await readAll(process.stdin)).trim() : given;
  const header = decodeSegment(token, 0, 'header');
  if (config === undefined) {
    process.stderr.write(
      'NOT VERIFIED: the signature was not checked; use `koa-jam token verify` for that\n',
    );
    print({ verified: false, header, payload: decodeSegment(token, 1, 'payload') });
    return 0;
  }
  const jam = new Jam(config);
  try {
    print({ verified: true, header, payload: await jam.verifyJwtToken(token) });
    return 0;
  } catch (err) {
    if (!isJamError(err) || err.code === 'ERR_CONFIG') throw err;
    process.stderr.write(`not valid: ${err.message} (${err.code})\n`);
    return 1;
  } finally {
    await jam.close();
  }
}

function decodeSegment(token: string, index: number, name: string): unknown {
  const segment = token.split('.')[index];
  try {
    if (!segment || !/^[A-Za-z0-9_-]+$/.test(segment)) throw new Error('not base64url');
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new UsageError(`not a JWT: its ${name} is not base64url-encoded JSON`, 'token');
  }
}

/**
 * Control (C0, C1), format (bidi overrides, zero-width) and line/paragraph separator characters, and
 * anything unassigned: JSON.stringify escapes only C0 controls, and a terminal acts on the others. (A raw
 * newline can only be the indentation's: JSON.stringify escapes those in strings.)
 */
const NON_PRINTING = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cn}\p{Co}]/gu;

/** JSON with every non-printing character escaped: what a token holds cannot drive the terminal. */
function print(value: unknown): void {
  const json = JSON.stringify(value, null, 2).replace(NON_PRINTING, (c) =>
    c
      .split('') // UTF-16 units: an astral character is escaped as its surrogate pair
      .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join(''),
  );
  process.stdout.write(`${json}\n`);
}
