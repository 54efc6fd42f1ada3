// `mxaudit serve`: placeholder until its issue lands (the owner replaces this file).
import { UsageError, type CliIo } from './io.js';

export const serveHelp = 'Usage: mxaudit serve (not available yet)';

export async function serveCommand(_argv: string[], _io: CliIo): Promise<number> {
  throw new UsageError('"serve" is not available yet');
}
