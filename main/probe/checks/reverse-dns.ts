// Reverse DNS of the mail host: receivers distrust senders without a PTR that resolves back
// (FCrDNS), and a banner naming another host than the PTR confuses diagnosis.
import { defineCheck, type RaisedFinding } from '../define-check.js';
import { ptrName } from '../../dns/reverse-name.js';
import { reasonOf } from '../smtp-steps.js';

type O = 'dns.ptr-missing' | 'dns.fcrdns-mismatch' | 'smtp.banner-hostname-mismatch';

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? reasonOf(err);

export default defineCheck<O>({
  id: 'reverse-dns',
  title: 'Reverse DNS (PTR), forward-confirmed, and the banner host name',
  category: 'dns',
  active: false,
  timeoutMs: 20_000,
  references: ['RFC 1912 section 2.1', 'RFC 8499 (FCrDNS)', 'M3AAWG Outbound Email Policies'],
  outcomes: {
    'dns.ptr-missing': {
      severity: 'medium',
      title: 'No reverse DNS for the mail host address',
      description: 'The address has no PTR record. Many receivers refuse or score down mail from addresses without reverse DNS, and it hampers tracing.',
      remediation: "Ask the address owner (ISP or hosting provider) for a PTR record naming the mail host's public name.",
    },
    'dns.fcrdns-mismatch': {
      severity: 'low',
      title: 'Reverse DNS is not forward-confirmed',
      description: 'The PTR name does not resolve back to the same address (FCrDNS fails), which receivers treat like a missing PTR.',
      remediation: 'Give the PTR name an A/AAAA record with this address, or point the PTR at a name that has one.',
    },
    'smtp.banner-hostname-mismatch': {
      severity: 'info',
      title: 'Banner host name differs from reverse DNS',
      description: 'The host name in the SMTP greeting is not the PTR name of the address. Harmless by itself, but consistent names ease diagnosis and some filters compare them.',
      remediation: 'Make the greeting name (Postfix myhostname, Exchange FQDN of the connector) match the PTR name.',
    },
  },
  async run(ctx) {
    const address = ctx.target.address;
    const question = ptrName(address);
    let names: string[] = [];
    try {
      names = (await ctx.resolver.query(question, 'PTR')) as string[];
    } catch (err) {
      const code = errCode(err);
      if (code !== 'ENOTFOUND' && code !== 'ENODATA') return { inconclusive: `PTR lookup ${question}: ${code}` };
    }
    const findings: RaisedFinding<O>[] = [];
    const facts: Record<string, unknown> = { ptr: { address, names, forwardConfirmed: null as boolean | null, bannerName: null as string | null } };
    const ptr = facts.ptr as { forwardConfirmed: boolean | null; bannerName: string | null };
    if (!names.length) {
      findings.push({ outcome: 'dns.ptr-missing', detail: `${question} has no PTR record.`, evidence: { question } });
      return { findings, facts };
    }
    const forward = await Promise.all(names.map((n) => ctx.resolver.resolveAddresses(n).catch(() => [] as string[])));
    ptr.forwardConfirmed = forward.some((addrs) => addrs.includes(address));
    if (!ptr.forwardConfirmed) {
      findings.push({ outcome: 'dns.fcrdns-mismatch', detail: `PTR ${names.join(', ')} resolves to ${forward.flat().join(', ') || 'nothing'}, not ${address}.`, evidence: { question, names, forward } });
    }
    // The greeting's first word is the name the server calls itself.
    try {
      const session = await ctx.connect();
      ptr.bannerName = session.greeting.lines[0]?.split(/\s+/)[0]?.toLowerCase().replace(/\.$/, '') ?? null;
      await session.quit();
    } catch (err) {
      return { findings, facts, inconclusive: `PTR checked, but the greeting could not be read: ${reasonOf(err)}` };
    }
    const ptrNames = names.map((n) => n.toLowerCase().replace(/\.$/, ''));
    if (ptr.bannerName && !ptrNames.includes(ptr.bannerName)) {
      findings.push({ outcome: 'smtp.banner-hostname-mismatch', detail: `Greeting says ${ptr.bannerName}; PTR says ${ptrNames.join(', ')}.`, evidence: { transcript: ctx.transcript.lines() } });
    }
    return { findings, facts };
  },
});
