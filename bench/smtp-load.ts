// A minimal SMTP load client for the gateway bench's reject scenarios, where Postfix's
// smtp-source cannot be used: it exits ("fatal: rejected at server banner" / "fatal: recipient
// rejected") at the first refusal. One connection per attempt, lock-step (no pipelining), like
// smtp-source without -d.
//   tsx bench/smtp-load.ts HOST PORT SESSIONS CONCURRENCY connect|rcpt FROM TO [LOCAL_ADDRESS]
// LOCAL_ADDRESS: the source address to bind (e.g. 127.0.0.2, the RFC 5782 test point that every
// block list lists; smtp-source cannot bind one).
// Prints one JSON line: { sessions, ms, replies: { "<stage> <code>": n }, errors }.
import net from 'node:net';

const [host, portText, sessionsText, concText, mode, from, to, localAddress] = process.argv.slice(2);
const port = Number(portText);
const total = Number(sessionsText);
const concurrency = Number(concText);
if (!host || !port || !total || !concurrency || (mode !== 'connect' && mode !== 'rcpt') || !from || !to) {
  process.stderr.write('usage: smtp-load HOST PORT SESSIONS CONCURRENCY connect|rcpt FROM TO [LOCAL_ADDRESS]\n');
  process.exit(2);
}

const replies: Record<string, number> = {};
let errors = 0;
const count = (stage: string, code: number | 'closed') => (replies[`${stage} ${code}`] = (replies[`${stage} ${code}`] ?? 0) + 1);

/** One session: banner, (EHLO, MAIL, RCPT when the banner is 2xx and mode is rcpt), QUIT. */
function session(): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    socket.setNoDelay(true);
    let buf = '';
    const steps: { stage: string; send?: string }[] =
      mode === 'rcpt' ? [{ stage: 'banner' }, { stage: 'ehlo', send: 'EHLO load.sender.test' }, { stage: 'mail', send: `MAIL FROM:<${from}>` }, { stage: 'rcpt', send: `RCPT TO:<${to}>` }, { stage: 'quit', send: 'QUIT' }] : [{ stage: 'banner' }, { stage: 'quit', send: 'QUIT' }];
    let i = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve();
    };
    socket.setTimeout(30_000, () => {
      errors++;
      finish();
    });
    socket.on('error', () => {
      if (!done && i < steps.length) {
        if (i === 0) errors++;
        else count(steps[i].stage, 'closed');
      }
      finish();
    });
    socket.on('close', () => {
      // Closed by the server before the session's last reply: recorded as "<stage> closed" (e.g.
      // "quit closed": no 221 to QUIT after a 554 greeting); an error only without any reply.
      if (!done && i < steps.length) {
        if (i === 0) errors++;
        else count(steps[i].stage, 'closed');
      }
      finish();
    });
    socket.setEncoding('latin1').on('data', (d: string) => {
      buf += d;
      // A complete reply ends with a line "NNN text" (a space after the code).
      for (;;) {
        const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(buf);
        if (!m) return;
        buf = buf.slice(m.index + m[0].length);
        const code = Number(m[1]);
        count(steps[i].stage, code);
        i++;
        // After a refused banner only QUIT makes sense; after a refused EHLO/MAIL, QUIT too.
        if (code >= 400 && steps[i - 1].stage !== 'rcpt' && steps[i - 1].stage !== 'quit') i = steps.length - 1;
        if (code === 421 || i >= steps.length) return finish();
        socket.write(`${steps[i].send}\r\n`);
      }
    });
  });
}

const started = performance.now();
let next = 0;
async function worker(): Promise<void> {
  while (next < total) {
    next++;
    await session();
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ sessions: total, ms, replies, errors })}\n`);
