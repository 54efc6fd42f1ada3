// `mxaudit lab`: placeholder until its issue lands (the owner replaces this file).
import { UsageError, type CliIo } from './io.js';

export const labHelp = 'Usage: mxaudit lab (not available yet)';

export async function labCommand(_argv: string[], _io: CliIo): Promise<number> {
  throw new UsageError('"lab" is not available yet');
}
