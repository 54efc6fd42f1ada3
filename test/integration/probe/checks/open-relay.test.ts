import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostfix, type PostfixInstance } from '../../../support/postfix.js';
import { describePostfix, findingIds, probePostfix } from '../../../support/probe-postfix.js';

describePostfix('open-relay check against real Postfix', () => {
  let closed: PostfixInstance;
  let open: PostfixInstance;
  let openAfterTls: PostfixInstance;
  let acceptAll: PostfixInstance;
  let withSpf: PostfixInstance;
  beforeAll(async () => {
    [closed, open, openAfterTls, acceptAll, withSpf] = await Promise.all([
      startPostfix({ tls: 'may' }),
      startPostfix({ main: { mynetworks: '127.0.0.0/8' } }),
      // Demands STARTTLS before MAIL (530), and relays once it is on: nmap gives up here.
      startPostfix({ tls: 'encrypt', main: { mynetworks: '127.0.0.0/8' } }),
      startPostfix({ recipients: null }),
      // Stands in for an SPF check: mail claiming the own domain from outside is refused.
      startPostfix({ main: { smtpd_sender_restrictions: 'check_sender_access inline:{ {lab.test=REJECT Own domain from outside} }' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([closed, open, openAfterTls, acceptAll, withSpf].map((p) => p?.stop()));
  });

  it('closed relay: every external envelope refused; own-domain spoof for a local recipient accepted', async () => {
    const a = await probePostfix(closed, ['open-relay']);
    expect(a.facts.relay).toMatchObject({ open: false, tested: 18, accepted: [], tempFailed: 0, viaTls: false, spoofedLocalSenderAccepted: true });
    expect(findingIds(a)).toEqual(['smtp.spoofed-local-sender']);
    expect(a.checks[0].status).toBe('fail');
  });

  it('open relay: critical finding with the accepted pairs and the transcript, never DATA', async () => {
    const a = await probePostfix(open, ['open-relay']);
    expect(a.facts.relay?.open).toBe(true);
    const f = a.findings.find((x) => x.id === 'smtp.open-relay')!;
    expect(f.severity).toBe('critical');
    const accepted = f.evidence.accepted as { from: string; to: string }[];
    expect(accepted).toContainEqual(expect.objectContaining({ from: 'antispam@example.com', to: 'relaytest@example.com' }));
    expect(f.evidence.transcript!.some((l) => / -> RCPT TO:<relaytest@example\.com>$/.test(l))).toBe(true);
    expect(f.evidence.transcript!.some((l) => / <- 250 2\.1\.5 Ok$/.test(l))).toBe(true);
    expect(f.evidence.transcript!.some((l) => /-> DATA/.test(l))).toBe(false);
    expect(f.description).toMatch(/Verdict staged at RCPT/);
    // The text names the first three envelopes; the evidence keeps every one.
    expect(accepted.length).toBeGreaterThan(3);
    expect(f.description.match(/ -> </g)).toHaveLength(3);
    expect(f.description).toContain(`and ${accepted.length - 3} more (all listed in the evidence)`);
  });

  it('relay that opens only after STARTTLS is found (530 first, then upgrade)', async () => {
    const a = await probePostfix(openAfterTls, ['open-relay']);
    expect(a.facts.relay).toMatchObject({ open: true, viaTls: true });
    const f = a.findings.find((x) => x.id === 'smtp.open-relay')!;
    expect(f.description).toMatch(/after STARTTLS/);
    expect(f.evidence.transcript!.some((l) => / <- 530 5\.7\.0 Must issue a STARTTLS command first/.test(l))).toBe(true);
    expect(f.evidence.transcript!.some((l) => / ~> RCPT TO:<relaytest@example\.com>$/.test(l))).toBe(true);
  });

  it('accept-all recipients is not mistaken for an open relay (quoted and %-hack pairs refused)', async () => {
    const a = await probePostfix(acceptAll, ['open-relay']);
    expect(a.facts.relay?.open).toBe(false);
    expect(findingIds(a)).not.toContain('smtp.open-relay');
  });

  it('server refusing its own domain from outside: no spoofing finding', async () => {
    const a = await probePostfix(withSpf, ['open-relay']);
    expect(a.facts.relay).toMatchObject({ open: false, spoofedLocalSenderAccepted: false });
    expect(findingIds(a)).toEqual([]);
    expect(a.checks[0].status).toBe('pass');
  });

  it('a canary address, when given, receives exactly one marked message through an open relay', async () => {
    const a = await probePostfix(open, ['open-relay'], { relayCanary: 'canary@example.net' });
    expect(a.facts.relay?.canary).toMatchObject({ to: 'canary@example.net', accepted: true });
    const t = a.findings.find((x) => x.id === 'smtp.open-relay')!.evidence.transcript!;
    expect(t.filter((l) => / -> DATA$/.test(l))).toHaveLength(1);
    expect(t.some((l) => /X-Mxaudit-Canary: [a-z0-9]{16}$/.test(l))).toBe(true);
  });
});
