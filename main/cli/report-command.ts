// `mxaudit report`: placeholder until its issue lands (the owner replaces this file).
import { UsageError, type CliIo } from './io.js';

export const reportHelp = 'Usage: mxaudit report (not available yet)';

export async function reportCommand(_argv: string[], _io: CliIo): Promise<number> {
  throw new UsageError('"report" is not available yet');
}
