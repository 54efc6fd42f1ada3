// Everything a check may touch. Checks do no I/O of their own: the engine builds this per run,
// so tests and the UI can swap the clock or cancel through the signal.
import type { SmtpSession, SmtpTimeouts, TlsClientOptions } from '../net/smtp-client.js';
import type { Transcript } from '../net/transcript.js';
import type { DnsResolver } from '../net/resolver.js';
import type { DomainFacts, HostResult } from '../../shared/assessment.js';

export interface HarvestOptions {
  /** Unknown recipients tried in the long connection. */
  samples: number;
  /** Extra fresh connections, to tell a per-connection limit from a per-IP one. */
  freshConnections: number;
  /** Pause between recipients, to bound the rate we impose on the server. */
  intervalMs: number;
  /** Unknown recipients tried in each fresh connection (default 3). */
  freshSamples?: number;
}

export interface ProbeOptions {
  authorized: boolean;
  helo: string;
  /** Envelope sender for relay and size tests (recipient tests use the null sender first). */
  mailFrom: string;
  /** External domain used as the relay destination; mail is never sent there. */
  relayDomain: string;
  validRcpt: string[];
  relayCanary: string | null;
  ca: string | null;
  timeouts: SmtpTimeouts;
  /** Per-check budget cap from --timeout; each check also has its own default. */
  checkTimeoutMs: number | null;
  harvest: HarvestOptions;
  /** --rbl zone[,zone]: block lists asked in addition to the defaults. */
  rblZones: string[];
  /** --rbl-only: ask only rblZones, never the public default lists. */
  rblOnly: boolean;
  /** Port of the MTA-STS policy server; always 443 in real use (RFC 8461), set only by tests. */
  mtaStsPort?: number;
  /** Address outside the domain's networks, for SPF check_host() (default 192.0.2.1). */
  spfTestIp?: string;
  /**
   * Probing the loopback lab (`mxaudit lab`): what cannot hold on loopback by nature (e.g. DNSSEC
   * of the lab zones) is reported skipped, "not applicable in lab: ...", never passed silently.
   */
  lab?: boolean;
}

export interface ProbeTarget {
  host: string;
  port: number;
  /** Address actually connected to. */
  address: string;
  domain: string | null;
}

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface ProbeContext {
  target: ProbeTarget;
  options: ProbeOptions;
  /**
   * Opens an SMTP session to the target, recorded in this check's transcript. Port 465 gets
   * implicit TLS unless told otherwise; `tls` narrows the handshake (protocol tests).
   */
  connect(overrides?: { tls?: TlsClientOptions; implicitTls?: boolean }): Promise<SmtpSession>;
  /** What the domain checks found (they run before host checks): MX set, MTA-STS policy... */
  domainFacts: Readonly<DomainFacts>;
  transcript: Transcript;
  resolver: DnsResolver;
  clock: Clock;
  signal: AbortSignal;
  progress(message: string): void;
  /** Every host's result so far: set for summary checks only. */
  hosts?: readonly HostResult[];
  /** Random lower-case alphanumerics, for unknown local parts. */
  randomToken(length: number): string;
}
