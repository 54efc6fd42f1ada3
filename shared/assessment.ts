// The assessment model: the versioned JSON contract written by `mxaudit probe` and read by
// reports, the UI and `compare`. Pure zod: no node:*, no DOM, so main and renderer share it.
import { z } from 'zod';

export const SCHEMA_VERSION = 1 as const;

export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const SeveritySchema = z.enum(severities);
export type Severity = z.infer<typeof SeveritySchema>;

/** Higher is worse; used for sorting and --fail-on. */
export const severityRank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export const checkStatuses = ['pass', 'fail', 'warn', 'error', 'skipped'] as const;
export const CheckStatusSchema = z.enum(checkStatuses);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const EvidenceSchema = z
  .object({ transcript: z.array(z.string()).optional() })
  .catchall(z.unknown());
export type Evidence = z.infer<typeof EvidenceSchema>;

export const FindingSchema = z.object({
  id: z.string().regex(/^[a-z]+\.[a-z0-9-]+$/),
  checkId: z.string(),
  host: z.string(),
  port: z.number().int(),
  /** Address probed, when the host has several (MX expansion probes each); absent for domain findings. */
  address: z.string().optional(),
  severity: SeveritySchema,
  title: z.string(),
  description: z.string(),
  evidence: EvidenceSchema,
  remediation: z.string(),
  references: z.array(z.string()),
});
export type Finding = z.infer<typeof FindingSchema>;

export const CheckRunSchema = z.object({
  id: z.string(),
  host: z.string(),
  port: z.number().int(),
  address: z.string().optional(),
  status: CheckStatusSchema,
  durationMs: z.number().nonnegative(),
  reason: z.string().optional(),
});
export type CheckRun = z.infer<typeof CheckRunSchema>;

export const EhloFactsSchema = z.object({
  /** The EHLO keyword lines as sent (first word upper-cased), excluding the greeting line. */
  extensions: z.array(z.string()),
  /** SIZE limit in bytes; 0 when SIZE is advertised without a limit; null when absent. */
  size: z.number().int().nonnegative().nullable(),
  dsn: z.boolean(),
  auth: z.array(z.string()),
  starttls: z.boolean(),
  pipelining: z.boolean(),
  chunking: z.boolean(),
  eightBitMime: z.boolean(),
  smtputf8: z.boolean(),
  vrfy: z.boolean(),
  expn: z.boolean(),
  etrn: z.boolean(),
  turn: z.boolean(),
  xexch50: z.boolean(),
  xlink2state: z.boolean(),
  /** True when the server refused EHLO and we fell back to HELO. */
  heloFallback: z.boolean(),
});
export type EhloFacts = z.infer<typeof EhloFactsSchema>;

export const RelayFactsSchema = z.object({
  open: z.boolean(),
  tested: z.number().int(),
  accepted: z.array(z.object({ from: z.string(), to: z.string(), reply: z.string() })),
  tempFailed: z.number().int(),
  /** Whether STARTTLS was negotiated before the relay attempts (server demanded it). */
  viaTls: z.boolean(),
  /** Outcome of the canary DATA, only when --relay-canary was given. */
  canary: z.object({ to: z.string(), dataReply: z.string(), accepted: z.boolean() }).nullable(),
  spoofedLocalSenderAccepted: z.boolean().nullable(),
});

export const RecipientFactsSchema = z.object({
  unknownReply: z.string().nullable(),
  acceptAll: z.boolean().nullable(),
  postmasterReply: z.string().nullable(),
  nullSenderReply: z.string().nullable(),
  vrfy: z.string().nullable(),
  expn: z.string().nullable(),
  unknownDelayMs: z.number().nullable(),
});

export const HarvestFactsSchema = z.object({
  samples: z.number().int(),
  connections: z.number().int(),
  unknownMedianMs: z.number().nullable(),
  unknownSpreadMs: z.number().nullable(),
  validMedianMs: z.number().nullable(),
  /** How the server defended: after how many unknown recipients, and how. */
  defence: z.object({
    delayed: z.boolean(),
    /** Unknown recipients refused at full speed before replies slowed down (0 = from the first). */
    delayAfter: z.number().int().nullable(),
    /** The defence carried over to fresh connections: it follows the client IP. */
    perIp: z.boolean(),
    tempfailAfter: z.number().int().nullable(),
    disconnectAfter: z.number().int().nullable(),
  }),
  ratePerSecond: z.number().nullable(),
  enumerate4CharSeconds: z.number().nullable(),
});

export const SizeFactsSchema = z.object({
  advertised: z.number().nullable(),
  probeSize: z.number().nullable(),
  reply: z.string().nullable(),
  enforced: z.boolean().nullable(),
});

