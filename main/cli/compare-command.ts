// `mxaudit compare`: placeholder until its issue lands (the owner replaces this file).
import { UsageError, type CliIo } from './io.js';

export const compareHelp = 'Usage: mxaudit compare (not available yet)';

export async function compareCommand(_argv: string[], _io: CliIo): Promise<number> {
  throw new UsageError('"compare" is not available yet');
}
