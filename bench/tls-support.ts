// Helpers for the TLS bench (bench/tls-vs-testssl.ts):
// - runGroup(): lib.ts runProcess (every child leads its own process group, killed as a whole).
// - auditProcessTree(): strace -f of a command, reporting every network destination (connect,
//   sendto, sendmsg and sendmmsg: glibc and libuv can batch UDP sends with sendmmsg) and every
//   program it executed, so a network client (curl, wget, dig, ...) started by a script shows up.
// - ensureBuilt(): the CLI bundle the bench times exists and is not older than the sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runProcess, type NetworkAudit } from './lib.js';
import { isLoopbackAddress, lineDestinations } from '../test/support/strace-destinations.js';

// ---------------------------------------------------------------------------
// Process groups: lib.ts runs every child as a process group now; the old names stay for callers.

export { runProcess as runGroup, killAllChildren as killAllGroups } from './lib.js';

// ---------------------------------------------------------------------------
// strace audit.

export interface ProcessTreeAudit extends NetworkAudit {
  /** basenames of every program executed (execve), with count */
  programs: Record<string, number>;
  /** command lines of executed programs that can talk to the network on their own (curl, dig, ...), for the record: their traffic, if any, is in `destinations` */
  networkClients: string[];
  /** the command line audited, for the record */
  command: string;
}

const NETWORK_CLIENTS = ['curl', 'wget', 'dig', 'host', 'nslookup', 'drill', 'avahi-resolve', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ssh', 'ping'];

/** Runs the command under `strace -f` (untimed) and reports every network destination and program it used. */
export async function auditProcessTree(cmd: string, args: string[], opts: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv }, tag: string): Promise<ProcessTreeAudit> {
  const log = join(tmpdir(), `mxaudit-bench-strace-${process.pid}-${tag}.log`);
  try {
    const r = await runProcess(
      'strace',
      ['-f', '-qq', '-s', '256', '-e', 'trace=connect,sendto,sendmsg,sendmmsg,bind,execve', '-o', log, cmd, ...args],
      opts,
    );
    let text = '';
    try {
      text = readFileSync(log, 'utf8');
    } catch {
      throw new Error(`strace wrote no log (${r.error ?? r.stderr.trim()})`);
    }
    const audit: ProcessTreeAudit = {
      destinations: {},
      offLoopback: [],
      dnsPackets: 0,
      rawOffLoopback: [],
      unixPaths: [],
      exitCode: r.code,
      programs: {},
      networkClients: [],
      command: [cmd, ...args].join(' '),
    };
    for (const line of text.split('\n')) {
      const call = /\b(connect|sendto|sendmsg|sendmmsg|bind|execve)\(/.exec(line)?.[1];
      if (!call) continue;
      if (call === 'execve') {
        // Only successful execs: a shell's PATH search leaves failed attempts (= -1 ENOENT).
        const path = /execve\("([^"]+)"/.exec(line)?.[1];
        if (!path || /= -1 /.test(line)) continue;
        const prog = basename(path);
        audit.programs[prog] = (audit.programs[prog] ?? 0) + 1;
        if (NETWORK_CLIENTS.includes(prog)) {
          // execve("/usr/bin/dig", ["dig", "-h"], 0x... /* 9 vars */) = 0
          const argv = /execve\("[^"]*", \[(.*?)\](?:, 0x| \/\*)/.exec(line)?.[1] ?? '';
          const words = [...argv.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
          const cmdline = [prog, ...words.slice(1)].join(' ');
          if (!audit.networkClients.includes(cmdline)) audit.networkClients.push(cmdline);
        }
        continue;
      }
      if (call !== 'bind') {
        const { port, addrs } = lineDestinations(line);
        for (const a of addrs) {
          const key = port ? `${a}:${port}` : a;
          audit.destinations[key] = (audit.destinations[key] ?? 0) + 1;
          if (!isLoopbackAddress(a) && !audit.offLoopback.includes(key)) audit.offLoopback.push(key);
        }
        if (port === '53') audit.dnsPackets++;
        const unix = /sun_path="([^"]*)"/.exec(line)?.[1];
        if (unix && !audit.unixPaths.includes(unix)) audit.unixPaths.push(unix);
      }
      if (/AF_PACKET/.test(line)) {
        const ifname = /if_nametoindex\("([^"]+)"\)/.exec(line)?.[1];
        if (ifname !== 'lo' && !audit.rawOffLoopback.includes(line.trim())) audit.rawOffLoopback.push(line.trim());
      }
    }
    return audit;
  } finally {
    rmSync(log, { force: true });
  }
}

// ---------------------------------------------------------------------------
// Build.

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|tsx|mjs|js)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds when the bundle is missing (or `force`); warns when main/ or shared/ are newer than it. */
export function ensureBuilt(root: string, bundle: string, force: boolean, log: (s: string) => void): boolean {
  if (force || !existsSync(bundle)) {
    log(force ? 'building mxaudit (npm run build)...' : `${bundle} is missing: building mxaudit (npm run build)...`);
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2], timeout: 600_000 });
    if (r.status !== 0 || !existsSync(bundle)) {
      log('mxaudit: build failed; run "npm run build" and look at its errors.');
      return false;
    }
    return true;
  }
  const built = statSync(bundle).mtimeMs;
  const sources = Math.max(...['main', 'shared'].map((d) => (existsSync(join(root, d)) ? newestSource(join(root, d)) : 0)));
  if (sources > built) log('warning: main/ or shared/ changed after out/main/cli.js was built; the bench times the existing build (pass --build to rebuild).');
  return true;
}
