// Talks before the banner, as spam bots do: no SMTP client class (it waits for the greeting),
// a raw socket with the same bounds and the same transcript.
import net from 'node:net';
import { defineAttack } from './define-attack.js';

export default defineAttack({
  id: 'early-talker',
  title: 'Early talker: EHLO before the banner',
  expected: { layer: 'listener', stage: 'banner', replyClass: '4xx', why: 'a client that talks before the greeting is refused (pregreet test)' },
  run: (ctx) =>
    new Promise((resolve, reject) => {
      const t = ctx.transcript;
      const s = net.connect({ host: ctx.host, port: ctx.port });
      let got = '';
      const done = (o: Parameters<typeof resolve>[0]) => {
        clearTimeout(timer);
        s.destroy();
        resolve(o);
      };
      const timer = setTimeout(() => done({ stage: 'banner', reply: '(no reply within 10 s)', code: null, stopped: false }), ctx.timeouts?.commandMs ?? 10_000);
      s.once('connect', () => {
        t.note(`connected to ${s.remoteAddress}:${s.remotePort}`);
        t.add('->', 'EHLO attacker.example');
        s.write('EHLO attacker.example\r\n');
      });
      s.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (got.length > 8192) got = got.slice(0, 8192);
        const lines = got.split('\r\n');
        for (const line of lines.slice(0, -1)) {
          if (!/^\d{3} /.test(line)) continue;
          for (const l of lines.slice(0, lines.indexOf(line) + 1)) t.add('<-', l);
          const code = Number(line.slice(0, 3));
          // The first complete reply answers the question: a 220 banner means the early talk was not noticed.
          return done({ stage: 'banner', reply: line, code, stopped: code >= 400 });
        }
      });
      s.once('close', () => done({ stage: 'banner', reply: '(connection closed without a reply)', code: null, stopped: true }));
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to ${ctx.host}:${ctx.port}: ${err.code ?? err.message}`));
      });
    }),
});
