/** A mistake in how the CLI was called or fed: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    /** The command group whose --help explains it. */
    readonly group?: string,
  ) {
    super(message);
  }
}
