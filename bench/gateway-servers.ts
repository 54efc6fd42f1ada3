// The four servers of the gateway bench (mxaudit gateway, Haraka, Postfix, smtp-sink), each
// started fresh per scenario on 127.0.0.1, with the process ids to measure.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostfix } from '../test/support/postfix.js';

export type Scenario = 'accept-reused' | 'accept-per-connection' | 'reject-connect' | 'reject-rcpt';
export const DOMAIN = 'lab.test';
export const RCPT_KNOWN = `alice@${DOMAIN}`;
export const RCPT_UNKNOWN = `nobody-here@${DOMAIN}`;
export const SENDER = 'bench@sender.test';
/**
 * The block list on the lab DNS lists 127.0.0.2 (the RFC 5782 test point) and nothing else: a
 * list that lists 127.0.0.1 fails the gateway's RFC 5782 self-test and is (rightly) ignored. The
 * reject-at-connect scenario therefore connects from 127.0.0.2 (LISTED_SOURCE).
 */
export const BL_ZONE = 'bl.lab.test';
export const LISTED_SOURCE = '127.0.0.2';

export interface RunningServer {
  port: number;
  /** process group to measure (all its members), or a single pid */
  pgid?: number;
  pid?: number;
  /** where accepted mail lands (counted after the run), when the server stores mail */
  storeDir?: string;
  stop(): Promise<void>;
}

export interface ServerContext {
  root: string;
  dns: string;
  scenario: Scenario;
  harakaDir: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, child: ChildProcess | null, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} not listening after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function childStop(child: ChildProcess, dirs: string[], graceMs = 0): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      // A profiled child must exit on its own to write its profile (SIGTERM: it drains and ends).
      if (graceMs && child.kill('SIGTERM') && (await Promise.race([gone.then(() => true), new Promise((r) => setTimeout(r, graceMs, false))]))) {
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
        return;
      }
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      await gone;
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
}

