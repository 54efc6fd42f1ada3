import { afterAll, beforeAll, expect, it } from 'vitest';
import { runProbe } from '../../../../main/probe/engine.js';
import { createResolver } from '../../../../main/net/resolver.js';
import { startPostfix, type PostfixInstance } from '../../../support/postfix.js';
import { baseOptions, describePostfix } from '../../../support/probe-postfix.js';

describePostfix('mx-consistency check against two real Postfix hosts', () => {
  let primary: PostfixInstance;
  let backup: PostfixInstance;
  let twin: PostfixInstance;
  beforeAll(async () => {
    [primary, backup, twin] = await Promise.all([
      startPostfix({ tls: 'may' }),
      // The classic hole: a backup MX that relays and takes any recipient, without TLS.
      startPostfix({ recipients: null, main: { mynetworks: '127.0.0.0/8' } }),
      startPostfix({ tls: 'may' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([primary, backup, twin].map((p) => p?.stop()));
  });

  const probe = (hosts: PostfixInstance[]) =>
    runProbe({
      targets: hosts.map((p, i) => ({ host: `mx${i + 1}.lab.test`, port: p.port, address: p.host })),
      domain: 'lab.test',
      checks: ['ehlo', 'open-relay', 'recipients', 'mx-consistency'],
      options: baseOptions,
      resolver: createResolver(['127.0.0.1:1']),
    });

  it('a weaker backup MX: smtp.mx-inconsistent naming each difference', async () => {
    const a = await probe([primary, backup]);
    const f = a.findings.find((x) => x.id === 'smtp.mx-inconsistent')!;
    expect(f.severity).toBe('medium');
    expect(Object.keys(f.evidence.differences as object)).toEqual(expect.arrayContaining(['STARTTLS offered', 'open relay', 'accepts unknown recipients']));
    expect(f.description).toMatch(new RegExp(`open relay: mx1\\.lab\\.test:${primary.port} \\(127\\.0\\.0\\.1\\) = false, mx2\\.lab\\.test:${backup.port} \\(127\\.0\\.0\\.1\\) = true`));
    expect(a.hosts).toHaveLength(2);
  });

  it('hosts configured alike: no finding', async () => {
    const a = await probe([primary, twin]);
    expect(a.findings.map((f) => f.id)).not.toContain('smtp.mx-inconsistent');
    expect(a.checks.find((c) => c.id === 'mx-consistency')?.status).toBe('pass');
  });
});
