// Scripted hostile SMTP servers on loopback: each misbehaves in one way a real target might.
import net from 'node:net';

export interface ScriptedServer {
  port: number;
  close(): Promise<void>;
}

export type Script = (socket: net.Socket) => void;

export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    script(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Calls `fn` per command line the client sends. */
export function onLines(socket: net.Socket, fn: (line: string) => void): void {
  let buf = '';
  socket.on('data', (d) => {
    buf += d.toString('latin1');
    for (let i = buf.indexOf('\n'); i !== -1; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      fn(line);
    }
  });
}

/** Writes chunks on an interval until the socket closes. */
function drip(socket: net.Socket, everyMs: number, next: () => string | null): void {
  const t = setInterval(() => {
    if (socket.destroyed) return clearInterval(t);
    const chunk = next();
    if (chunk === null) return clearInterval(t);
    socket.write(chunk);
  }, everyMs);
  socket.on('close', () => clearInterval(t));
}

/** A polite server for everything but the given twist; answers MAIL with `mailReply`. */
function ordinary(socket: net.Socket, opts: { banner?: string; ehlo?: string[]; mailReply?: string; onStartTls?: () => void } = {}): void {
  socket.write(`${opts.banner ?? '220 hostile.test ESMTP'}\r\n`);
  onLines(socket, (line) => {
    const verb = line.split(' ')[0].toUpperCase();
    if (verb === 'EHLO') {
      const ext = opts.ehlo ?? ['SIZE 1000000'];
      socket.write(['hostile.test', ...ext].map((l, i, a) => `250${i < a.length - 1 ? '-' : ' '}${l}\r\n`).join(''));
    } else if (verb === 'HELO') socket.write('250 hostile.test\r\n');
    else if (verb === 'STARTTLS' && opts.onStartTls) opts.onStartTls();
    else if (verb === 'MAIL') socket.write(`${opts.mailReply ?? '250 2.1.0 Ok'}\r\n`);
    else if (verb === 'RCPT') socket.write('550 5.1.1 User unknown\r\n');
    else if (verb === 'QUIT') socket.end('221 Bye\r\n');
    else socket.write('250 Ok\r\n');
  });
}

export const hostileScripts: Record<string, Script> = {
  'endless multi-line reply': (s) => {
    let n = 0;
    drip(s, 1, () => `220-line ${n++} of a greeting that never ends\r\n`.repeat(20));
  },
  'one byte per second': (s) => {
    const text = '220 slow.test ESMTP this greeting arrives one byte per second\r\n';
    let i = 0;
    drip(s, 1000, () => (i < text.length ? text[i++] : null));
  },
  '1 MB line': (s) => {
    s.write(`220 ${'A'.repeat(1024 * 1024)}\r\n`);
  },
  'silence after connect': () => {},
  'close on connect': (s) => s.destroy(),
  'garbage after STARTTLS': (s) =>
    ordinary(s, {
      ehlo: ['STARTTLS', 'SIZE 1000000'],
      mailReply: '530 5.7.0 Must issue a STARTTLS command first',
      onStartTls: () => {
        s.write('220 2.0.0 Ready to start TLS\r\n');
        s.write(Buffer.from('this is not a TLS server hello \x00\x01\x02\xff'.repeat(40), 'latin1'));
      },
    }),
  '10,000 EHLO lines': (s) => ordinary(s, { ehlo: Array.from({ length: 10_000 }, (_, i) => `X-EXTENSION-${i}`) }),
  'HTML/JS and ANSI in the banner': (s) =>
    ordinary(s, { banner: '220 <script>alert(1)</script><img src=x onerror=alert(2)> \x1b[31mRED\x1b[0m ESMTP' }),
};
