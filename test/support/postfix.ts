/**
 * Integration-test harness: real, throw-away Postfix instances on loopback.
 *
 * Every instance lives in its own temp dir:
 *
 *   <dir>/etc/main.cf, master.cf, recipients   config_directory (master -c)
 *   <dir>/spool/...                            queue_directory (+ pid/master.pid)
 *   <dir>/data/                                data_directory (master.lock)
 *   <dir>/maillog                              log file (postlogd, no syslog needed)
 *   <dir>/tls/{cert,key}.pem                   with `tls` (unless `tlsFiles` are given)
 *   <dir>/etc/sasl/smtpd.conf, <dir>/sasldb2   with `auth`
 *
 * The master daemon is run directly (`/usr/lib/postfix/sbin/master -c DIR`)
 * instead of `postfix -c DIR start`: that skips postfix-script's checks and
 * needs neither /etc/postfix/main.cf nor an alternate_config_directories
 * entry. Master calls setsid() itself, so its pid is also the process group
 * of every Postfix daemon it forks, which lets us kill the whole instance
 * with one signal.
 *
 * Safety: all transports are `discard`, so nothing accepted ever leaves the
 * machine, and no setting needs DNS.
 *
 * Requires root (master binds and drops privileges to the postfix user).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files a TLS server presents: its certificate and key, and the chain sent after the certificate. */
export interface TlsFiles {
  cert: string;
  key: string;
  chain?: string;
}

export interface PostfixOptions {
  /** extra/overriding main.cf parameters, e.g. { mynetworks: '0.0.0.0/0' } */
  main?: Record<string, string>;
  /** offer STARTTLS with a freshly generated self-signed cert (openssl, CN = myhostname): 'may' | 'encrypt' (encrypt = MAIL before STARTTLS is refused with 530); default none */
  tls?: 'may' | 'encrypt';
  /** with `tls` (default 'may' when given): serve these instead of the generated cert; weak material (RSA 1024, SHA-1) loads too */
  tlsFiles?: TlsFiles;
  /** TLS from the first byte (smtps, as on port 465: smtpd_tls_wrappermode); implies `tls: 'may'` unless set */
  implicitTls?: boolean;
  /** offer AUTH PLAIN LOGIN through Cyrus SASL (sasldb, a user it creates) before TLS (smtpd_tls_auth_only=no) */
  auth?: boolean;
  /** valid local recipients at the local domain (default ['alice', 'bob', 'postmaster']); null = accept every recipient (local_recipient_maps empty) */
  recipients?: string[] | null;
  /** local domain (mydestination), default 'lab.test'; myhostname default 'mx.lab.test' */
  domain?: string;
  hostname?: string;
  /** loopback address to listen on (default 127.0.0.1), e.g. '127.0.0.31': Linux routes all of 127/8 to lo */
  address?: string;
  /** fixed port (e.g. 587) instead of a free ephemeral one; startPostfix fails if it is taken */
  port?: number;
}

export interface PostfixInstance {
  /** the listening address: `address` or 127.0.0.1 */
  host: string;
  port: number;
  dir: string;
  domain: string;
  hostname: string;
  /** Only with `auth: true`: the SASL account created in sasldb (username is `user@domain`; the bare `user` works too). */
  sasl?: { username: string; password: string };
  /** stops master, removes temp dir; idempotent */
  stop(): Promise<void>;
}

const POSTFIX_BIN = '/usr/sbin/postfix';
const MASTER_BIN = '/usr/lib/postfix/sbin/master';
const DEFAULT_ADDRESS = '127.0.0.1';
const SASL_USER = 'tester';
const SASL_PASSWORD = 'harness-secret-1';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;
/** Lean environment for every program we run: Postfix imports little of it anyway. */
const CHILD_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };

/** true when /usr/sbin/postfix and /usr/lib/postfix/sbin/master exist (and we are root, which master requires). */
export function postfixAvailable(): boolean {
  return existsSync(POSTFIX_BIN) && existsSync(MASTER_BIN) && process.getuid?.() === 0;
}

// ---------------------------------------------------------------------------
// Process bookkeeping: make sure no master outlives the test process.

interface Running {
  pgid: number;
  dir: string;
}
const running = new Set<Running>();
let exitHookInstalled = false;

