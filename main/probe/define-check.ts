// A check is data (id, outcomes table) plus one function, like an ESLint rule or a Lighthouse audit.
// Severities and prose live in the table; run() only says which outcomes happened and why.
import type { Evidence, HostFacts, Severity } from '../../shared/assessment.js';
import type { ProbeContext } from './context.js';

export interface Outcome {
  severity: Severity;
  title: string;
  description: string;
  remediation: string;
  /** Extra references for this outcome, after the check's own. */
  references?: string[];
}

export type CheckCategory = 'smtp' | 'dns' | 'tls';

export interface RaisedFinding<O extends string> {
  /** Key of the outcomes table, which is the public finding id (`smtp.open-relay`). */
  outcome: O;
  evidence: Evidence;
  /** Sentence appended to the outcome's description with what was measured. */
  detail?: string;
  /** Overrides the outcome's severity when it depends on a measure (e.g. days before expiry). */
  severity?: Severity;
}

export interface CheckResult<O extends string = string> {
  findings?: RaisedFinding<O>[];
  /** Host facts for host checks; domain facts (assessment.domainFacts) for domain checks. */
  facts?: Partial<HostFacts> & Record<string, unknown>;
  /** The check could not reach a verdict: becomes status `error` with this reason. */
  inconclusive?: string;
  /** The check does not apply to this target: becomes status `skipped` with this reason. */
  notApplicable?: string;
}

export interface CheckDefinition<O extends string = string> {
  id: string;
  title: string;
  category: CheckCategory;
  /**
   * 'host' (default): once per probed host; 'domain': once per assessment, for the mail
   * domain's DNS; 'summary': once after every host, comparing them (ctx.hosts).
   */
  scope?: 'host' | 'domain' | 'summary';
  /** Active checks send MAIL/RCPT/VRFY and need the user's explicit authorization. */
  active: boolean;
  /** Timing-sensitive checks run alone, not alongside others on the same host. */
  exclusive?: boolean;
  /** Default budget; the engine never lets a check run longer than this. */
  timeoutMs: number;
  references: string[];
  outcomes: Record<O, Outcome>;
  run(ctx: ProbeContext): Promise<CheckResult<O>>;
}

export function defineCheck<O extends string>(def: CheckDefinition<O>): CheckDefinition<O> {
  return def;
}
