import { hashPassword, needsRehash, verifyPassword } from '../engine/password/hash-password.js';
import { parseCommandArgs } from './cli-args.js';
import { readSecret } from './read-secret.js';
import { UsageError } from './usage-error.js';

export const PASSWORD_HELP = `Usage: koa-jam password hash
       koa-jam password verify <stored-hash>

The password is read from a hidden prompt, or from stdin when it is piped (one trailing newline is
dropped); never from the command line, where other users of the machine could see it.

  hash     prints a scrypt hash of the password (the format hashPassword() writes)
  verify   exit code 0 when the password matches <stored-hash> (quote it: it contains '$'), 1 when not

Options:
  -h, --help   show this help
`;

export async function passwordCommand(args: string[]): Promise<number> {
  const { help, positionals } = parseCommandArgs('password', args);
  if (help) {
    process.stdout.write(PASSWORD_HELP);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (action === 'hash') {
    if (rest.length > 0) {
      throw new UsageError(
        'password hash takes no argument: the password is read from the prompt or stdin',
        'password',
      );
    }
    process.stdout.write(`${await hashPassword(await readSecret('Password', { confirm: true }))}\n`);
    return 0;
  }
  if (action === 'verify') {
    if (rest.length !== 1)
      throw new UsageError('password verify needs exactly one argument: the stored hash', 'password');
    const [stored] = rest;
    const rehash = needsRehash(stored); // also rejects a malformed hash before the prompt
    if (!(await verifyPassword(await readSecret('Password'), stored))) {
      process.stdout.write('no match\n');
      return 1;
    }
    process.stdout.write(rehash ? 'match (made with older parameters: store a new hash)\n' : 'match\n');
    return 0;
  }
  throw new UsageError(
    action === undefined ? 'missing command: hash or verify' : `unknown password command: ${action}`,
    'password',
  );
}