/** 'exit' handlers must be synchronous: SIGKILL each instance's whole process group and drop its dir. */
function killAllSync(): void {
  for (const r of running) {
    try {
      process.kill(-r.pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    rmSync(r.dir, { recursive: true, force: true, maxRetries: 3 });
  }
  running.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllSync);
}

/**
 * The 'exit' event does not fire when the test process is killed by a signal
 * (e.g. a vitest worker terminated with SIGTERM/SIGKILL). As a backstop each
 * instance gets a tiny detached shell that blocks reading a pipe from us: a
 * line means "stopped cleanly, go away"; EOF means we died, so it kills the
 * master's process group and removes the dir.
 */
function spawnWatchdog(pgid: number, dir: string): ChildProcess {
  const script = [
    'if read -r _; then exit 0; fi',
    // TERM the group, give it up to ~2 s, then KILL whatever is left.
    'kill -TERM -"$1" 2>/dev/null',
    'n=0; while kill -0 -"$1" 2>/dev/null && [ "$n" -lt 20 ]; do sleep 0.1; n=$((n + 1)); done',
    'kill -KILL -"$1" 2>/dev/null',
    'rm -rf -- "$2"',
  ].join('\n');
  const dog = spawn('/bin/sh', ['-c', script, 'postfix-watchdog', String(pgid), dir], {
    detached: true, // own session: a Ctrl-C aimed at the test run must not kill the watchdog first
    stdio: ['pipe', 'ignore', 'ignore'],
    env: CHILD_ENV,
  });
  dog.unref();
  (dog.stdin as net.Socket | null)?.unref();
  dog.on('error', () => undefined);
  dog.stdin?.on('error', () => undefined);
  return dog;
}

/** Non-zombie processes whose process group is `pgid` (Linux /proc). */
function groupMembers(pgid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ..." - comm may contain spaces/parens, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === pgid) found.push(Number(entry));
  }
  return found;
}

// ---------------------------------------------------------------------------
// Small helpers.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Ids {
  postfixUid: number;
  postfixGid: number;
  postdropGid: number;
}
let ids: Ids | undefined;

/** uid/gids of the postfix user and postdrop group, via NSS (getent), looked up once. */
function postfixIds(): Ids {
  if (ids) return ids;
  const getent = (db: string, key: string): string[] => {
    const r = spawnSync('getent', [db, key], { encoding: 'utf8', env: CHILD_ENV });
    if (r.status !== 0) throw new Error(`postfix harness: getent ${db} ${key} failed (is the postfix package installed?)`);
    return r.stdout.trim().split(':');
  };
  const pw = getent('passwd', 'postfix');
  ids = { postfixUid: Number(pw[2]), postfixGid: Number(pw[3]), postdropGid: Number(getent('group', 'postdrop')[2]) };
  return ids;
}

