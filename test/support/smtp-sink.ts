// A real SMTP server (smtp-server) on loopback that keeps what it receives, for relay tests.
// Its answers can be scripted per RCPT and per DATA, to play a smart host that defers or refuses.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface SunkMessage {
  from: string;
  to: string[];
  data: Buffer;
}

export interface SinkScript {
  /** Reply to RCPT TO: null accepts; { code, text } refuses. */
  rcpt?(to: string, attempt: number): { code: number; text: string } | null;
  /** Reply at the end of DATA: null accepts. `attempt` counts DATA commands, from 1. */
  data?(attempt: number): { code: number; text: string } | null;
  /** Wait before the reply to DATA (a slow smart host). */
  dataDelayMs?: number;
}

export interface SmtpSink {
  port: number;
  messages: SunkMessage[];
  /** DATA commands seen (accepted or not). */
  dataAttempts(): number;
  /** Most DATA replies pending at once. */
  peakConcurrentData(): number;
  stop(): Promise<void>;
}

const refusal = (r: { code: number; text: string }) => Object.assign(new Error(r.text), { responseCode: r.code });

export async function startSmtpSink(script: SinkScript = {}, port = 0): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  let dataAttempts = 0;
  let inData = 0;
  let peak = 0;
  const rcptAttempts = new Map<string, number>();
  const server = new SMTPServer({
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      const n = (rcptAttempts.get(address.address) ?? 0) + 1;
      rcptAttempts.set(address.address, n);
      const r = script.rcpt?.(address.address, n);
      cb(r ? refusal(r) : undefined);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        peak = Math.max(peak, ++inData);
        setTimeout(() => {
          inData--;
          const r = script.data?.(++dataAttempts);
          if (r) return cb(refusal(r));
          messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((a) => a.address), data: Buffer.concat(chunks) });
          cb(null);
        }, script.dataDelayMs ?? 0);
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((ok, ko) => {
    server.server.once('error', ko);
    server.listen(port, '127.0.0.1', () => ok());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    dataAttempts: () => dataAttempts,
    peakConcurrentData: () => peak,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
