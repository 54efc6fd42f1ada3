// `mxaudit dns-serve`: the embedded lab DNS server on its own, with zones from a file.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import yaml from 'js-yaml';
import { startLabDns } from '../dns/lab-dns-server.js';
import { ZoneDataSchema } from '../dns/zone-data.js';
import { UsageError, type CliIo } from './io.js';

export const dnsServeHelp = `Usage: mxaudit dns-serve --zones FILE [--listen 127.0.0.1:5353]

Serves the zones of FILE (JSON or YAML) as an authoritative DNS server on a loopback
address, over UDP and TCP, until interrupted (Ctrl-C).

Zone file: names map to records, e.g.
  lab.test:       { MX: [{ priority: 10, exchange: mx.lab.test }], TXT: ["v=spf1 -all"] }
  mx.lab.test:    { A: [127.0.0.1], AAAA: ["::1"] }
  "*.zen.lab.test": { A: [127.0.0.2] }
  broken.lab.test:  { rcode: SERVFAIL }
  slow.lab.test:    { A: [127.0.0.9], delayMs: 3000 }
A TXT entry that is a list is one record of several strings. Unlisted names get NXDOMAIN.`;

export async function dnsServeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { zones: { type: 'string' }, listen: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(dnsServeHelp);
    return 0;
  }
  if (!values.zones) throw new UsageError('--zones FILE is required');
  const { address, port } = parseListen(values.listen ?? '127.0.0.1:5353');
  const text = await readFile(values.zones, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--zones ${values.zones}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  let data: unknown;
  try {
    data = yaml.load(text); // YAML is a superset of JSON
  } catch (err) {
    throw new UsageError(`--zones ${values.zones}: not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const zones = ZoneDataSchema.safeParse(data);
  if (!zones.success) {
    const issue = zones.error.issues[0];
    throw new UsageError(`--zones ${values.zones}: ${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  const server = await startLabDns(zones.data, { address, port });
  io.err(`lab DNS serving ${Object.keys(zones.data).length} names on ${server.server} (UDP and TCP); Ctrl-C to stop`);
  io.out(`try: mxaudit probe <host> --dns ${server.server}`);
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) return resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.stop();
  return 0;
}

/** `IP:PORT` or `[IPv6]:PORT`, loopback only: the lab never serves the network. */
function parseListen(spec: string): { address: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(spec) ?? /^([\d.]+):(\d+)$/.exec(spec);
  const port = Number(m?.[2]);
  if (!m || !net.isIP(m[1]) || !(port >= 0 && port < 65536)) throw new UsageError(`--listen ${spec}: expected IP:PORT, e.g. 127.0.0.1:5353`);
  const loopback = m[1] === '::1' || m[1].startsWith('127.');
  if (!loopback) throw new UsageError(`--listen ${spec}: the lab DNS server binds loopback addresses only (127.0.0.0/8, ::1)`);
  return { address: m[1], port };
}
