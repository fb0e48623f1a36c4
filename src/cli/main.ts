#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJamError } from '../engine/jam-error.js';
import { keysCommand } from './keys-command.js';
import { passwordCommand } from './password-command.js';
import { tokenCommand } from './token-command.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: koa-jam <command> [...]

Commands:
  keys <kind> [--out DIR]              new keys: hs256, rs256, es256, encryption, otp
  password hash | verify <hash>        hash a password, or check one against a stored hash
  token decode <token>                 show a JWT's header and payload, NOT verified
  token verify <token> --config FILE   verify a JWT with a Jam config

Run 'koa-jam <command> --help' for details. Exit codes: 0 done, 1 no (no match, invalid token), 2 bad input.
`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  keys: keysCommand,
  password: passwordCommand,
  token: tokenCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) throw new UsageError(`unknown command: ${command}`);
  return run(args);
}

// `koa-jam keys rs256 | head -1` closes the pipe early: not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(
        `koa-jam: ${err.message}\nRun 'koa-jam ${err.group ? `${err.group} ` : ''}--help' for usage.\n`,
      );
    } else if (isJamError(err) || typeof (err as NodeJS.ErrnoException)?.code === 'string') {
      // koa-jam's own errors and the system's (a file that cannot be written) speak for themselves.
      const { message, code } = err as NodeJS.ErrnoException;
      process.stderr.write(`koa-jam: ${message} (${code})\n`);
    } else {
      process.stderr.write(`koa-jam: ${(err as Error)?.stack ?? String(err)}\n`);
    }
    process.exitCode = 2;
  },
);