export const CertificateFactsSchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  sans: z.array(z.string()),
  notBefore: z.string(),
  notAfter: z.string(),
  keyType: z.string(),
  keyBits: z.number().nullable(),
  signatureAlgorithm: z.string(),
  sha256: z.string(),
  selfSigned: z.boolean(),
});

/** TLS of one host and port; each TLS check fills its part (the engine merges them). */
export const TlsFactsSchema = z
  .object({
    offered: z.boolean(),
    /** Protocol version -> accepted, from one bounded handshake each. */
    protocols: z.record(z.string(), z.boolean().nullable()),
    weakCiphers: z.array(z.string()),
    protocol: z.string().nullable(),
    cipher: z.string().nullable(),
    certificate: CertificateFactsSchema.nullable(),
    chain: z.array(CertificateFactsSchema),
    trusted: z.boolean().nullable(),
    hostnameMatch: z.boolean().nullable(),
    /** Connections the TLS checks made to this host and port. */
    connections: z.number().int(),
    error: z.string().nullable(),
  })
  .partial()
  .catchall(z.unknown());

export const RblFactSchema = z.object({
  zone: z.string(),
  address: z.string(),
  status: z.enum(['listed', 'clean', 'refused', 'unreliable', 'timeout', 'dead']),
  codes: z.array(z.string()),
  meaning: z.string().nullable(),
  txt: z.string().nullable(),
});

/** Facts of one host. Each check fills its own key; absent when the check did not run. */
export const HostFactsSchema = z
  .object({
    banner: z.string().nullable().optional(),
    ehlo: EhloFactsSchema.nullable().optional(),
    ehloAfterTls: EhloFactsSchema.nullable().optional(),
    tls: TlsFactsSchema.optional(),
    relay: RelayFactsSchema.optional(),
    recipients: RecipientFactsSchema.optional(),
    harvest: HarvestFactsSchema.optional(),
    size: SizeFactsSchema.optional(),
    rbl: z.array(RblFactSchema).optional(),
  })
  .catchall(z.unknown());
export type HostFacts = z.infer<typeof HostFactsSchema>;

/** Facts of the mail domain (DNS records), filled by domain-scoped checks. */
export const DomainFactsSchema = z.object({}).catchall(z.unknown());
export type DomainFacts = z.infer<typeof DomainFactsSchema>;

export const HostResultSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  addresses: z.array(z.string()),
  facts: HostFactsSchema,
});
export type HostResult = z.infer<typeof HostResultSchema>;

export const comparisonVerdicts = ['same', 'weaker', 'stronger', 'not-comparable'] as const;
export const ComparisonVerdictSchema = z.enum(comparisonVerdicts);
export type ComparisonVerdict = z.infer<typeof ComparisonVerdictSchema>;

/** One row of target vs reference (the lab's reference gateway): a check's outcome or a key fact. */
export const ComparisonRowSchema = z.object({
  checkId: z.string(),
  /** What is compared: `status` for the check's outcome, else a fact path such as `relay.open`. */
  fact: z.string(),
  target: z.string(),
  reference: z.string(),
  verdict: ComparisonVerdictSchema,
  /** Target findings that explain a `weaker` verdict. */
  findingIds: z.array(z.string()),
  note: z.string().optional(),
});
export type ComparisonRow = z.infer<typeof ComparisonRowSchema>;

/** Who the work is for: filled by `report --engagement/--client/--consultant` or the app. */
export const EngagementSchema = z.object({
  name: z.string().optional(),
  client: z.string().optional(),
  consultant: z.string().optional(),
});
export type Engagement = z.infer<typeof EngagementSchema>;

export const AssessmentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('mxaudit'), version: z.string() }),
  target: z.object({
    host: z.string(),
    port: z.number().int(),
    addresses: z.array(z.string()),
    domain: z.string().nullable(),
  }),
  options: z.object({
    authorized: z.boolean(),
    helo: z.string(),
    checks: z.array(z.string()),
    resolver: z.array(z.string()),
    timeoutMs: z.number(),
  }),
  startedAt: z.string(),
  finishedAt: z.string(),
  checks: z.array(CheckRunSchema),
  findings: z.array(FindingSchema),
  /** Facts of the first host (the usual single-host case); every host's facts are in `hosts`. */
  facts: HostFactsSchema,
  hosts: z.array(HostResultSchema),
  domainFacts: DomainFactsSchema,
  /** Target vs reference, when compared (`mxaudit compare`, `lab`). */
  comparison: z.array(ComparisonRowSchema).optional(),
  engagement: EngagementSchema.optional(),
});
export type Assessment = z.infer<typeof AssessmentSchema>;
