// What a process group holds, read from /proc: its processes and their listening sockets. The
// lab CLI runs as the leader of its own group (spawn detached), so anything it started, and
// any socket they listen on, is found here; after it exits nothing of the group may remain.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface Listener {
  proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  address: string;
  port: number;
  inode: string;
}

/** TCP sockets in LISTEN (0A) and bound UDP sockets (07, no peer), from /proc/net. */
export function listeningSockets(): Listener[] {
  const out: Listener[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let text = '';
    try {
      text = readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const [local, remote, state, inode] = [f[1], f[2], f[3], f[9]];
      const listening = proto.startsWith('tcp') ? state === '0A' : /:0000$/.test(remote);
      if (!listening) continue;
      const [addrHex, portHex] = local.split(':');
      out.push({ proto, address: addrHex, port: parseInt(portHex, 16), inode });
    }
  }
  return out;
}

/** Process ids whose process group is `pgid` (field 5 of /proc/PID/stat). */
export function processGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Direct children of `pid` (what `ps --ppid PID` lists). */
export function childrenOf(pid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** The listening sockets held by the processes of group `pgid`. */
export function listenersOfGroup(pgid: number): Listener[] {
  const inodes = new Set(processGroup(pgid).flatMap((pid) => [...socketInodes(pid)]));
  return listeningSockets().filter((l) => inodes.has(l.inode));
}
