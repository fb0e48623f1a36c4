import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateEcKeyPair,
  generateEncryptionKey,
  generateRsaKeyPair,
  generateSecretKey,
} from '../engine/keys/generate-keys.js';
import { generateOtpSecret } from '../engine/otp/otp-secret.js';
import { parseCommandArgs } from './cli-args.js';
import { UsageError } from './usage-error.js';

export const KEYS_HELP = `Usage: koa-jam keys <kind> [--out DIR]

Prints new random keys, or writes them into DIR (created if missing; existing files are never overwritten).

Kinds:
  hs256        a secret for HS256/384/512       (jwt.secretKey, JAM_JWT_SECRET_KEY)   -> DIR/hs256.key
  rs256        an RSA 2048 key pair, PEM         (jwt.privateKey / jwt.publicKey)      -> DIR/rs256-private.pem, rs256-public.pem
  es256        an EC P-256 key pair, PEM         (jwt.privateKey / jwt.publicKey)      -> DIR/es256-private.pem, es256-public.pem
  encryption   32 bytes for session id sealing   (session.encryptionKey)               -> DIR/encryption.key
  otp          a 160-bit base32 OTP secret       (one per user, for getOtpUri)          -> DIR/otp-secret.txt

Options:
  --out DIR    write files instead of printing; secrets and private keys get mode 600
  -h, --help   show this help
`;

interface KeyFile {
  name: string;
  content: string;
  secret: boolean;
}

const KINDS: Record<string, () => Promise<KeyFile[]>> = {
  hs256: async () => [{ name: 'hs256.key', content: generateSecretKey(), secret: true }],
  rs256: async () => pairFiles('rs256', await generateRsaKeyPair()),
  es256: async () => pairFiles('es256', await generateEcKeyPair('P-256')),
  encryption: async () => [{ name: 'encryption.key', content: generateEncryptionKey(), secret: true }],
  otp: async () => [{ name: 'otp-secret.txt', content: generateOtpSecret(), secret: true }],
};

export async function keysCommand(args: string[]): Promise<number> {
  const { help, options, positionals } = parseCommandArgs('keys', args, ['out']);
  if (help) return printHelp();
  const [kind, ...extra] = positionals;
  if (kind === undefined)
    throw new UsageError('which kind of key? one of: ' + Object.keys(KINDS).join(', '), 'keys');
  const make = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (!make)
    throw new UsageError(`unknown kind of key: ${kind} (one of: ${Object.keys(KINDS).join(', ')})`, 'keys');
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`, 'keys');
  const files = await make();
  if (options.out === undefined) {
    for (const file of files)
      process.stdout.write(file.content.endsWith('\n') ? file.content : `${file.content}\n`);
    return 0;
  }
  await writeKeyFiles(options.out, files);
  return 0;
}

function pairFiles(prefix: string, pair: { privateKey: string; publicKey: string }): KeyFile[] {
  return [
    { name: `${prefix}-private.pem`, content: pair.privateKey, secret: true },
    { name: `${prefix}-public.pem`, content: pair.publicKey, secret: false },
  ];
}

async function writeKeyFiles(dir: string, files: KeyFile[]): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Checked for all files first, so a pair is never left half written.
  const existing = files.map((file) => join(dir, file.name)).filter((path) => existsSync(path));
  if (existing.length > 0) throw new UsageError(`${existing.join(', ')} already exists; not overwriting it`);
  for (const file of files) {
    const path = join(dir, file.name);
    const content = file.content.endsWith('\n') ? file.content : `${file.content}\n`;
    try {
      // 'wx': never replace a key that may already be in use.
      await writeFile(path, content, { flag: 'wx', mode: file.secret ? 0o600 : 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new UsageError(`${path} already exists; not overwriting it`);
      throw err;
    }
    process.stdout.write(`wrote ${path}\n`);
  }
}

function printHelp(): number {
  process.stdout.write(KEYS_HELP);
  return 0;
}
