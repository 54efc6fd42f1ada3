// What the gateway knows of one SMTP session, and the decision trace it leaves behind.
import type { Phase, VerdictAction } from './define-layer.js';

/** A phase of the layers, or 'command' for the listener's own limits on other commands. */
export type DecisionPhase = Phase | 'command';

/**
 * A verdict, or 'note': a layer that let the phase go on but had something to say (a tag it
 * added, a result later layers use), recorded in the trace without deciding anything.
 */
export type DecisionAction = VerdictAction | 'note';

export interface Decision {
  phase: DecisionPhase;
  /** Layer that decided (or noted), 'listener' for the SMTP listener's own rules, or 'gateway' when every layer let it through. */
  layer: string;
  action: DecisionAction;
  reason: string;
  /** The reply sent, e.g. "550 5.1.1 User unknown"; empty for a note. */
  reply: string;
  /** Time the layers took, delays included. */
  ms: number;
  /** The address concerned (MAIL FROM, RCPT TO), when there is one. */
  subject?: string;
}

export interface GatewaySession {
  id: string;
  /** Client address: the real peer, or the XCLIENT ADDR a trusted peer presented. */
  remoteAddress: string;
  helo: string | null;
  authenticated: boolean;
  /** From our own networks (or plain loopback without XCLIENT): treated as internal. */
  internal: boolean;
  mailFrom: string | null;
  recipients: string[];
  /** Unknown recipients refused in this session (harvest detection). */
  unknownRecipients: number;
  decisions: Decision[];
  /** Free-form marks layers leave for later layers (e.g. spf result, scl). */
  marks: Record<string, unknown>;
  /** Headers layers want prepended to the stored message (X-SCL, tags). */
  addHeaders: string[];
}

export function newSession(id: string, remoteAddress: string, internal: boolean): GatewaySession {
  return {
    id,
    remoteAddress,
    helo: null,
    authenticated: false,
    internal,
    mailFrom: null,
    recipients: [],
    unknownRecipients: 0,
    decisions: [],
    marks: {},
    addHeaders: [],
  };
}
