// `mxaudit lab` as a user runs it: the built CLI in a child process. It writes the files,
// exits 0, and leaves no process or listening port behind (it runs as the leader of its own
// process group, so whatever it started is found in /proc); with --keep it stays up until
// Ctrl-C. Fixed ports are honoured, a busy one is a clear error; a weakened gateway exits 1.
import { execFile, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { portsFree } from '../lab/ports.js';
import { childrenOf, listenersOfGroup, listeningSockets, processGroup } from '../lab/process-sockets.js';
import { layerRegistry } from '../../../main/gateway/layer-registry.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = resolve(root, 'main/cli/bin.mjs');
const schema = JSON.parse(readFileSync(resolve(root, 'shared/assessment.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const work = mkdtempSync(join(tmpdir(), 'mxaudit-lab-cli-'));

async function mxaudit(args: string[], cwd = work): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { timeout: 90_000, cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The CLI as the leader of its own process group: everything it starts is in that group. */
function mxauditGroup(
  args: string[],
  timeoutMs = 90_000,
  opts: { env?: NodeJS.ProcessEnv; onStderr?: (all: string) => void } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; pid: number; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, ...args], { cwd: work, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    opts.onStderr?.(stderr);
  });
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), timeoutMs);
  return new Promise((done) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, pid: child.pid!, ms: performance.now() - t0 });
    }),
  );
}

/** The lab's ports, from its progress line "gateway 127.0.0.1:P, DNS 127.0.0.1:Q, MTA-STS 127.0.0.1:R". */
function labPorts(stderr: string): { smtp: number; dns: number; mtaSts: number } {
  const m = /gateway 127\.0\.0\.1:(\d+), DNS 127\.0\.0\.1:(\d+), MTA-STS 127\.0\.0\.1:(\d+)/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return { smtp: Number(m![1]), dns: Number(m![2]), mtaSts: Number(m![3]) };
}

/** Nothing of the lab remains: no process of its group, none of its ports listening or bound. */
async function expectNothingLeft(pid: number, ports: { smtp: number; dns: number; mtaSts: number }) {
  expect(processGroup(pid), `processes left in the lab's group ${pid}`).toEqual([]);
  const tcp = [ports.smtp, ports.dns, ports.mtaSts];
  const still = listeningSockets().filter((l) => (l.proto.startsWith('tcp') && tcp.includes(l.port)) || (l.proto.startsWith('udp') && l.port === ports.dns));
  expect(still, 'sockets still listening on the lab ports').toEqual([]);
  expect(await portsFree('127.0.0.1', tcp, [ports.dns])).toBe(true);
}

