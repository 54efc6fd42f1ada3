// A backup MX weaker than the primary is a classic hole: spammers go straight for it.
// Compares what each probed host showed and names every difference.
import type { HostFacts } from '../../../shared/assessment.js';
import { defineCheck } from '../define-check.js';

type O = 'smtp.mx-inconsistent';

/** The security-relevant facts compared across hosts, each as a short readable value. */
const ASPECTS: Record<string, (f: HostFacts) => string | null> = {
  'STARTTLS offered': (f) => (f.ehlo ? String(f.ehlo.starttls) : null),
  'AUTH before TLS': (f) => (f.ehlo ? f.ehlo.auth.join(' ') || 'none' : null),
  'SIZE limit': (f) => (f.ehlo ? String(f.ehlo.size ?? 'none') : null),
  'open relay': (f) => (f.relay ? String(f.relay.open) : null),
  'accepts unknown recipients': (f) => (f.recipients?.acceptAll == null ? null : String(f.recipients.acceptAll)),
  VRFY: (f) => (f.recipients?.vrfy ? f.recipients.vrfy.slice(0, 3) : null),
  'unknown recipient reply': (f) => (f.recipients?.unknownReply ? f.recipients.unknownReply.slice(0, 3) : null),
  'harvest delay': (f) => (f.harvest ? String(f.harvest.defence.delayed) : null),
  'size enforced': (f) => (f.size?.enforced == null ? null : String(f.size.enforced)),
};

export default defineCheck<O>({
  id: 'mx-consistency',
  title: 'Consistency of the MX hosts',
  category: 'smtp',
  scope: 'summary',
  active: false,
  timeoutMs: 5_000,
  references: ['RFC 5321 section 5.1'],
  outcomes: {
    'smtp.mx-inconsistent': {
      severity: 'medium',
      title: 'MX hosts are not configured alike',
      description: 'The hosts that receive mail for the domain differ in security-relevant behaviour; attackers use the weakest one (often the backup MX).',
      remediation: 'Apply the same relay, recipient-validation, TLS, AUTH and size policy to every MX host, backups included.',
    },
  },
  async run(ctx) {
    const hosts = (ctx.hosts ?? []).filter((h) => Object.keys(h.facts).length > 0);
    if (hosts.length < 2) return { notApplicable: 'fewer than two hosts were probed' };
    const differences: Record<string, Record<string, string>> = {};
    for (const [aspect, read] of Object.entries(ASPECTS)) {
      const values = hosts.map((h) => [`${h.host}:${h.port} (${h.addresses[0] ?? '?'})`, read(h.facts)] as const);
      const seen = values.filter(([, v]) => v !== null);
      if (new Set(seen.map(([, v]) => v)).size > 1) differences[aspect] = Object.fromEntries(seen as [string, string][]);
    }
    const facts = { mxConsistency: { hosts: hosts.length, differences } };
    const names = Object.keys(differences);
    if (!names.length) return { facts };
    const detail = names.map((n) => `${n}: ${Object.entries(differences[n]).map(([h, v]) => `${h} = ${v}`).join(', ')}`).join('; ');
    return { facts, findings: [{ outcome: 'smtp.mx-inconsistent', detail: `Differences: ${detail}.`, evidence: { differences } }] };
  },
});
