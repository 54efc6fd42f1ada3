// The one contract between the renderer and main: every invoke channel (`mxaudit:<area>.<verb>`)
// with its zod request and response schema, and every event pushed to the renderer. Main
// validates each request against it whatever the transport (Electron IPC or the serve bridge).
// Pure TypeScript: no node:*, no DOM.
import { z } from 'zod';
import { AssessmentSchema, ComparisonRowSchema } from './assessment.js';
import { AssessmentSummarySchema, EngagementInputSchema, EngagementRecordSchema, idSchema } from './engagement-record.js';

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });
const email = z.string().trim().max(320).regex(/^[^\s<>@]+@[^\s<>@]+$/, 'expected an address like user@example.com');
const ms = z.number().int().min(100).max(3_600_000);

export const RunAssessmentRequestSchema = z
  .object({
    engagementId: idSchema,
    /** host, host:port, IPv4, [IPv6]:port; empty with a domain = MX expansion. */
    hosts: z.array(z.string().trim().min(1).max(300)).max(50),
    domain: z.string().trim().max(253).regex(/^$|^(?=.{1,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\.?$/, 'expected a domain name like example.com').default(''),
    ports: z.array(z.number().int().min(1).max(65535)).min(1).max(5).default([25]),
    /** DNS servers as IP, IP:PORT or [IPv6]:PORT; empty = the system's. */
    resolver: z.array(z.string().trim().min(1).max(60)).max(4).default([]),
    /** Extra CA certificates, PEM text. */
    caPem: z.string().max(1_000_000).default(''),
    validRcpt: z.array(email).max(10).default([]),
    relayCanary: email.or(z.literal('')).default(''),
    timeoutMs: ms.nullable().default(null),
    commandTimeoutMs: ms.nullable().default(null),
    /** Block lists to ask besides the public ones (your own, a lab list); with rblOnly, only these. */
    rblZones: z.array(z.string().trim().min(1).max(253)).max(20).default([]),
    rblOnly: z.boolean().default(false),
    /** Check ids or categories; empty = all. */
    checks: z.array(z.string().regex(/^[a-z0-9-]{1,40}$/)).max(64).default([]),
    /** The authorization box: without it active checks are skipped, never run. */
    authorized: z.boolean(),
  })
  .strict()
  .refine((r) => r.hosts.length > 0 || r.domain !== '', { message: 'give a host or a domain', path: ['hosts'] })
  .refine((r) => !r.relayCanary || r.authorized, { message: 'a relay canary needs the authorization box', path: ['relayCanary'] })
  .refine((r) => !r.rblOnly || r.rblZones.length > 0, { message: 'give the block lists to ask', path: ['rblZones'] });
export type RunAssessmentRequest = z.input<typeof RunAssessmentRequestSchema>;

export const CheckInfoSchema = z.object({ id: z.string(), title: z.string(), category: z.string(), active: z.boolean(), scope: z.string() });
export type CheckInfo = z.output<typeof CheckInfoSchema>;

export const DecisionSchema = z.object({
  phase: z.string(),
  layer: z.string(),
  action: z.string(),
  reason: z.string(),
  reply: z.string(),
  ms: z.number(),
  subject: z.string().optional(),
});
export const GatewaySessionSchema = z.object({
  id: z.string(),
  remoteAddress: z.string(),
  helo: z.string().nullable(),
  authenticated: z.boolean(),
  listener: z.enum(['mx', 'submission']),
  decisions: z.array(DecisionSchema),
  startedAt: z.string(),
  endedAt: z.string(),
});
export type GatewaySessionView = z.output<typeof GatewaySessionSchema>;

export const GatewayStatusSchema = z.object({
  state: z.enum(['stopped', 'starting', 'running', 'stopping', 'failed']),
  host: z.string().nullable(),
  port: z.number().nullable(),
  domains: z.array(z.string()),
  labDns: z.string().nullable(),
  storeDir: z.string().nullable(),
  counters: z.record(z.string(), z.record(z.string(), z.number())),
  error: z.string().nullable(),
});
export type GatewayStatus = z.output<typeof GatewayStatusSchema>;

export const ConfigIssueSchema = z.object({ path: z.string(), message: z.string(), line: z.number().int().nullable() });
export type ConfigIssue = z.output<typeof ConfigIssueSchema>;

export const folders = ['inbox', 'junk', 'quarantine'] as const;
export const MailboxMessageSchema = z.object({ id: z.string(), folder: z.enum(folders), recipient: z.string(), bytes: z.number(), receivedAt: z.string(), subject: z.string(), from: z.string(), scl: z.string().nullable() });
export type MailboxMessage = z.output<typeof MailboxMessageSchema>;
/**
 * A recipient folder name of the mail store: one path segment, never '.' or '..' (it is joined
 * to the store path), so it must start with a letter or digit.
 */
export const MAILBOX_RECIPIENT = /^[a-z0-9][a-z0-9@._+-]*$/;
const messageRef = z.object({ folder: z.enum(folders), recipient: z.string().max(320).regex(MAILBOX_RECIPIENT), id: z.string().regex(/^[a-z0-9-]{1,80}$/) }).strict();

export const AttackResultViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  verdict: z.string(),
  asExpected: z.boolean(),
  expected: z.unknown(),
  observed: z.unknown(),
  detail: z.string().optional(),
  transcript: z.array(z.string()),
});
export type AttackResultView = z.output<typeof AttackResultViewSchema>;

