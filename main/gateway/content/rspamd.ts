// rspamd's normal worker over HTTP: POST /checkv2 with the message as the body and what the
// gateway knows in headers (IP, From, Rcpt, Helo, Queue-Id); the JSON reply carries the score,
// required_score and the symbols. Bounded: the message size sent, the reply size, the time.
import { createReadStream } from 'node:fs';
import { request } from 'node:http';
import { z } from 'zod';
import { EngineError, type EngineScore } from './spamd.js';

export interface RspamdTarget {
  host: string;
  port: number;
  timeoutMs: number;
  /** The controller password, when rspamd asks for one (Password header). */
  password?: string;
}

export interface RspamdEnvelope {
  ip: string;
  from: string;
  recipients: readonly string[];
  helo: string | null;
  queueId: string;
}

const MAX_REPLY_BYTES = 1024 * 1024;
const MAX_RULES = 100;

const Reply = z.object({
  score: z.number(),
  required_score: z.number(),
  action: z.string().optional(),
  symbols: z.record(z.string(), z.unknown()).optional(),
});

/** Header values from what a client sent: printable ASCII only, bounded. */
const headerSafe = (v: string) => v.replace(/[^\x20-\x7e]/g, '').slice(0, 500);

export function rspamdCheck(path: string, size: number, envelope: RspamdEnvelope, target: RspamdTarget): Promise<EngineScore> {
  return new Promise<EngineScore>((resolve, reject) => {
    const headers: Record<string, string | string[]> = {
      'Content-Length': String(size),
      IP: headerSafe(envelope.ip),
      From: headerSafe(envelope.from),
      'Queue-Id': headerSafe(envelope.queueId),
      ...(envelope.helo ? { Helo: headerSafe(envelope.helo) } : {}),
      ...(envelope.recipients.length ? { Rcpt: envelope.recipients.slice(0, 100).map(headerSafe) } : {}),
      ...(target.password ? { Password: target.password } : {}),
    };
    const req = request({ host: target.host, port: target.port, method: 'POST', path: '/checkv2', headers, signal: AbortSignal.timeout(target.timeoutMs), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (d: Buffer) => {
        length += d.length;
        if (length > MAX_REPLY_BYTES) req.destroy(new EngineError('rspamd reply too long'));
        else chunks.push(d);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new EngineError(`rspamd: HTTP ${res.statusCode}`));
        let json: unknown;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return reject(new EngineError('rspamd: reply is not JSON'));
        }
        const r = Reply.safeParse(json);
        if (!r.success) return reject(new EngineError('rspamd: reply without score and required_score'));
        const rules = Object.keys(r.data.symbols ?? {}).filter((s) => /^[A-Za-z0-9_]{1,64}$/.test(s)).slice(0, MAX_RULES);
        resolve({ engine: 'rspamd', score: r.data.score, required: r.data.required_score, rules });
      });
      res.on('error', (err) => reject(new EngineError(`rspamd: ${err.message}`)));
    });
    req.on('error', (err) => {
      const e = err as Error & { name: string };
      reject(err instanceof EngineError ? err : new EngineError(e.name === 'AbortError' || e.name === 'TimeoutError' ? `rspamd did not answer within ${target.timeoutMs} ms` : `rspamd: ${e.message}`));
    });
    const body = createReadStream(path);
    body.on('error', (err) => req.destroy(err));
    body.pipe(req);
  });
}
