// `mxaudit gateway`: the reference filtering gateway on its own, until interrupted.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import yaml from 'js-yaml';
import { startGateway } from '../gateway/server.js';
import { GatewayConfigError } from '../gateway/config.js';
import { TlsCertificateError } from '../gateway/tls-cert.js';
import { startLabMode } from '../gateway/lab-mode.js';
import { UsageError, type CliIo } from './io.js';
import { visible } from '../../shared/visible-text.js';

export const gatewayHelp = `Usage: mxaudit gateway [--config FILE] [--listen HOST:PORT] [--log FILE] [--drain SECONDS] [--lab] [-q]

Runs the reference filtering gateway (the layered defence a mail server should have) until
interrupted with Ctrl-C, printing each decision: which layer decided, why, and the reply.

  --config FILE       gateway configuration (JSON or YAML); defaults are the hardened posture
  --listen HOST:PORT  where to listen (default 127.0.0.1:2525)
  --log FILE          append one JSON line per finished session (its decisions) to FILE
  --drain SECONDS     on Ctrl-C / SIGTERM, stop accepting connections and let commands and
                      messages in transfer finish for up to SECONDS (default 10); further
                      commands get 421; a second signal ends every session at once
  --lab               lab mode: also start the embedded DNS server with the lab zones (block
                      list, SPF, DMARC), accept XCLIENT from loopback, and use them; every
                      connection, loopback included, takes the pregreet test (200 ms)
  -q, --quiet         do not print decisions`;

export async function gatewayCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { config: { type: 'string' }, listen: { type: 'string' }, log: { type: 'string' }, drain: { type: 'string' }, lab: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(gatewayHelp);
    return 0;
  }
  let config: Record<string, unknown> = {};
  if (values.config) {
    const text = await readFile(values.config, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`--config ${values.config}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
    try {
      config = (yaml.load(text) as Record<string, unknown>) ?? {};
    } catch (err) {
      throw new UsageError(`--config ${values.config}: not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (values.listen) config = { ...config, listen: parseListen(values.listen) };
  if (values.log) config = { ...config, log: values.log };
  const drainSeconds = values.drain === undefined ? 10 : Number(values.drain);
  if (!(Number.isFinite(drainSeconds) && drainSeconds >= 0 && drainSeconds <= 3600)) throw new UsageError(`--drain ${values.drain}: expected a number of seconds from 0 to 3600`);
  const lab = values.lab ? await startLabMode(config) : null;
  if (lab) config = lab.config;
  let gateway;
  try {
    gateway = await startGateway(config);
  } catch (err) {
    await lab?.dns.stop();
    if (err instanceof GatewayConfigError || err instanceof TlsCertificateError) throw new UsageError(`${values.config ? `--config ${values.config}: ` : ''}${err.message}`);
    if (values.log && (err as NodeJS.ErrnoException).path === values.log) throw new UsageError(`--log ${values.log}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    throw err;
  }
  if (!values.quiet) {
    gateway.events.on('decision', (s, d) => io.out(`${s.id} ${s.remoteAddress} ${d.phase}${d.subject ? ` <${visible(d.subject, 200)}>` : ''}: ${d.layer} ${d.action} (${visible(d.reason, 300)}) -> ${d.reply} [${d.ms} ms]`));
  }
  const sub = gateway.submission ? `; submission on ${gateway.submission.host}:${gateway.submission.port}` : '';
  const tls = gateway.tls ? `; STARTTLS with ${gateway.tls.source === 'config' ? '' : `${gateway.tls.source} `}certificate ${gateway.tls.certFile}` : '; no STARTTLS';
  io.err(`mxaudit gateway listening on ${gateway.host}:${gateway.port} for ${gateway.config.domains.join(', ')}${sub}; store: ${gateway.config.storeDir}${tls}${lab ? `; lab DNS on ${lab.dns.server}` : ''}${gateway.config.log ? `; log: ${gateway.config.log}` : ''}; Ctrl-C to stop`);
  const onSignal: { next: () => void } = { next: () => {} };
  const sigterm = () => onSignal.next();
  const sigint = () => onSignal.next();
  process.on('SIGTERM', sigterm);
  await new Promise<void>((resolve) => {
    onSignal.next = resolve;
    if (io.signal?.aborted) return resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  // Drain: no new connections; open sessions get up to --drain seconds, then 421. A second
  // signal (Ctrl-C or SIGTERM) cuts the wait short.
  const open = gateway.openSessions();
  io.err(`mxaudit gateway: stopping; ${open} open session${open === 1 ? '' : 's'}, waiting up to ${drainSeconds} s for them to finish (signal again to stop now)...`);
  const stopping = gateway.stop(drainSeconds * 1000);
  const force = new Promise<void>((resolve) => {
    onSignal.next = resolve;
    process.on('SIGINT', sigint);
  });
  await Promise.race([
    stopping,
    force.then(() => {
      io.err('mxaudit gateway: stopping now');
      return gateway.stop(0);
    }),
  ]);
  process.off('SIGTERM', sigterm);
  process.off('SIGINT', sigint);
  await lab?.dns.stop();
  return 0;
}

function parseListen(spec: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(spec) ?? /^([^:]+):(\d+)$/.exec(spec);
  const port = Number(m?.[2]);
  if (!m || !net.isIP(m[1]) || !(port >= 0 && port < 65536)) throw new UsageError(`--listen ${spec}: expected IP:PORT, e.g. 127.0.0.1:2525`);
  return { host: m[1], port };
}
