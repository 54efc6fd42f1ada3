// MTA-STS of the mail domain (RFC 8461): whether senders are told to insist on authenticated TLS
// to the domain's MX hosts, which defeats STARTTLS stripping and MX spoofing on the path.
import type { ProbeContext } from '../context.js';
import { defineCheck, type RaisedFinding } from '../define-check.js';
import { selectRecord } from '../../dns/tag-list.js';
import { txtRecords } from '../../dns/txt-records.js';
import { STS_VERSION, parseStsRecord } from '../../dns/mta-sts/sts-record.js';
import { parseStsPolicy, type StsMode } from '../../dns/mta-sts/sts-policy.js';
import { fetchPolicy, PolicyFetchError, type PolicyFetchInput } from '../../dns/mta-sts/fetch-policy.js';
import { uncoveredMx } from '../../dns/mta-sts/mx-pattern.js';

type O = 'mtasts.missing' | 'mtasts.invalid' | 'mtasts.mx-mismatch' | 'mtasts.testing-mode' | 'mtasts.mode-none' | 'mtasts.short-max-age';

/** assessment.domainFacts.mtaSts */
export interface MtaStsFacts {
  /** The _mta-sts TXT record in use. */
  txt: string | null;
  /** The policy file as served (at most 64 KiB). */
  policy: string | null;
  mode: StsMode | null;
  mx: string[];
  maxAge: number | null;
  /** Whether the patterns cover every MX host; null when not compared. */
  mxCovered: boolean | null;
  /** Why senders would not use the policy. */
  error: string | null;
}

/** RFC 8461 section 3.2 expects max_age "in the range of weeks or greater". */
const SHORT_MAX_AGE = 7 * 86_400;

