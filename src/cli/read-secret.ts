import { UsageError } from './usage-error.js';

/**
 * Reads a password without it ever being in argv (which other users see in `ps`) or echoed: from a hidden
 * prompt when stdin is a terminal, else the whole of stdin minus one trailing newline.
 * `confirm` asks a second time on a terminal, for a password being set.
 */
export async function readSecret(label: string, { confirm = false } = {}): Promise<string> {
  const stdin = process.stdin;
  let secret: string;
  if (stdin.isTTY) {
    secret = await promptHidden(`${label}: `);
    if (confirm && (await promptHidden(`Repeat ${label.toLowerCase()}: `)) !== secret) {
      throw new UsageError(`the two ${label.toLowerCase()}s do not match`, 'password');
    }
  } else {
    secret = (await readAll(stdin)).replace(/\r?\n$/, '');
  }
  if (secret === '') throw new UsageError(`empty ${label.toLowerCase()}`, 'password');
  return secret;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function promptHidden(prompt: string): Promise<string> {
  const { stdin, stderr } = process;
  stdin.setRawMode(true); // before the prompt shows, so nothing typed after it is echoed
  stderr.write(prompt);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = (error?: Error, typedAhead = '') => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      // What was typed after Enter is the next answer: back into the (paused) stream for the next prompt.
      if (typedAhead) stdin.unshift(typedAhead);
      stderr.write('\n');
      if (error) reject(error);
      else resolve(chars.join(''));
    };
    const onData = (chunk: string) => {
      let offset = 0;
      for (const char of chunk) {
        offset += char.length;
        if (char === '\u0003') return finish(new UsageError('cancelled', 'password'));
        if (char === '\r' || char === '\n' || char === '\u0004') {
          return finish(undefined, chunk.slice(offset));
        }
        if (char === '\u007f' || char === '\b') chars = chars.slice(0, -1);
        else chars.push(char);
      }
    };
    stdin.on('data', onData);
  });
}
