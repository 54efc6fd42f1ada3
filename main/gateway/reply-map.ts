// The one place where a verdict becomes an SMTP reply: defaults per phase and action, with
// the enhanced status codes of RFC 3463. Layers may override code, enhanced code and text.
import type { Phase, Verdict } from './define-layer.js';

export interface Reply {
  code: number;
  enhanced: string;
  text: string;
}

const DEFAULTS: Record<Phase, Partial<Record<Verdict['action'], Reply>>> = {
  connect: {
    reject: { code: 554, enhanced: '5.7.1', text: 'Connection refused' },
    tempfail: { code: 421, enhanced: '4.7.0', text: 'Try again later' },
    disconnect: { code: 421, enhanced: '4.7.0', text: 'Closing connection' },
  },
  helo: {
    reject: { code: 550, enhanced: '5.7.1', text: 'Refused' },
    tempfail: { code: 450, enhanced: '4.7.1', text: 'Try again later' },
    disconnect: { code: 421, enhanced: '4.7.0', text: 'Closing connection' },
  },
  mail: {
    // smtp-server sends this itself when a handler lets MAIL and RCPT through.
    accept: { code: 250, enhanced: '', text: 'Accepted' },
    reject: { code: 550, enhanced: '5.7.1', text: 'Sender refused' },
    tempfail: { code: 451, enhanced: '4.7.1', text: 'Try again later' },
    disconnect: { code: 421, enhanced: '4.7.0', text: 'Closing connection' },
  },
  rcpt: {
    accept: { code: 250, enhanced: '', text: 'Accepted' },
    reject: { code: 550, enhanced: '5.1.1', text: 'User unknown' },
    tempfail: { code: 451, enhanced: '4.7.1', text: 'Try again later' },
    disconnect: { code: 421, enhanced: '4.7.0', text: 'Closing connection' },
  },
  data: {
    accept: { code: 250, enhanced: '2.0.0', text: 'Message accepted' },
    reject: { code: 550, enhanced: '5.7.1', text: 'Message refused' },
    tempfail: { code: 451, enhanced: '4.3.0', text: 'Try again later' },
    disconnect: { code: 421, enhanced: '4.7.0', text: 'Closing connection' },
  },
};

export function replyFor(phase: Phase, v: Verdict): Reply {
  const base = DEFAULTS[phase][v.action] ?? { code: 250, enhanced: '2.0.0', text: 'OK' };
  return { code: v.code ?? base.code, enhanced: v.enhanced ?? base.enhanced, text: v.text ?? base.text };
}

export const replyLine = (r: Reply) => [r.code, r.enhanced, r.text].filter(Boolean).join(' ');