export const exportFormats = ['pdf', 'html', 'json', 'csv'] as const;
export const ExportFileSchema = z.object({ format: z.enum(exportFormats), path: z.string(), url: z.string().nullable() });

/** Every invoke channel: request validated in main, response as returned. */
export const channels = {
  'mxaudit:app.info': { request: empty, response: z.object({ version: z.string(), transport: z.enum(['electron', 'serve']), dataDir: z.string() }) },
  'mxaudit:checks.list': { request: empty, response: z.array(CheckInfoSchema) },
  'mxaudit:engagements.list': { request: empty, response: z.array(EngagementRecordSchema) },
  'mxaudit:engagements.create': { request: EngagementInputSchema.strict(), response: EngagementRecordSchema },
  'mxaudit:engagements.get': { request: z.object({ id: idSchema }).strict(), response: z.object({ engagement: EngagementRecordSchema, assessments: z.array(AssessmentSummarySchema) }) },
  'mxaudit:engagements.delete': { request: z.object({ id: idSchema }).strict(), response: ok },
  'mxaudit:assessments.run': { request: RunAssessmentRequestSchema, response: z.object({ runId: z.string() }) },
  'mxaudit:assessments.cancel': { request: z.object({ runId: idSchema }).strict(), response: z.object({ cancelled: z.boolean() }) },
  'mxaudit:assessments.get': { request: z.object({ engagementId: idSchema, assessmentId: idSchema }).strict(), response: AssessmentSchema },
  'mxaudit:gateway.defaultConfig': { request: empty, response: z.object({ text: z.string() }) },
  'mxaudit:gateway.validateConfig': { request: z.object({ text: z.string().max(1_000_000) }).strict(), response: z.object({ issues: z.array(ConfigIssueSchema) }) },
  'mxaudit:gateway.start': {
    request: z.object({ port: z.number().int().min(0).max(65535), labDns: z.boolean(), configText: z.string().max(1_000_000).default('') }).strict(),
    response: GatewayStatusSchema,
  },
  'mxaudit:gateway.stop': { request: empty, response: GatewayStatusSchema },
  'mxaudit:gateway.status': { request: empty, response: GatewayStatusSchema },
  'mxaudit:gateway.sessions': { request: empty, response: z.array(GatewaySessionSchema) },
  'mxaudit:mailbox.list': { request: empty, response: z.array(MailboxMessageSchema) },
  'mxaudit:mailbox.read': {
    request: messageRef,
    response: z.object({ headers: z.array(z.tuple([z.string(), z.string()])), body: z.string(), truncated: z.boolean(), bytes: z.number() }),
  },
  'mxaudit:attack.run': { request: z.object({ rcpt: email.optional() }).strict(), response: z.array(AttackResultViewSchema) },
  'mxaudit:traffic.run': { request: z.object({ messages: z.number().int().min(1).max(10_000).default(50) }).strict(), response: z.object({ summary: z.unknown() }) },
  'mxaudit:compare.run': {
    request: z.object({ engagementId: idSchema, assessmentId: idSchema }).strict(),
    response: z.object({ rows: z.array(ComparisonRowSchema), referenceAt: z.string() }),
  },
  'mxaudit:export.write': {
    request: z.object({ engagementId: idSchema, assessmentId: idSchema, formats: z.array(z.enum(exportFormats)).min(1).max(4) }).strict(),
    response: z.object({ files: z.array(ExportFileSchema) }),
  },
} as const;

export type Channel = keyof typeof channels;
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ParsedRequestOf<C extends Channel> = z.output<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<(typeof channels)[C]['response']>;

export const ProgressEventSchema = z.object({
  type: z.enum(['host-start', 'check-start', 'check-progress', 'check-end', 'note']),
  host: z.string(),
  port: z.number(),
  checkId: z.string().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  durationMs: z.number().optional(),
});
export type ProgressEvent = z.output<typeof ProgressEventSchema>;

/** Events main pushes to the renderer. */
export const events = {
  onDidProgress: z.object({ runId: z.string(), events: z.array(ProgressEventSchema) }),
  onDidTranscript: z.object({ runId: z.string(), lines: z.array(z.object({ checkId: z.string(), host: z.string(), port: z.number(), line: z.string() })) }),
  onDidFinishAssessment: z.object({ runId: z.string(), engagementId: z.string(), assessmentId: z.string().nullable(), cancelled: z.boolean(), error: z.string().nullable() }),
  onDidGatewaySession: GatewaySessionSchema,
  onDidGatewayStatus: GatewayStatusSchema,
  onDidAttackResult: AttackResultViewSchema,
  onDidCompareProgress: z.object({ message: z.string() }),
  /** The app menu asks for a screen (keyboard shortcuts of the desktop app). */
  onDidRequestScreen: z.object({ screen: z.string() }),
} as const;

export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;

export const channelNames = Object.keys(channels) as Channel[];
export const eventNames = Object.keys(events) as EventName[];

/** The API the preload exposes as window.mxaudit (and the WebSocket bridge mirrors). */
export interface MxauditBridge {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Subscribes; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}
