// `mxaudit probe` as a user runs it: the built CLI in a child process against real Postfix.
// Its JSON is validated against the committed JSON Schema in shared/.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostfix, type PostfixInstance } from '../../support/postfix.js';
import { describePostfix } from '../../support/probe-postfix.js';
import { startLabDns, type LabDnsServer } from '../../support/lab-dns.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = resolve(root, 'main/cli/bin.mjs');
const schema = JSON.parse(readFileSync(resolve(root, 'shared/assessment.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

async function mxaudit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('mxaudit CLI usage', () => {
  it.each([
    [['probe'], /give a target .* or a domain/],
    [['probe', 'bad host!'], /invalid target/],
    [['probe', '127.0.0.1', '--fail-on', 'severe'], /--fail-on: /],
    [['probe', '127.0.0.1', '--checks', 'ehlo,nope'], /unknown check\(s\): nope/],
    [['probe', '127.0.0.1', '--dns', 'resolver.example'], /invalid DNS server/],
    [['probe', '127.0.0.1', '--valid-rcpt', 'not-an-address'], /--valid-rcpt: expected an address/],
    [['probe', '127.0.0.1', '--relay-canary', 'me@example.org'], /--relay-canary needs --i-am-authorized/],
    [['probe', '127.0.0.1', '--ca', '/nonexistent.pem'], /--ca \/nonexistent\.pem: no such file/],
    [['probe', '127.0.0.1', '--bogus'], /Unknown option '--bogus'/],
    [['probe', '127.0.0.1', '--rbl-only'], /--rbl-only needs --rbl/],
    [['probe', '127.0.0.1', '--rbl', 'bad zone!'], /--rbl: invalid block list zone/],
    [['probe', '127.0.0.1', '--spf-test-ip', 'nope'], /--spf-test-ip: expected an IP address/],
    [['probe', '127.0.0.1', '--port', '0'], /--port must be 1-65535/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const r = await mxaudit(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/--help/);
  });

  it('an unreachable target exits 2 and says why', async () => {
    const r = await mxaudit('probe', '127.0.0.1:1', '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/target unreachable: 127\.0\.0\.1:1: .*ECONNREFUSED/);
  });

  it('--help and --version', async () => {
    expect((await mxaudit('probe', '--help')).stdout).toMatch(/--i-am-authorized/);
    expect((await mxaudit('--version')).stdout.trim()).toBe(JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version);
  });
});

describePostfix('mxaudit probe against real Postfix', () => {
  let open: PostfixInstance;
  let closed: PostfixInstance;
  let dns: LabDnsServer;
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-cli-'));
  beforeAll(async () => {
    [open, closed, dns] = await Promise.all([
      startPostfix({ recipients: null, auth: true, main: { mynetworks: '127.0.0.0/8', disable_vrfy_command: 'no' } }),
      startPostfix({ tls: 'may', main: { smtpd_discard_ehlo_keywords: 'etrn' } }),
      startLabDns({
        'lab.test': { MX: [{ priority: 10, exchange: 'mx.lab.test' }] },
        'mx.lab.test': { A: ['127.0.0.1'] },
        '1.0.0.127.in-addr.arpa': { PTR: ['mx.lab.test'] },
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open, closed, dns].map((p) => p?.stop()));
  });

  it('writes a schema-valid JSON assessment, prints findings by severity and a summary, exits 0', async () => {
    const json = join(dir, 'open.json');
    const r = await mxaudit('probe', `127.0.0.1:${open.port}`, '--domain', 'lab.test', '--dns', dns.server, '--i-am-authorized', '--checks', 'ehlo,open-relay,recipients,size-limit', '--json', json);
    expect(r.code).toBe(0);
    const a = JSON.parse(readFileSync(json, 'utf8'));
    expect(validate(a), JSON.stringify(validate.errors)).toBe(true);
    expect(a).toMatchObject({ schemaVersion: 1, tool: { name: 'mxaudit' }, target: { host: '127.0.0.1', port: open.port, addresses: ['127.0.0.1'], domain: 'lab.test' } });
    expect(a.facts.relay.open).toBe(true);
    expect(a.findings.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining(['smtp.open-relay', 'smtp.auth-before-tls', 'smtp.auth-exposed', 'smtp.accepts-unknown-recipients']),
    );
    expect(r.stdout.indexOf('CRITICAL (1)')).toBeLessThan(r.stdout.indexOf('HIGH'));
    expect(r.stdout).toMatch(/smtp\.open-relay: Open relay/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ findings \(1 critical, 1 high, \d+ medium, \d+ low, \d+ info\); 4 checks .* in \d+\.\d s$/);
  });

  it('--fail-on exits 1 when a finding reaches the threshold, 0 otherwise', async () => {
    expect((await mxaudit('probe', `127.0.0.1:${open.port}`, '--checks', 'ehlo', '--fail-on', 'high', '-q')).code).toBe(1);
    expect((await mxaudit('probe', `127.0.0.1:${closed.port}`, '--checks', 'ehlo', '--fail-on', 'low', '-q')).code).toBe(0);
  });

  it('--format json prints the assessment; without --i-am-authorized active checks are skipped', async () => {
    const r = await mxaudit('probe', `127.0.0.1:${closed.port}`, '--domain', 'lab.test', '--dns', dns.server, '--format', 'json', '-q');
    const a = JSON.parse(r.stdout);
    expect(validate(a), JSON.stringify(validate.errors)).toBe(true);
    const skipped = a.checks.filter((c: { status: string; reason: string }) => c.status === 'skipped' && /--i-am-authorized/.test(c.reason));
    expect(skipped.map((c: { id: string }) => c.id)).toEqual(['open-relay', 'recipients', 'size-limit', 'harvest', 'submission']);
    expect(a.options.resolver).toEqual([dns.server]);
    expect(a.facts.ehloAfterTls.starttls).toBe(false);
  });

  it('--domain without a host probes every address of the MX set', async () => {
    const r = await mxaudit('probe', '--domain', 'lab.test', '--dns', dns.server, '--port', String(closed.port), '--checks', 'mx,ehlo', '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/MX of lab\.test: 10 mx\.lab\.test \(127\.0\.0\.1\)/);
    const a = JSON.parse(r.stdout);
    expect(validate(a), JSON.stringify(validate.errors)).toBe(true);
    expect(a.hosts).toMatchObject([{ host: 'mx.lab.test', port: closed.port, addresses: ['127.0.0.1'] }]);
    expect(a.domainFacts.mx.hosts).toEqual([{ exchange: 'mx.lab.test', priority: 10, addresses: ['127.0.0.1'] }]);
    expect(a.facts.ehlo.starttls).toBe(true);
  });

  it('several hosts: facts are kept per host', async () => {
    const r = await mxaudit('probe', `127.0.0.1:${open.port}`, `127.0.0.1:${closed.port}`, '--checks', 'ehlo', '--format', 'json', '-q');
    const a = JSON.parse(r.stdout);
    expect(validate(a), JSON.stringify(validate.errors)).toBe(true);
    expect(a.hosts.map((h: { port: number }) => h.port)).toEqual([open.port, closed.port]);
    expect(a.hosts[0].facts.ehlo.auth).toEqual(expect.arrayContaining(['PLAIN']));
    expect(a.hosts[1].facts.ehlo.auth).toEqual([]);
    expect(a.checks).toHaveLength(2);
  });
});
