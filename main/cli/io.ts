// What a command may touch of the outside world, so tests can run commands in-process.
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  signal?: AbortSignal;
}

/** Bad usage: printed with the hint to --help, exit code 2. */
export class UsageError extends Error {}
