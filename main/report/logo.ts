// The cover logo: a PNG or JPEG file, checked by its magic bytes and bounded in size, so a
// wrong file gives a clear error instead of a broken report.
import { readFile, stat } from 'node:fs/promises';

export interface Logo {
  data: Buffer;
  mime: 'image/png' | 'image/jpeg';
}

const MAX_LOGO_BYTES = 5 * 1024 * 1024;

export class LogoError extends Error {}

export async function readLogo(path: string): Promise<Logo> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new LogoError(`logo ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  if (!info.isFile()) throw new LogoError(`logo ${path}: not a file`);
  if (info.size > MAX_LOGO_BYTES) throw new LogoError(`logo ${path}: larger than ${MAX_LOGO_BYTES / 1024 / 1024} MB`);
  const data = await readFile(path);
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { data, mime: 'image/png' };
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return { data, mime: 'image/jpeg' };
  throw new LogoError(`logo ${path}: not a PNG or JPEG image`);
}
