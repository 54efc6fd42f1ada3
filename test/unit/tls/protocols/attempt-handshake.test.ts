// The replies Postfix will not give on demand: a refused STARTTLS, a broken handshake, no listener.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpSession } from '../../../../main/net/smtp-client.js';
import { Transcript } from '../../../../main/net/transcript.js';
import { attemptHandshake } from '../../../../main/tls/protocols/attempt-handshake.js';
import { onLines, startScriptedServer, type Script } from '../../../support/hostile-server.js';

const now = () => performance.now();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Greets, offers STARTTLS, and answers it with `onStartTls`; other lines (the ClientHello) are ignored. */
const server = (onStartTls: (s: net.Socket) => void): Script => (s) => {
  s.write('220 lab ESMTP\r\n');
  onLines(s, (line) => {
    if (line.startsWith('EHLO')) s.write('250-lab\r\n250 STARTTLS\r\n');
    else if (line === 'STARTTLS') onStartTls(s);
    else if (line === 'QUIT') s.end('221 Bye\r\n');
  });
};

/** TLS alert record: fatal protocol_version, what a server refusing the version sends. */
const PROTOCOL_VERSION_ALERT = Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]);

async function attempt(script: Script) {
  const srv = await startScriptedServer(script);
  cleanups.push(() => srv.close());
  return attemptHandshake(() => SmtpSession.connect({ host: '127.0.0.1', port: srv.port, transcript: new Transcript(now), now, tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1' } }), 'probe.test');
}

describe('attemptHandshake', () => {
  it('a handshake the server breaks off is a refusal', async () => {
    const a = await attempt(server((s) => {
      s.write('220 go ahead\r\n');
      s.once('data', () => s.end(PROTOCOL_VERSION_ALERT)); // answers the ClientHello
    }));
    expect(a).toMatchObject({ result: 'refused', reason: expect.stringMatching(/^TLS handshake failed: .*(VERSION|version)/) });
  });

  it('STARTTLS answered 454 stops the check: nothing was learned about the version', async () => {
    expect(await attempt(server((s) => s.write('454 4.7.0 TLS not available due to local problem\r\n')))).toEqual({
      result: 'stopped',
      reason: 'STARTTLS refused: 454 4.7.0 TLS not available due to local problem',
    });
  });

  it('no STARTTLS in EHLO is said as such', async () => {
    const a = await attempt((s) => {
      s.write('220 lab ESMTP\r\n');
      onLines(s, (line) => s.write(line.startsWith('EHLO') ? '250 lab\r\n' : '221 Bye\r\n'));
    });
    expect(a).toEqual({ result: 'no-starttls' });
  });

  it('a refused connection stops the check', async () => {
    const closed = await startScriptedServer(() => {});
    const port = closed.port;
    await closed.close();
    const a = await attemptHandshake(() => SmtpSession.connect({ host: '127.0.0.1', port, transcript: new Transcript(now), now }), 'probe.test');
    expect(a).toMatchObject({ result: 'stopped', reason: expect.stringMatching(/ECONNREFUSED/) });
  });
});