/** Run a program to completion; reject with its stderr on failure. */
function run(cmd: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], env: CHILD_ENV });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`postfix harness: ${cmd} exited with ${code}: ${stderr.trim()}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/** Ask the kernel for a free loopback port. Racy by nature; startPostfix retries if master cannot bind it. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether we can bind `port` on loopback right now. */
function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/**
 * Write a file Postfix will parse, with its mtime a minute in the past: Postfix re-reads a
 * dictionary/config file in 300 ms naps until its mtime is a couple of seconds old (guarding
 * against half-written files), which would add ~2 s to every start.
 */
function writeConfig(path: string, content: string): void {
  writeFileSync(path, content);
  const past = new Date(Date.now() - 60_000);
  utimesSync(path, past, past);
}

function mkdirOwned(path: string, uid: number, gid: number, mode: number): void {
  mkdirSync(path, { recursive: true });
  chownSync(path, uid, gid);
  chmodSync(path, mode); // explicit: mkdir's mode is filtered by the umask
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tail(file: string, lines = 15): string {
  return readLog(file).trimEnd().split('\n').slice(-lines).join('\n') || '(empty maillog)';
}

// ---------------------------------------------------------------------------
// Config generation.

/** Queue layout as in /etc/postfix/postfix-files (we cannot use `postfix set-permissions`: it also touches /usr). */
function createQueue(spool: string, data: string): void {
  const { postfixUid, postdropGid } = postfixIds();
  mkdirOwned(spool, 0, 0, 0o755);
  mkdirOwned(join(spool, 'pid'), 0, 0, 0o755);
  for (const d of ['active', 'bounce', 'corrupt', 'defer', 'deferred', 'flush', 'hold', 'incoming', 'private', 'saved', 'trace']) {
    mkdirOwned(join(spool, d), postfixUid, 0, 0o700);
  }
  mkdirOwned(join(spool, 'maildrop'), postfixUid, postdropGid, 0o730);
  mkdirOwned(join(spool, 'public'), postfixUid, postdropGid, 0o710);
  mkdirOwned(data, postfixUid, 0, 0o700);
}

function renderMainCf(params: Record<string, string>): string {
  return (
    Object.entries(params)
      .map(([key, value]) => {
        if (!/^\w+$/.test(key)) throw new Error(`postfix harness: bad main.cf parameter name ${JSON.stringify(key)}`);
        if (/[\r\n]/.test(value)) throw new Error(`postfix harness: main.cf value for ${key} must be a single line`);
        return value === '' ? `${key} =` : `${key} = ${value}`;
      })
      .join('\n') + '\n'
  );
}

/** Only the services this setup can use; everything unchrooted so nothing needs copying into a jail. */
function renderMasterCf(host: string, port: number, tls: boolean): string {
  // service type private unpriv chroot wakeup maxproc command
  const lines = [
    `${host}:${port} inet n - n - - smtpd`,
    'pickup    unix  n - n 60    1 pickup',
    'cleanup   unix  n - n -     0 cleanup',
    'qmgr      unix  n - n 300   1 qmgr',
    'rewrite   unix  - - n -     - trivial-rewrite',
    'bounce    unix  - - n -     0 bounce',
    'defer     unix  - - n -     0 bounce',
    'trace     unix  - - n -     0 bounce',
    'verify    unix  - - n -     1 verify',
    'flush     unix  n - n 1000? 0 flush',
    'proxymap  unix  - - n -     - proxymap',
    'anvil     unix  - - n -     1 anvil',
    'scache    unix  - - n -     1 scache',
    'discard   unix  - - n -     - discard',
    'error     unix  - - n -     - error',
    'retry     unix  - - n -     - error',
    // postlogd writes maillog_file, so no syslog daemon is needed.
    'postlog   unix-dgram n - n - 1 postlogd',
  ];
  // smtpd asks tlsmgr for PRNG seed / session cache when TLS is on.
  if (tls) lines.push('tlsmgr    unix  - - n 1000? 1 tlsmgr');
  return lines.join('\n') + '\n';
}

async function makeCert(tlsDir: string, hostname: string): Promise<TlsFiles> {
  mkdirSync(tlsDir, { recursive: true });
  const cert = join(tlsDir, 'cert.pem');
  const key = join(tlsDir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30',
    '-keyout', key, '-out', cert,
    '-subj', `/CN=${hostname}`, '-addext', `subjectAltName=DNS:${hostname}`,
  ]);
  chmodSync(key, 0o600); // smtpd loads it as root before dropping privileges
  return { cert, key };
}

async function makeSasl(dir: string, etc: string, domain: string): Promise<{ configDir: string }> {
  const { postfixUid, postfixGid } = postfixIds();
  // Debian's smtpd looks for <config_directory>/sasl/<smtpd_sasl_path>.conf whatever
  // cyrus_sasl_config_path says; upstream Postfix honours cyrus_sasl_config_path. Satisfy both.
  const configDir = join(etc, 'sasl');
  const db = join(dir, 'sasldb2');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, 'smtpd.conf'),
    ['pwcheck_method: auxprop', 'auxprop_plugin: sasldb', 'mech_list: PLAIN LOGIN', `sasldb_path: ${db}`, ''].join('\n'),
  );
  await run('saslpasswd2', ['-f', db, '-c', '-p', '-u', domain, SASL_USER], SASL_PASSWORD);
  // smtpd reads sasldb after dropping privileges to the postfix user.
  chownSync(db, postfixUid, postfixGid);
  chmodSync(db, 0o640);
  return { configDir };
}

// ---------------------------------------------------------------------------
// Start / stop.

/** Resolve when the port answers with a 220 line; reject early if master exits. */
async function waitForBanner(master: ChildProcess, host: string, port: number, implicitTls: boolean, deadline: number): Promise<void> {
  let exited = master.exitCode !== null || master.signalCode !== null;
  master.once('exit', () => (exited = true));
  while (!exited) {
    if (Date.now() > deadline) throw new Error(`postfix harness: no SMTP banner on ${host}:${port} within ${START_TIMEOUT_MS} ms`);
    const banner = await readBanner(host, port, implicitTls).catch(() => undefined);
    if (banner !== undefined && !exited) {
      if (!banner.startsWith('220')) throw new Error(`postfix harness: unexpected banner on ${host}:${port}: ${banner}`);
      return;
    }
    await sleep(20);
  }
  throw new Error('postfix harness: master exited during startup');
}

function readBanner(host: string, port: number, implicitTls: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    // Any certificate, however weak: this only waits for smtpd to answer.
    const sock = implicitTls ? tls.connect({ host, port, rejectUnauthorized: false, ciphers: 'DEFAULT:@SECLEVEL=0' }) : net.connect({ host, port });
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('banner timeout'));
    }, 2000);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      const eol = buf.indexOf('\n');
      if (eol < 0) return;
      clearTimeout(timer);
      sock.end('QUIT\r\n'); // polite goodbye so smtpd does not log a lost connection
      resolve(buf.slice(0, eol).trimEnd());
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      reject(new Error('closed before banner'));
    });
  });
}

/** SIGTERM the master (it forwards the signal to its process group), then make sure the group is empty. */
async function stopMaster(master: ChildProcess, pgid: number): Promise<void> {
  if (master.exitCode === null && master.signalCode === null) {
    const exited = new Promise<void>((resolve) => master.once('exit', () => resolve()));
    try {
      master.kill('SIGTERM');
    } catch {
      /* already gone */
    }
    const timedOut = await Promise.race([exited.then(() => false), sleep(STOP_TIMEOUT_MS).then(() => true)]);
    if (timedOut) killGroup(pgid);
    await exited;
  }
  // Daemons exit on their own SIGTERM; wait for them, then force.
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupMembers(pgid).length > 0) {
    if (Date.now() > deadline) {
      killGroup(pgid);
      await sleep(50);
      break;
    }
    await sleep(10);
  }
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export async function startPostfix(opts: PostfixOptions = {}): Promise<PostfixInstance> {
  if (!postfixAvailable()) {
    throw new Error(`postfix harness: needs root and ${POSTFIX_BIN} + ${MASTER_BIN} (apt-get install postfix)`);
  }
  const domain = opts.domain ?? 'lab.test';
  const hostname = opts.hostname ?? 'mx.lab.test';
  const recipients = opts.recipients === undefined ? ['alice', 'bob', 'postmaster'] : opts.recipients;
  const host = opts.address ?? DEFAULT_ADDRESS;
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new Error(`postfix harness: address must be an IPv4 loopback address, got ${host}`);

  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-postfix-'));
  chmodSync(dir, 0o755); // postfix-owned daemons must traverse it (sasldb, maps)
  try {
    const etc = join(dir, 'etc');
    const spool = join(dir, 'spool');
    const data = join(dir, 'data');
    const maillog = join(dir, 'maillog');
    mkdirSync(etc);
    createQueue(spool, data);

    const main: Record<string, string> = {
      compatibility_level: '3.6',
      queue_directory: spool,
      data_directory: data,
      // Log through postlogd into our dir: no syslog daemon required.
      maillog_file: maillog,
      maillog_file_prefixes: dir,
      myhostname: hostname,
      mydomain: domain,
      myorigin: domain,
      mydestination: domain,
      relay_domains: '',
      // Postfix refuses an inet_interfaces address that no interface carries (127.0.0.31 is only
      // routed to lo); the smtpd line in master.cf names the listening address itself.
      inet_interfaces: DEFAULT_ADDRESS,
      inet_protocols: 'ipv4',
      // The tests connect from 127.0.0.1 as an *outside* client, so loopback must not be trusted.
      mynetworks_style: 'host',
      mynetworks: '192.0.2.1/32',
      smtpd_relay_restrictions: 'permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination',
      local_recipient_maps: '',
      // Nothing ever leaves the machine: every address class is delivered to /dev/null.
      default_transport: 'discard',
      relay_transport: 'discard',
      local_transport: 'discard',
      virtual_transport: 'discard',
      // No DNS anywhere: no client reverse lookups, no MX lookups, and no /etc/aliases.
      smtpd_peername_lookup: 'no',
      smtp_dns_support_level: 'disabled',
      alias_maps: '',
      alias_database: '',
      biff: 'no',
      disable_vrfy_command: 'yes',
      message_size_limit: '10485760',
      smtpd_banner: '$myhostname ESMTP',
    };

    if (recipients !== null) {
      const recipientsFile = join(etc, 'recipients');
      // texthash: read directly by smtpd, no postmap/Berkeley DB step needed.
      writeConfig(recipientsFile, recipients.map((r) => `${r.includes('@') ? r : `${r}@${domain}`} ok\n`).join(''));
      main.local_recipient_maps = `texthash:${recipientsFile}`;
    }

    const tlsLevel = opts.tls ?? (opts.tlsFiles || opts.implicitTls ? 'may' : undefined);
    if (tlsLevel) {
      const { cert, key, chain } = opts.tlsFiles ?? (await makeCert(join(dir, 'tls'), hostname));
      Object.assign(main, {
        // One list, key first, then the certificate and what follows it on the wire.
        smtpd_tls_chain_files: [key, cert, ...(chain ? [chain] : [])].join(', '),
        smtpd_tls_security_level: tlsLevel,
      });
      // Served material may be weak on purpose (RSA 1024, SHA-1): smtpd applies this cipher list
      // (smtpd_tls_ciphers = medium) to every session, and at OpenSSL's security level 2 the
      // handshake fails with "ee key too small" / "ca md too weak". Level 0 lets it be served.
      if (opts.tlsFiles) main.tls_medium_cipherlist = 'aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH:@SECLEVEL=0';
      if (opts.implicitTls) main.smtpd_tls_wrappermode = 'yes';
    }

    let sasl: PostfixInstance['sasl'];
    if (opts.auth) {
      const { configDir } = await makeSasl(dir, etc, domain);
      Object.assign(main, {
        smtpd_sasl_auth_enable: 'yes',
        smtpd_sasl_type: 'cyrus',
        smtpd_sasl_path: 'smtpd',
        cyrus_sasl_config_path: configDir,
        // Lets clients log in as plain "tester" as well as "tester@domain" (the sasldb realm).
        smtpd_sasl_local_domain: domain,
        smtpd_tls_auth_only: 'no',
        broken_sasl_auth_clients: 'no',
      });
      sasl = { username: `${SASL_USER}@${domain}`, password: SASL_PASSWORD };
    }

    Object.assign(main, opts.main ?? {});
    writeConfig(join(etc, 'main.cf'), renderMainCf(main));

    const deadline = Date.now() + START_TIMEOUT_MS;
    let lastError: unknown;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const port = opts.port ?? (await freePort(host));
      // Else waitForBanner would take the banner of whoever holds the port for ours.
      if (opts.port !== undefined && !(await portFree(host, port))) throw new Error(`postfix harness: ${host}:${port} is already in use`);
      writeConfig(join(etc, 'master.cf'), renderMasterCf(host, port, tlsLevel !== undefined));

      // No -d: master redirects stdio to /dev/null and calls setsid(), so pid == pgid of the instance.
      const master = spawn(MASTER_BIN, ['-c', etc], { stdio: 'ignore', env: CHILD_ENV });
      const spawned = await new Promise<number>((resolve, reject) => {
        master.once('spawn', () => resolve(master.pid as number));
        master.once('error', reject);
      });
      const entry: Running = { pgid: spawned, dir };
      running.add(entry);
      installExitHook();
      const watchdog = spawnWatchdog(spawned, dir);

      const release = (): void => {
        running.delete(entry);
        watchdog.stdin?.end('stopped\n');
      };

      try {
        await waitForBanner(master, host, port, opts.implicitTls === true, deadline);
      } catch (err) {
        lastError = err;
        await stopMaster(master, spawned);
        release();
        // A port grabbed by someone else between freePort() and master's bind() makes master exit: try another one.
        if (opts.port === undefined && !(await portFree(host, port)) && Date.now() < deadline) continue;
        // master's own fatal errors go to postlogd, which is not up yet, so they are lost; `postfix check`
        // writes straight into maillog_file and catches most configuration mistakes.
        spawnSync(POSTFIX_BIN, ['-c', etc, 'check'], { stdio: 'ignore', env: CHILD_ENV, timeout: 10_000 });
        break;
      }

      let stopping: Promise<void> | undefined;
      return {
        host,
        port,
        dir,
        domain,
        hostname,
        ...(sasl ? { sasl } : {}),
        stop(): Promise<void> {
          stopping ??= (async () => {
            await stopMaster(master, spawned);
            release();
            rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
          })();
          return stopping;
        },
      };
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new Error(`${reason}\n--- ${maillog} ---\n${tail(maillog)}`);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    throw err;
  }
}
