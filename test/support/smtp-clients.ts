// Real SMTP clients for gateway tests: swaks and Python's smtplib (both from Debian), and a
// reader for the gateway's mail store.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const swaksAvailable = existsSync('/usr/bin/swaks');

/** swaks against 127.0.0.1:port with HELO client.example; its transcript, whatever the outcome. */
export async function swaks(port: number, ...args: string[]): Promise<string> {
  const r = await run('swaks', ['--server', `127.0.0.1:${port}`, '--helo', 'client.example', '--timeout', '20', ...args]).catch((e: { stdout: string }) => e);
  return r.stdout;
}

export interface SmtplibMail {
  from: string;
  to: string[];
  /** The whole message, headers included. */
  message: string;
}

/** Per mail: refused recipients as [code, text], or the error reply that stopped the mail. */
export type SmtplibOutcome = { refused: Record<string, [number, string]> } | { error: [number, string] };

// One session: EHLO, optionally XCLIENT ADDR= and EHLO again (XCLIENT resets the session), then
// each mail with sendmail(); smtplib issues RSET itself after a refused mail.
const SCRIPT = `
import json, smtplib, sys
spec = json.loads(sys.argv[1])
out = []
with smtplib.SMTP('127.0.0.1', spec['port'], local_hostname='client.example', timeout=20) as s:
    s.ehlo()
    if spec.get('xclient'):
        code, text = s.docmd('XCLIENT', 'ADDR=' + spec['xclient'])
        if code != 220:
            sys.exit('XCLIENT refused: %d %s' % (code, text.decode()))
        s.ehlo()
    for m in spec['mails']:
        try:
            refused = s.sendmail(m['from'], m['to'], m['message'])
            out.append({'refused': {k: [c, t.decode()] for k, (c, t) in refused.items()}})
        except smtplib.SMTPRecipientsRefused as e:
            out.append({'refused': {k: [c, t.decode()] for k, (c, t) in e.recipients.items()}})
        except smtplib.SMTPResponseException as e:
            out.append({'error': [e.smtp_code, e.smtp_error.decode()]})
print(json.dumps(out))
`;

export async function smtplibSend(port: number, mails: SmtplibMail[], xclient?: string): Promise<SmtplibOutcome[]> {
  const { stdout } = await run('python3', ['-c', SCRIPT, JSON.stringify({ port, xclient, mails })]);
  return JSON.parse(stdout) as SmtplibOutcome[];
}

/** The one message in a recipient's inbox that contains `marker`. */
export function storedMessage(storeDir: string, rcpt: string, marker: string): string {
  const dir = join(storeDir, 'inbox', rcpt);
  const hits = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(join(dir, f), 'utf8')).filter((m) => m.includes(marker)) : [];
  if (hits.length !== 1) throw new Error(`expected one message with "${marker}" for ${rcpt}, found ${hits.length}`);
  return hits[0];
}

/** Header fields of a stored message, unfolded, in order. */
export const headerLines = (message: string): string[] => message.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ').split('\r\n');

// One raw dialogue with smtplib's own reply parser: the greeting, then each command's reply (or
// null once the server closed), from an optional source address. smtplib.SMTP.connect() would
// give up at a non-220 greeting; this reads it with getreply() and carries on, as a client must
// to see what a refused session answers.
const DIALOGUE = `
import json, smtplib, socket, sys
spec = json.loads(sys.argv[1])
s = smtplib.SMTP(local_hostname='client.example', timeout=20)
src = (spec['source'], 0) if spec.get('source') else None
s.sock = socket.create_connection(('127.0.0.1', spec['port']), 20, src)
s.file = None
out = []
try:
    out.append(list(s.getreply()))
    for cmd in spec['commands']:
        if isinstance(cmd, dict):
            out.append(list(s.data(cmd['data'].encode('latin-1'))))
            continue
        verb, _, arg = cmd.partition(' ')
        out.append(list(s.docmd(verb, arg)))
except smtplib.SMTPServerDisconnected:
    out.append(None)
print(json.dumps([[r[0], r[1].decode('latin-1')] if r else None for r in out]))
`;

/**
 * [code, text] per reply: the greeting first, then one per command; null once the server closed.
 * A `{ data }` command is a whole DATA exchange with smtplib's data() (its final reply).
 */
export async function smtplibDialogue(port: number, commands: (string | { data: string })[], source?: string): Promise<([number, string] | null)[]> {
  const { stdout } = await run('python3', ['-c', DIALOGUE, JSON.stringify({ port, commands, source })]);
  return JSON.parse(stdout) as ([number, string] | null)[];
}