/** Server process groups still running: killed when the bench exits, however it exits. */
const serverGroups = new Set<number>();
process.on('exit', () => {
  for (const pgid of serverGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

function spawnServer(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  // detached: its own process group (Haraka forks a cluster worker), measured as a whole.
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = child.pid;
  if (pgid) {
    serverGroups.add(pgid);
    child.once('exit', () => serverGroups.delete(pgid));
  }
  let err = '';
  for (const s of [child.stdout!, child.stderr!]) s.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
  child.on('exit', (code, signal) => {
    if (code !== null && code !== 0) process.stderr.write(`bench: ${cmd} exited ${code}${signal ? ` (${signal})` : ''}: ${err.trim().split('\n').slice(-5).join(' | ')}\n`);
  });
  return child;
}

// ---------------------------------------------------------------------------
// mxaudit gateway, every layer on, loopback an outside client.

export function gatewayConfig(ctx: ServerContext, storeDir: string): object {
  return {
    hostname: 'mx.lab.test',
    domains: [DOMAIN],
    storeDir,
    xclientPeers: [],
    internalNetworks: [],
    dns: [ctx.dns],
    maxClients: 1000,
    // Haraka is configured without TLS too; smtp-source never issues STARTTLS.
    tls: { enabled: false },
    directory: { users: [RCPT_KNOWN] },
    layers: {
      'connection-filter': {
        mode: ctx.scenario === 'reject-connect' ? 'connect' : 'rcpt',
        providers: [{ zone: BL_ZONE, info: 'bench' }],
        queryPrivateAddresses: true,
        // Every session comes from 127.0.0.1: the per-IP limits (10 at once, 60/min) would
        // measure the limiter, not the gateway.
        maxConnectionsPerIp: 1000,
        maxConnectionRatePerIp: 10_000_000,
      },
      // tarpitSeconds 0 and a huge harvestLimit: the RCPT-reject scenario measures throughput,
      // not the 5 s tarpit or the 421 after 20 unknown recipients.
      'recipient-lookup': { tarpitSeconds: 0, harvestLimit: 10_000_000 },
    },
  };
}

export async function startMxauditGateway(ctx: ServerContext): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-bench-gw-'));
  const storeDir = join(dir, 'store');
  const configFile = join(dir, 'gateway.json');
  writeFileSync(configFile, JSON.stringify(gatewayConfig(ctx, storeDir), null, 2));
  const port = await freePort();
  // e.g. MXAUDIT_BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profiles the gateway under the load.
  const nodeArgs = (process.env.MXAUDIT_BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawnServer(process.execPath, [...nodeArgs, join(ctx.root, 'main/cli/bin.mjs'), 'gateway', '--config', configFile, '--listen', `127.0.0.1:${port}`, '-q', '--drain', '1']);
  const stop = childStop(child, [dir], nodeArgs.length ? 15_000 : 0);
  try {
    await waitForPort(port, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, pid: child.pid!, pgid: child.pid!, storeDir, stop };
}

// ---------------------------------------------------------------------------
// Haraka with the nearest plugins.

export const HARAKA_VERSION = '3.3.4';

/** bench/.haraka/node_modules/Haraka, installed with npm when missing. */
export async function ensureHaraka(harakaDir: string): Promise<string> {
  const bin = join(harakaDir, 'node_modules/Haraka/bin/haraka');
  const pkg = join(harakaDir, 'node_modules/Haraka/package.json');
  if (existsSync(bin) && (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version === HARAKA_VERSION) return bin;
  mkdirSync(harakaDir, { recursive: true });
  process.stderr.write(`bench: npm install Haraka@${HARAKA_VERSION} into ${harakaDir} ...\n`);
  const child = spawn('npm', ['install', '--prefix', harakaDir, '--no-audit', '--no-fund', `Haraka@${HARAKA_VERSION}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0 || !existsSync(bin)) throw new Error(`npm install Haraka@${HARAKA_VERSION} failed (exit ${code})`);
  return bin;
}

// Loopback is "private" to Haraka: dns-list and spf skip private clients with no option to turn
// that off. This plugin, first in the list, makes 127.0.0.1 an outside client (as
// internalNetworks: [] does for the gateway) and points node's default resolver (spf) at the
// lab DNS.
const BENCH_PUBLIC = `const dns = require('node:dns')
exports.register = function () {
  const servers = [process.env.BENCH_DNS]
  dns.setServers(servers)
  dns.promises.setServers(servers)
}
exports.hook_connect_init = function (next, connection) {
  connection.remote.is_private = false
  connection.remote.is_local = false
  next()
}
`;

// Haraka has no static user directory in core (rcpt_to.in_host_list accepts any local part);
// this is in_host_list plus a user list, so unknown recipients are refused at RCPT as the
// gateway's recipient-lookup does.
const BENCH_RCPT = (users: string[]) => `const users = new Set(${JSON.stringify(users)})
exports.hook_rcpt = function (next, connection, params) {
  const rcpt = params[0]
  const host = String(rcpt.host || '').toLowerCase()
  if (host !== ${JSON.stringify(DOMAIN)}) return next(DENY, 'Relaying denied')
  if (users.has(String(rcpt.user).toLowerCase() + '@' + host)) return next(OK)
  return next(DENY, 'User unknown')
}
`;

// queue/discard would write nothing; the gateway fsyncs every message before its 250, so this
// queue plugin writes each message to its own file and fsyncs it before OK.
const BENCH_QUEUE = `const fs = require('node:fs')
const path = require('node:path')
exports.hook_queue = function (next, connection) {
  const txn = connection.transaction
  const file = path.join(process.env.BENCH_STORE, txn.uuid + '.eml')
  fs.open(file, 'w', (err, fd) => {
    if (err) return next(DENYSOFT, 'store: ' + err.code)
    const ws = fs.createWriteStream(null, { fd, autoClose: false })
    ws.on('error', (e) => fs.close(fd, () => next(DENYSOFT, 'store: ' + e.code)))
    ws.on('finish', () => fs.fsync(fd, (e) => fs.close(fd, () => (e ? next(DENYSOFT, 'store: ' + e.code) : next(OK)))))
    txn.message_stream.pipe(ws)
  })
}
`;

export async function startHaraka(ctx: ServerContext): Promise<RunningServer> {
  const bin = await ensureHaraka(ctx.harakaDir);
  // Under bench/.haraka so the plugins' require() finds Haraka's node_modules.
  mkdirSync(join(ctx.harakaDir, 'run'), { recursive: true });
  const dir = mkdtempSync(join(ctx.harakaDir, 'run', `${ctx.scenario}-`));
  const storeDir = mkdtempSync(join(tmpdir(), 'mxaudit-bench-haraka-store-'));
  const port = await freePort();
  // Haraka's own defaults (connection.ini's [message] etc. are required), then ours on top.
  cpSync(join(ctx.harakaDir, 'node_modules/Haraka/config'), join(dir, 'config'), { recursive: true });
  mkdirSync(join(dir, 'plugins'));
  const zone = BL_ZONE;
  const cfg: Record<string, string> = {
    // nodes=0: one process without cluster, like the gateway (Haraka's default is 1 worker + master).
    // Haraka's default smtp.ini (its [message] and [uuid] sections are required) with main keys on top.
    'smtp.ini': `listen=127.0.0.1:${port}\nnodes=0\n${readFileSync(join(ctx.harakaDir, 'node_modules/Haraka/config/smtp.ini'), 'utf8')}`,
    'log.ini': '[main]\nlevel=error\n',
    'me': 'mx.lab.test\n',
    'plugins': ['bench_public', 'dns-list', 'spf', 'bench_rcpt', 'headers', 'bench_queue'].join('\n') + '\n',
    // periodic_checks < 5: every zone is active at once, no self-test queries.
    'dns-list.ini': `[main]\nperiodic_checks=0\nzones=${zone}\nsearch=first\n\n[stats]\nenable=false\n\n[ips.backscatterer.org]\nenable=false\n\n[list.dnswl.org]\nok_helo=false\nok_mail=false\n\n[${zone}]\nreject=true\n`,
  };
  for (const [name, text] of Object.entries(cfg)) writeFileSync(join(dir, 'config', name), text);
  writeFileSync(join(dir, 'plugins/bench_public.js'), BENCH_PUBLIC);
  writeFileSync(join(dir, 'plugins/bench_rcpt.js'), BENCH_RCPT([RCPT_KNOWN]));
  writeFileSync(join(dir, 'plugins/bench_queue.js'), BENCH_QUEUE);
  // dns-list builds its own Resolver at load time (the system's servers): the installed plugin,
  // with one line added to point that resolver at the lab DNS.
  const dnsList = readFileSync(join(ctx.harakaDir, 'node_modules/haraka-plugin-dns-list/index.js'), 'utf8');
  const resolverLine = /const dns = new dnsPromises\.Resolver\([^)]*\)\n/;
  if (!resolverLine.test(dnsList)) throw new Error('haraka-plugin-dns-list: resolver line not found; cannot point it at the lab DNS');
  writeFileSync(join(dir, 'plugins/dns-list.js'), dnsList.replace(resolverLine, (m) => `${m}dns.setServers([process.env.BENCH_DNS])\n`));
  const child = spawnServer(process.execPath, [bin, '-c', dir], { ...process.env, BENCH_DNS: ctx.dns, BENCH_STORE: storeDir });
  const stop = childStop(child, [dir, storeDir]);
  try {
    await waitForPort(port, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, pid: child.pid!, pgid: child.pid!, storeDir, stop };
}

// ---------------------------------------------------------------------------
// Postfix (discard transport: it never writes a mailbox) and smtp-sink.

export async function startPostfixServer(ctx: ServerContext): Promise<RunningServer> {
  // No DNS for Postfix (its resolver is the system's): in the reject-at-connect scenario a static
  // access map lists the client, applied at connect time (smtpd_delay_reject = no).
  const main: Record<string, string> = ctx.scenario === 'reject-connect' ? { smtpd_delay_reject: 'no', smtpd_client_restrictions: `check_client_access inline:{${LISTED_SOURCE}=REJECT}` } : {};
  const pf = await startPostfix({ recipients: [RCPT_KNOWN.split('@')[0]], domain: DOMAIN, main });
  const pgid = Number(readFileSync(join(pf.dir, 'spool/pid/master.pid'), 'utf8').trim());
  return { port: pf.port, pgid, stop: () => pf.stop() };
}

export async function startSmtpSink(ctx: ServerContext): Promise<RunningServer> {
  const port = await freePort();
  const reject = ctx.scenario === 'reject-connect' ? ['-f', 'CONNECT'] : ctx.scenario === 'reject-rcpt' ? ['-f', 'RCPT'] : [];
  const child = spawnServer('/usr/sbin/smtp-sink', ['-u', 'nobody', ...reject, `127.0.0.1:${port}`, '1024']);
  const stop = childStop(child, []);
  try {
    await waitForPort(port, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, pid: child.pid!, pgid: child.pid!, stop };
}

// ---------------------------------------------------------------------------
// /proc accounting.

const CLK_TCK = 100; // Linux USER_HZ

function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
  } catch {
    return null;
  }
}

/** Members of the process group, or the single pid. */
export function members(s: RunningServer): number[] {
  if (!s.pgid) return s.pid ? [s.pid] : [];
  const found: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const f = statFields(Number(e));
    if (f && f[0] !== 'Z' && Number(f[2]) === s.pgid) found.push(Number(e));
  }
  return found;
}

/** CPU seconds (user + system, own and reaped children) summed over the server's processes. */
export function cpuSeconds(s: RunningServer): number {
  let ticks = 0;
  for (const pid of members(s)) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  }
  return ticks / CLK_TCK;
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Sum of resident memory over the server's processes now, KiB. */
export const rssKb = (s: RunningServer) => members(s).reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0);
/** High-water mark of a single-process server, KiB. */
export const hwmKb = (s: RunningServer) => (s.pid ? statusKb(s.pid, 'VmHWM') : 0);

export function countFiles(dir: string, skip = new Set(['tls'])): number {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!skip.has(e.name)) n += countFiles(join(dir, e.name), skip);
    } else if (e.name.endsWith('.eml')) n++;
  }
  return n;
}