/** Ports free right now (bound then released by us; the system does not hand them out again at once). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((ok) => { const s = net.createServer().listen(0, '127.0.0.1', () => ok(s)); })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('mxaudit lab (CLI)', () => {
  it('writes reference.json and the reports into --out, prints the summary, exits 0, leaves no process or port behind', async () => {
    const r = await mxauditGroup(['lab', '--out', 'tmp']);
    expect(r.code, r.stderr).toBe(0);
    const out = join(work, 'tmp');
    const reference = JSON.parse(readFileSync(join(out, 'reference.json'), 'utf8'));
    expect(validate(reference), JSON.stringify(validate.errors)).toBe(true);
    expect(reference.target).toMatchObject({ host: 'mx.lab.test', domain: 'lab.test' });
    expect(r.stdout).toMatch(/Findings: 0 critical, 0 high, 0 medium, 0 low/);
    expect(r.stdout).toMatch(/Self-consistency: no finding of severity low or above\./);
    expect(r.stdout).toMatch(/dane: skipped - not applicable in lab: /);
    // Every file the summary lists exists.
    const listed = r.stdout.split('Written:\n')[1].split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/'));
    expect(listed).toContain(join(out, 'reference.json'));
    for (const f of listed) expect(existsSync(f), f).toBe(true);
    // Progress while it ran, one line per check.
    expect(r.stderr).toMatch(/\[1\] mx: pass/);
    await expectNothingLeft(r.pid, labPorts(r.stderr));
  }, 120_000);

  it('--keep stays up, says how to reach it, answers SMTP, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [bin, 'lab', '--keep', '--out', 'kept', '-q'], { cwd: work, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((ready, fail) => {
      const t = setTimeout(() => fail(new Error(`no --keep banner in time:\n${stdout}\n${stderr}`)), 90_000);
      child.stdout.on('data', () => /swaks --server/.test(stdout) && (clearTimeout(t), ready()));
    });
    const smtp = Number(/SMTP gateway\s+127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
    const dns = Number(/DNS resolver\s+127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
    const mtaSts = Number(/MTA-STS host\s+https:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)![1]);
    // While up: the lab's process (and nothing it started) listens on exactly its three ports.
    expect(childrenOf(child.pid!)).toEqual([]);
    expect(processGroup(child.pid!)).toEqual([child.pid]);
    const held = listenersOfGroup(child.pid!).map((l) => `${l.proto.replace('6', '')}:${l.port}`);
    expect([...new Set(held)].sort()).toEqual([`tcp:${smtp}`, `tcp:${dns}`, `tcp:${mtaSts}`, `udp:${dns}`].sort());
    expect(stdout).toMatch(new RegExp(`swaks --server 127\\.0\\.0\\.1:${smtp} --xclient-addr \\S+ --from \\S+ --to alice@lab\\.test`));
    const banner = await new Promise<string>((done, fail) => {
      const s = net.connect({ host: '127.0.0.1', port: smtp });
      s.once('data', (d) => (done(d.toString()), s.destroy()));
      s.once('error', fail);
    });
    expect(banner).toMatch(/^220 mx\.lab\.test/);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expectNothingLeft(child.pid!, { smtp, dns, mtaSts });
  }, 120_000);

  it('--smtp-port, --dns-port and --mta-sts-port are the ports it listens on; all free again after', async () => {
    const [smtp, dns, mtaSts] = await freePorts(3);
    const r = await mxauditGroup(['lab', '--out', 'fixed', '--smtp-port', String(smtp), '--dns-port', String(dns), '--mta-sts-port', String(mtaSts)]);
    expect(r.code, r.stderr).toBe(0);
    expect(labPorts(r.stderr)).toEqual({ smtp, dns, mtaSts });
    const reference = JSON.parse(readFileSync(join(work, 'fixed', 'reference.json'), 'utf8'));
    expect(reference.target.port).toBe(smtp);
    expect(reference.options.resolver).toEqual([`127.0.0.1:${dns}`]);
    // The MTA-STS policy was fetched from the given port: the check concluded with the lab's policy.
    expect(reference.domainFacts.mtaSts).toMatchObject({ mode: 'enforce', error: null });
    await expectNothingLeft(r.pid, { smtp, dns, mtaSts });
  }, 120_000);

  it('a busy port is a clear error (exit 2) within seconds, naming the option, and nothing is left behind', async () => {
    const [smtp, dns, mtaSts, spare1, spare2] = await freePorts(5);
    const tcpHolder = await new Promise<net.Server>((ok) => { const s = net.createServer().listen(smtp, '127.0.0.1', () => ok(s)); });
    const mtaStsHolder = await new Promise<net.Server>((ok) => { const s = net.createServer().listen(mtaSts, '127.0.0.1', () => ok(s)); });
    // The DNS port busy for UDP only: the TCP side alone must not let the lab start.
    const udpHolder = dgram.createSocket('udp4');
    await new Promise<void>((ok) => udpHolder.bind(dns, '127.0.0.1', ok));
    try {
      const cases: [string[], RegExp][] = [
        [['--smtp-port', String(smtp)], new RegExp(`^mxaudit: --smtp-port ${smtp}: cannot start the lab: the port is in use \\(EADDRINUSE\\)$`, 'm')],
        [['--dns-port', String(dns), '--smtp-port', String(spare1)], new RegExp(`^mxaudit: --dns-port ${dns}: cannot start the lab: the port is in use \\(EADDRINUSE\\)$`, 'm')],
        [['--mta-sts-port', String(mtaSts), '--smtp-port', String(spare2)], new RegExp(`^mxaudit: --mta-sts-port ${mtaSts}: cannot start the lab: the port is in use \\(EADDRINUSE\\)$`, 'm')],
      ];
      for (const [args, message] of cases) {
        const r = await mxauditGroup(['lab', '--out', 'busy', '-q', ...args], 30_000);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.ms).toBeLessThan(15_000);
        expect(processGroup(r.pid)).toEqual([]);
      }
      // The ports the failed starts did get are free again.
      expect(await portsFree('127.0.0.1', [spare1, spare2])).toBe(true);
    } finally {
      await new Promise((ok) => tcpHolder.close(ok));
      await new Promise((ok) => mtaStsHolder.close(ok));
      await new Promise<void>((ok) => udpHolder.close(() => ok()));
    }
  }, 120_000);

  it('a gateway weakened by --config (no recipient lookup) fails self-consistency: exit 1 with a clear message', async () => {
    const config = join(work, 'weak.json');
    // Its listener setting is ignored: the lab's gateway stays on the lab's loopback port.
    writeFileSync(config, JSON.stringify({ order: layerRegistry.map((l) => l.id).filter((id) => id !== 'recipient-lookup'), listen: { host: '127.0.0.9', port: 9 } }));
    const r = await mxauditGroup(['lab', '--out', 'weak', '--config', config]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^Self-consistency: FAILED: .*smtp\.accepts-unknown-recipients \((low|medium|high|critical)\)/m);
    expect(r.stderr).toMatch(/^mxaudit lab: FAILED: the reference gateway has findings of severity low or above/m);
    // The files are still written, for the consultant to read why.
    expect(existsSync(join(work, 'weak', 'reference.json'))).toBe(true);
    await expectNothingLeft(r.pid, labPorts(r.stderr));
  }, 120_000);

  it('--traffic: prints per-layer statistics that match the counters, the replies and the store; traffic.json has no mismatch', async () => {
    const r = await mxauditGroup(['lab', '--out', 'traffic', '--traffic', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Traffic: \d+ attempts/m);
    expect(r.stdout).toMatch(/refused by recipient-lookup/);
    expect(r.stdout).toMatch(/^Matches the gateway's own counters, the replies the client got and the messages in the store\.$/m);
    const traffic = JSON.parse(readFileSync(join(work, 'traffic', 'traffic.json'), 'utf8'));
    expect(traffic.mismatches).toEqual([]);
    expect(traffic.attempts.length).toBe(traffic.stats.attempts);
  }, 180_000);

  it('--traffic: a delivered message missing from the store (removed behind its back) makes the run fail, exit 1', async () => {
    // The lab's temporary folder goes under our own TMPDIR, so the test can find its store.
    const tmp = join(work, 'tamper-tmp');
    mkdirSync(tmp);
    let removed: string | null = null;
    let timer: NodeJS.Timeout | undefined;
    const removeFirstDelivery = () => {
      for (const labDir of readdirSync(tmp).filter((d) => d.startsWith('mxaudit-lab-'))) {
        const inbox = join(tmp, labDir, 'store', 'inbox');
        for (const box of existsSync(inbox) ? readdirSync(inbox) : []) {
          const eml = readdirSync(join(inbox, box)).find((f) => f.endsWith('.eml'));
          if (eml && !removed) rmSync((removed = join(inbox, box, eml)));
        }
      }
      if (!removed) timer = setTimeout(removeFirstDelivery, 10);
    };
    const r = await mxauditGroup(['lab', '--out', 'tampered', '--traffic'], 120_000, {
      env: { TMPDIR: tmp },
      // Only once the traffic starts: what the probe may have delivered before is not the traffic's.
      onStderr: (all) => !timer && /playing traffic through the gateway/.test(all) && removeFirstDelivery(),
    });
    clearTimeout(timer);
    expect(removed, 'a delivered message was found and removed').not.toBeNull();
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^Does NOT match: .*the client got 250 after DATA (\d+) times, but \d+ messages appeared in the store/m);
    expect(r.stdout).toMatch(/inbox: (\d+) attempts filed there, \d+ new files on disk/);
    expect(r.stdout).toMatch(/^Self-consistency: no finding of severity low or above\.$/m);
    expect(r.stderr).toMatch(/^mxaudit lab: FAILED: the traffic statistics do not match the gateway's counters, the replies or the store$/m);
    // The lab removed its temporary folder all the same.
    expect(readdirSync(tmp)).toEqual([]);
  }, 180_000);

  it('usage: --help exits 0, an unknown option exits 2', async () => {
    const help = await mxaudit(['lab', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mxaudit lab/);
    const bad = await mxaudit(['lab', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--bogus'/);
    writeFileSync(join(work, 'a-file'), 'x');
    const out = await mxaudit(['lab', '--out', 'a-file/reports']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--out .*a-file\/reports: cannot create the folder: ENOTDIR/);
    const usage: [string[], RegExp][] = [
      [['--smtp-port', '0'], /--smtp-port 0: not a port number \(1-65535\)/],
      [['--dns-port', '70000'], /--dns-port 70000: not a port number \(1-65535\)/],
      [['--mta-sts-port', '4x3'], /--mta-sts-port 4x3: not a port number \(1-65535\)/],
      [['--smtp-port', '2525', '--dns-port', '2525'], /--dns-port 2525: already given to --smtp-port/],
      [['--config', 'no-such.yaml'], /--config no-such\.yaml: no such file/],
      [['--config', 'bad.json'], /--config bad\.json: .*layers\.nonsense: unknown layer/],
    ];
    writeFileSync(join(work, 'bad.json'), JSON.stringify({ layers: { nonsense: {} } }));
    for (const [args, message] of usage) {
      const r = await mxaudit(['lab', '--out', 'usage', '-q', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});