export default defineCheck<O>({
  id: 'mta-sts',
  title: 'MTA-STS policy of the domain',
  category: 'dns',
  scope: 'domain',
  active: false,
  // Three DNS lookups and one HTTPS fetch bounded by the SMTP reply timeout.
  timeoutMs: 45_000,
  references: ['RFC 8461'],
  outcomes: {
    // Low, not info: without MTA-STS (or DANE, which this check does not see) every sender falls
    // back to opportunistic TLS, which an attacker on the path can strip. It is opt-in, hence not medium.
    'mtasts.missing': {
      severity: 'low',
      title: 'No MTA-STS policy',
      description:
        'The domain publishes no _mta-sts TXT record, so senders use TLS only opportunistically: an attacker on the path can strip STARTTLS or impersonate an MX host and read the mail. (DANE, RFC 7672, protects against the same where it is deployed.)',
      remediation:
        'Serve a policy at https://mta-sts.<domain>/.well-known/mta-sts.txt (start with mode: testing), publish "v=STSv1; id=<version>" at _mta-sts.<domain>, and publish TLS-RPT to hear about failures.',
      references: ['RFC 8461 section 3', 'RFC 7672'],
    },
    'mtasts.invalid': {
      severity: 'medium',
      title: 'MTA-STS is announced but unusable',
      description:
        'The domain announces MTA-STS, but the TXT record is malformed or the policy cannot be fetched or parsed. Senders then behave as if there were no policy: the protection the owner set up does not exist.',
      remediation:
        'Publish one valid "v=STSv1; id=..." record and serve the policy over HTTPS with a publicly trusted certificate for mta-sts.<domain>, status 200, Content-Type text/plain, no redirect, with version, mode, mx and max_age fields.',
      references: ['RFC 8461 section 3.1', 'RFC 8461 section 3.2', 'RFC 8461 section 3.3'],
    },
    'mtasts.mx-mismatch': {
      severity: 'high',
      title: 'MTA-STS policy does not cover all MX hosts',
      description:
        'Some MX hosts of the domain match no mx pattern of the policy. In enforce mode, compliant senders refuse to deliver to those hosts, so mail is delayed or bounced; in testing mode they report failures and would fail once the policy is enforced.',
      remediation: 'List every MX host (or a *.parent wildcard, which matches one label) in the policy, update the id= of the TXT record, and keep both in step whenever the MX records change.',
      references: ['RFC 8461 section 4.1'],
    },
    'mtasts.testing-mode': {
      severity: 'low',
      title: 'MTA-STS policy in testing mode',
      description: 'The policy is in testing mode: senders report TLS failures but still deliver over unauthenticated or downgraded connections, so mail is not yet protected.',
      remediation: 'Once the TLS-RPT reports show no failures, switch the policy to mode: enforce and update the id= of the TXT record.',
      references: ['RFC 8461 section 5'],
    },
    'mtasts.mode-none': {
      severity: 'low',
      title: 'MTA-STS policy in mode none',
      description: 'The policy has mode "none", which withdraws MTA-STS: senders stop applying it, and mail is back to opportunistic TLS.',
      remediation: 'Unless the policy is being retired on purpose, publish mode: testing or enforce with the MX patterns of the domain.',
      references: ['RFC 8461 section 8.3'],
    },
    'mtasts.short-max-age': {
      severity: 'info',
      title: 'MTA-STS policy lifetime is short',
      description: 'The enforced policy has a max_age under one week. Senders cache it for only that long, which widens the window in which an attacker can block the policy fetch and strip TLS.',
      remediation: 'Raise max_age to weeks (e.g. 1209600 for two weeks, up to 31557600) once the policy is stable.',
      references: ['RFC 8461 section 3.2', 'RFC 8461 section 10.2'],
    },
  },
  async run(ctx) {
    const domain = ctx.target.domain!;
    const facts: MtaStsFacts = { txt: null, policy: null, mode: null, mx: [], maxAge: null, mxCovered: null, error: null };
    const findings: RaisedFinding<O>[] = [];
    const done = (inconclusive?: string) => ({ findings, inconclusive, facts: { mtaSts: facts } });
    const invalid = (error: string, evidence: Record<string, unknown>) => {
      facts.error = error;
      findings.push({ outcome: 'mtasts.invalid', detail: `${error}.`, evidence });
      return done();
    };

    const txtName = `_mta-sts.${domain}`;
    let records: string[];
    try {
      records = await txtRecords(ctx.resolver, txtName);
    } catch (err) {
      return done((err as Error).message);
    }
    const selected = selectRecord(records, STS_VERSION, txtName);
    facts.txt = selected.record;
    if (!selected.record && !selected.errors.length) {
      findings.push({ outcome: 'mtasts.missing', detail: `No MTA-STS record at ${txtName}.`, evidence: { queried: [txtName] } });
      return done();
    }
    const txtErrors = [...selected.errors, ...(selected.record ? parseStsRecord(selected.record).errors : [])];
    if (txtErrors.length) return invalid(txtErrors.join('; '), { records });

    // The policy host is resolved by our resolver, like every other name of the assessment.
    const host = `mta-sts.${domain}`;
    let addresses: string[];
    try {
      addresses = await ctx.resolver.resolveAddresses(host);
    } catch (err) {
      return done(`cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!addresses.length) return invalid(`${host} has no A or AAAA record, so the policy cannot be fetched`, { queried: [host] });
    let body: string;
    try {
      body = await fetchPolicy(fetchInput(ctx, host, addresses));
    } catch (err) {
      if (err instanceof PolicyFetchError) return invalid(err.message, { transcript: ctx.transcript.lines() });
      throw err;
    }
    const policy = parseStsPolicy(body);
    Object.assign(facts, { policy: body, mode: policy.mode, mx: policy.mx, maxAge: policy.maxAge });
    const evidence = { record: selected.record, policy: body, transcript: ctx.transcript.lines() };
    if (policy.errors.length) return invalid(`The policy is not valid: ${policy.errors.join('; ')}`, evidence);
    if (policy.mode === 'none') {
      findings.push({ outcome: 'mtasts.mode-none', evidence });
      return done();
    }
    if (policy.mode === 'testing') findings.push({ outcome: 'mtasts.testing-mode', detail: `max_age is ${policy.maxAge} s.`, evidence });
    if (policy.mode === 'enforce' && policy.maxAge !== null && policy.maxAge < SHORT_MAX_AGE) findings.push({ outcome: 'mtasts.short-max-age', detail: `max_age is ${policy.maxAge} s.`, evidence });

    let hosts: string[];
    try {
      hosts = await mxHostNames(ctx, domain);
    } catch (err) {
      return done((err as Error).message);
    }
    const uncovered = uncoveredMx(hosts, policy.mx);
    facts.mxCovered = hosts.length ? uncovered.length === 0 : null;
    if (uncovered.length) {
      const detail = `Not matched: ${uncovered.join(', ')} (mx patterns: ${policy.mx.join(', ')}; mode ${policy.mode}).`;
      findings.push({ outcome: 'mtasts.mx-mismatch', detail, evidence: { ...evidence, mxHosts: hosts, uncovered } });
    }
    return done();
  },
});

function fetchInput(ctx: ProbeContext, host: string, addresses: string[]): PolicyFetchInput {
  return {
    host,
    addresses,
    // 443 always in real use; tests serve the policy on another port.
    port: ctx.options.mtaStsPort ?? 443,
    ca: ctx.options.ca,
    connectMs: ctx.options.timeouts.connectMs,
    // One policy fetch gets the budget of one SMTP reply (--command-timeout).
    deadlineMs: ctx.options.timeouts.commandMs,
    signal: ctx.signal,
    transcript: ctx.transcript,
  };
}

/** MX host names; the domain itself without MX records (RFC 5321 section 5.1); none for a null MX. */
async function mxHostNames(ctx: ProbeContext, domain: string): Promise<string[]> {
  try {
    const records = (await ctx.resolver.query(domain, 'MX')) as { exchange: string }[];
    return records.map((r) => r.exchange.toLowerCase().replace(/\.$/, '')).filter(Boolean);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENODATA') return [domain];
    if (code === 'ENOTFOUND') return [];
    throw new Error(`MX lookup of ${domain} failed: ${code ?? (err as Error).message}`);
  }
}
