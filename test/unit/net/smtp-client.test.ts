// The client against real servers on loopback: smtp-server (STARTTLS with its built-in
// certificate) and small scripted ones for replies smtp-server never sends.
import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { SmtpSession } from '../../../main/net/smtp-client.js';
import { Transcript } from '../../../main/net/transcript.js';
import { onLines, startScriptedServer, type ScriptedServer } from '../../support/hostile-server.js';

const now = () => performance.now();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function smtpServer(): Promise<number> {
  const server = new SMTPServer({ disableReverseLookup: true, authOptional: true, hideSTARTTLS: false, banner: 'lab ESMTP' });
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(() => r())));
  return (server.server.address() as AddressInfo).port;
}

async function scripted(script: Parameters<typeof startScriptedServer>[0]): Promise<ScriptedServer> {
  const s = await startScriptedServer(script);
  cleanups.push(() => s.close());
  return s;
}

describe('SmtpSession', () => {
  it('reads the greeting, parses EHLO, upgrades with STARTTLS on the same socket and records it all', async () => {
    const port = await smtpServer();
    const transcript = new Transcript(now);
    const s = await SmtpSession.connect({ host: '127.0.0.1', port, transcript, now });
    expect(s.greeting.code).toBe(220);
    const before = await s.ehlo('client.test');
    expect(before.facts.starttls).toBe(true);
    expect((await s.startTls()).code).toBe(220);
    expect(s.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    const after = await s.ehlo('client.test');
    expect(after.facts.starttls).toBe(false);
    expect(after.reply.elapsedMs).toBeGreaterThanOrEqual(0);
    await s.quit();
    const lines = transcript.lines();
    expect(lines.some((l) => / -> EHLO client\.test$/.test(l))).toBe(true);
    expect(lines.some((l) => / ~> EHLO client\.test$/.test(l))).toBe(true);
    expect(lines.some((l) => / <~ 250/.test(l))).toBe(true);
    expect(lines.every((l) => /^\d+\.\d{3} (->|<-|~>|<~|\*\*) /.test(l))).toBe(true);
  });

  it('falls back to HELO when EHLO is not understood', async () => {
    const server = await scripted((sock) => {
      sock.write('220 old.test SMTP\r\n');
      onLines(sock, (line) => sock.write(line.startsWith('EHLO') ? '500 5.5.1 Command unrecognized\r\n' : '250 old.test\r\n'));
    });
    const s = await SmtpSession.connect({ host: '127.0.0.1', port: server.port, transcript: new Transcript(now), now });
    const r = await s.ehlo('client.test');
    expect(r.facts.heloFallback).toBe(true);
    expect(r.facts.extensions).toEqual([]);
    s.close();
  });

  it('treats 421 as the server closing: the reply is returned, further commands are refused', async () => {
    const server = await scripted((sock) => {
      sock.write('220 busy.test ESMTP\r\n');
      onLines(sock, () => sock.end('421 4.7.0 Too many errors, closing\r\n'));
    });
    const s = await SmtpSession.connect({ host: '127.0.0.1', port: server.port, transcript: new Transcript(now), now });
    const r = await s.command('NOOP');
    expect(r.code).toBe(421);
    expect(s.closedReason).toMatch(/421 4\.7\.0 Too many errors/);
    await expect(s.command('NOOP')).rejects.toMatchObject({ kind: 'server-closing' });
  });

  it('bounds the wait for a reply and says so', async () => {
    const server = await scripted((sock) => sock.write('220 x ESMTP\r\n'));
    const s = await SmtpSession.connect({ host: '127.0.0.1', port: server.port, transcript: new Transcript(now), now, timeouts: { commandMs: 300 } });
    const t0 = now();
    await expect(s.command('NOOP')).rejects.toMatchObject({ kind: 'timeout', message: 'no complete reply within 300 ms' });
    expect(now() - t0).toBeLessThan(1000);
  });

  it('reports a refused connection as a connect error', async () => {
    const server = await scripted(() => {});
    const port = server.port;
    await server.close();
    cleanups.pop();
    await expect(SmtpSession.connect({ host: '127.0.0.1', port, transcript: new Transcript(now), now })).rejects.toMatchObject({ kind: 'connect' });
  });

  it('cancels through the AbortSignal', async () => {
    const server = await scripted(() => {});
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(SmtpSession.connect({ host: '127.0.0.1', port: server.port, transcript: new Transcript(now), now, signal: ac.signal })).rejects.toMatchObject({ kind: 'aborted' });
  });
});
