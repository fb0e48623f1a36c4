import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

export interface CommandArgs {
  help: boolean;
  /** The values of the named `--option VALUE`s, undefined when absent. */
  options: Record<string, string | undefined>;
  positionals: string[];
}

/** Strict parsing: an unknown option or a missing value is a UsageError naming the command group. */
export function parseCommandArgs(group: string, args: string[], valueOptions: string[] = []): CommandArgs {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(valueOptions.map((name) => [name, { type: 'string' as const }])),
      },
      allowPositionals: true,
      strict: true,
    });
    const { help, ...options } = values as Record<string, string | undefined> & { help?: boolean };
    return { help: help === true, options, positionals };
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option)
      throw new UsageError(`unknown option ${option}`, group);
    throw new UsageError(message, group);
  }
}
