import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Jam, hashPassword, verifyPassword } from 'koa-jam';
import { SECRET } from '../helpers/keys.js';
import { CLI_PATH, runCli } from '../helpers/run-cli.js';
import { craftToken } from '../helpers/tokens.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'koa-jam-cli-'));
const CHEAP = { cost: 2 ** 10, blockSize: 8, parallelization: 1 };

async function roundTrip(jwt: ConstructorParameters<typeof Jam>[0] & object): Promise<void> {
  const jam = new Jam(jwt);
  const payload = jam.makePayload({ sub: 'cli' });
  expect(await jam.verifyJwtToken(await jam.genJwtToken(payload))).to.deep.equal(payload);
}

describe('the koa-jam CLI', () => {
  it('is the package bin, with a node shebang', () => {
    expect(readFileSync(CLI_PATH, 'utf8')).to.match(/^#!\/usr\/bin\/env node\n/);
  });

  it('prints help for itself and each command, and exits 2 without a command', async () => {
    const bare = await runCli([]);
    expect(bare.code).to.equal(2);
    expect(bare.stdout).to.contain('Usage: koa-jam <command>');
    for (const args of [['--help'], ['keys', '--help'], ['password', '-h'], ['token', 'verify', '--help']]) {
      const { code, stdout } = await runCli(args);
      expect(code, args.join(' ')).to.equal(0);
      expect(stdout, args.join(' ')).to.match(/^Usage: koa-jam/);
    }
  });

  it('exits 2 with a clear message on an unknown command, kind or option', async () => {
    for (const [args, message] of [
      [['fly'], 'unknown command: fly'],
      [['keys', 'hs999'], 'unknown kind of key: hs999'],
      [['keys'], 'which kind of key?'],
      [['keys', 'otp', '--colour'], 'unknown option --colour'],
      [['keys', 'otp', '--out'], "'--out"],
      [['token', 'frob', 'x'], 'unknown token command: frob'],
    ] as const) {
      const { code, stderr } = await runCli([...args]);
      expect(code, args.join(' ')).to.equal(2);
      expect(stderr, args.join(' ')).to.contain(message).and.to.contain('--help');
    }
  });

  describe('keys', () => {
    it('prints keys that Jam accepts: hs256, rs256, es256', async () => {
      const hs = await runCli(['keys', 'hs256']);
      expect(hs.code).to.equal(0);
      await roundTrip({ jwt: { alg: 'HS512', secretKey: hs.stdout.trim() } });
      for (const alg of ['RS256', 'ES256'] as const) {
        const { code, stdout } = await runCli(['keys', alg.toLowerCase()]);
        expect(code).to.equal(0);
        const [privateKey, publicKey] = stdout.split(/(?<=-----END PRIVATE KEY-----\n)/);
        expect(publicKey).to.match(/^-----BEGIN PUBLIC KEY-----/);
        await roundTrip({ jwt: { alg, privateKey, publicKey } });
      }
    });

    it('prints an encryption key and an OTP secret', async () => {
      const encryption = await runCli(['keys', 'encryption']);
      expect(Buffer.from(encryption.stdout.trim(), 'base64url')).to.have.length(32);
      await new Jam({ session: { encryptionKey: encryption.stdout.trim() } }).close();
      const otp = await runCli(['keys', 'otp']);
      expect(otp.stdout.trim()).to.match(/^[A-Z2-7]{32}$/);
      expect(new Jam({ otp: {} }).getOtpCode(otp.stdout.trim())).to.match(/^\d{6}$/);
    });

    it('--out writes files, private ones readable by the owner only, and never overwrites', async () => {
      const dir = join(tempDir(), 'keys');
      const first = await runCli(['keys', 'rs256', '--out', dir]);
      expect(first.code).to.equal(0);
      expect(first.stdout).not.to.contain('PRIVATE KEY');
      expect(statSync(join(dir, 'rs256-private.pem')).mode & 0o777).to.equal(0o600);
      expect(statSync(join(dir, 'rs256-public.pem')).mode & 0o777).to.equal(0o644);
      const privateKey = readFileSync(join(dir, 'rs256-private.pem'), 'utf8');
      await roundTrip({ jwt: { alg: 'RS256', privateKey } });

      const again = await runCli(['keys', 'rs256', '--out', dir]);
      expect(again.code).to.equal(2);
      expect(again.stderr).to.contain('already exists');
      expect(readFileSync(join(dir, 'rs256-private.pem'), 'utf8')).to.equal(privateKey);

      expect((await runCli(['keys', 'hs256', '--out', dir])).code).to.equal(0);
      expect(statSync(join(dir, 'hs256.key')).mode & 0o777).to.equal(0o600);

      const intoFile = await runCli(['keys', 'otp', '--out', join(dir, 'hs256.key')]);
      expect(intoFile.code).to.equal(2);
      expect(intoFile.stderr).to.match(/^koa-jam: .*hs256\.key.*\(E[A-Z]+\)\n$/);
    });
  });

  describe('password', () => {
    it('hash reads the password from stdin and prints a hash that verifyPassword accepts', async () => {
      const { code, stdout } = await runCli(['password', 'hash'], { input: 'pässword with spaces\n' });
      expect(code).to.equal(0);
      const stored = stdout.trim();
      expect(stored).to.match(/^\$scrypt\$ln=15,r=8,p=3\$/);
      expect(await verifyPassword('pässword with spaces', stored)).to.equal(true);
    });

    it('refuses a password on the command line, and an empty one', async () => {
      const argv = await runCli(['password', 'hash', 'hunter2']);
      expect(argv.code).to.equal(2);
      expect(argv.stderr).to.contain('takes no argument');
      expect((await runCli(['password', 'hash'], { input: '\n' })).code).to.equal(2);
    });

    it('verify exits 0 on a match (noting old parameters), 1 on a mismatch, 2 on a malformed hash', async () => {
      const stored = await hashPassword('hunter2', CHEAP);
      const match = await runCli(['password', 'verify', stored], { input: 'hunter2\n' });
      expect(match).to.include({ code: 0 });
      expect(match.stdout).to.contain('match (made with older parameters');
      const miss = await runCli(['password', 'verify', stored], { input: 'hunter3\n' });
      expect(miss).to.include({ code: 1, stdout: 'no match\n' });
      const bad = await runCli(['password', 'verify', 'plain'], { input: 'hunter2\n' });
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain('ERR_INVALID_ARGUMENT');
    });

    it('prompts without echo on a terminal, asking twice', async function () {
      if (spawnSync('script', ['--version']).status !== 0) {
        console.log('      (skipped: util-linux `script` is not installed to provide a terminal)');
        return this.skip();
      }
      const command = `'${process.execPath}' '${CLI_PATH}' password hash`;
      const child = spawn('script', ['-qec', command, '/dev/null'], { timeout: 20_000 });
      let output = '';
      const waitFor = (text: string) =>
        new Promise<void>((resolve) => {
          const check = () => output.includes(text) && (child.stdout.off('data', check), resolve());
          child.stdout.on('data', check);
          check();
        });
      child.stdout.on('data', (chunk) => (output += chunk));
      const exited = new Promise((resolve) => child.once('close', resolve));
      await waitFor('Password: ');
      child.stdin.write('terminal secret\r');
      await waitFor('Repeat password: ');
      child.stdin.write('terminal secret\r');
      expect(await exited).to.equal(0);
      expect(output).not.to.contain('terminal secret');
      expect(await verifyPassword('terminal secret', output.match(/\$scrypt\$\S+/)![0])).to.equal(true);
    });
  });

  describe('token', () => {
    const config = join(tempDir(), 'jam.json');
    writeFileSync(config, JSON.stringify({ jwt: { secretKey: '${KOA_JAM_CLI_SECRET}' } }));
    const env = { ...process.env, KOA_JAM_CLI_SECRET: SECRET };
    const jam = new Jam({ jwt: { secretKey: SECRET } });

    it('decode prints header and payload, marked as not verified, from argv or stdin', async () => {
      const token = await jam.genJwtToken(jam.makePayload({ sub: 'ann' }));
      for (const run of [
        runCli(['token', 'decode', token]),
        runCli(['token', 'decode', '-'], { input: token }),
      ]) {
        const { code, stdout, stderr } = await run;
        expect(code).to.equal(0);
        expect(stderr).to.contain('NOT VERIFIED');
        const printed = JSON.parse(stdout);
        expect(printed.verified).to.equal(false);
        expect(printed.header).to.deep.equal({ alg: 'HS256', typ: 'JWT' });
        expect(printed.payload.sub).to.equal('ann');
      }
      // Escaped as JSON \u escapes: C1 controls (CSI), bidi overrides, separators, DEL, zero-width, unassigned.
      const hostile = [
        '\u009b31m',
        'evil\u202eexe.txt',
        'line\u2028break',
        '\u007f\u200b\u2066',
        '\u{e0001}\u{10ffff}',
      ];
      const crafted = craftToken({ alg: 'none', typ: 'JWT' }, { hostile });
      const printed = await runCli(['token', 'decode', crafted]);
      expect(printed.code).to.equal(0);
      expect(printed.stdout).to.match(/^[\x20-\x7e\n]+$/);
      expect(JSON.parse(printed.stdout).payload.hostile).to.deep.equal(hostile);

      const garbage = await runCli(['token', 'decode', 'not-a-token']);
      expect(garbage.code).to.equal(2);
      expect(garbage.stderr).to.contain('not a JWT');
    });

    it('verify checks the token with a Jam config file: 0 when valid, 1 with the reason when not', async () => {
      const token = await jam.genJwtToken(jam.makePayload({ sub: 'ann' }));
      const ok = await runCli(['token', 'verify', token, '--config', config], { env });
      expect(ok.code).to.equal(0);
      expect(JSON.parse(ok.stdout))
        .to.deep.include({ verified: true })
        .and.nested.include({ 'payload.sub': 'ann' });

      const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
      const bad = await runCli(['token', 'verify', tampered, '--config', config], { env });
      expect(bad).to.include({ code: 1, stdout: '' });
      expect(bad.stderr).to.contain('ERR_JWT_INVALID');

      const expired = await jam.genJwtToken({ sub: 'ann', exp: 1 });
      const old = await runCli(['token', 'verify', expired, '--config', config], { env });
      expect(old.code).to.equal(1);
      expect(old.stderr).to.contain('ERR_JWT_EXPIRED');
    });

    it('verify exits 2 without --config, or with a config it cannot use', async () => {
      const token = await jam.genJwtToken(jam.makePayload({}));
      const missing = await runCli(['token', 'verify', token]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.contain('--config');
      const unset = await runCli(['token', 'verify', token, '--config', config], {
        env: { ...process.env, KOA_JAM_CLI_SECRET: '' },
      });
      expect(unset.code).to.equal(2);
      expect(unset.stderr).to.contain('KOA_JAM_CLI_SECRET').and.contain('ERR_CONFIG');
    });
  });
});
