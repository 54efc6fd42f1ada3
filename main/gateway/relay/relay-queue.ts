// Persistent outbound queue to the smart host. An entry is a JSON envelope in pending/ plus the
// message under messages/ (a hard link to the stored file), both on disk and fsynced before
// enqueue() resolves, so before the gateway's 250. Delivery goes through nodemailer's SMTP
// transport; 4xx replies and connection failures are retried with exponential back-off, 5xx
// replies fail for good and the entry moves to failed/ with the reason: never silently dropped.
// At start every pending entry is picked up again (restart or crash): delivery is at least once.
import { EventEmitter } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { z } from 'zod';
import type { RelayConfig } from './relay-config.js';
import { linkDurable, syncDir, writeDurable } from './durable-file.js';

export interface RelayEnvelope {
  /** Queue id (the store id). */
  id: string;
  from: string;
  recipients: string[];
  /** The stored message file to send (trace headers included). */
  file: string;
}

export interface RelayEvents {
  delivered: [id: string, recipients: string[], response: string];
  deferred: [id: string, recipients: string[], reason: string, retryInMs: number];
  failed: [id: string, recipients: string[], reason: string];
}

export interface RelayQueue {
  /** Persists the entry (fsynced) and schedules delivery; resolves once it is durable. */
  enqueue(envelope: RelayEnvelope): Promise<void>;
  /** Entries waiting or retrying. */
  pending(): number;
  /** Stops scheduling and waits for the deliveries in flight; pending entries stay on disk. */
  stop(): Promise<void>;
  /** What happened to each entry, for the trace and the UI. */
  events: EventEmitter<RelayEvents>;
}

/** What pending/<id>.json holds. */
const EntrySchema = z.object({
  id: z.string(),
  from: z.string(),
  recipients: z.array(z.string()).min(1),
  queuedAt: z.number(),
  attempts: z.number().int().min(0),
  nextAttemptAt: z.number(),
  lastError: z.string().optional(),
});
type Entry = z.output<typeof EntrySchema>;

/** Ids become file names: nothing that could leave the queue directory. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

interface Attempt {
  delivered: string[];
  /** Refused for good (5xx), with the reply. */
  permanent: { rcpt: string; reason: string }[];
  /** To try again (4xx, connection trouble), with the reason. */
  deferred: { rcpt: string; reason: string }[];
  response: string;
}

type SmtpError = Error & { responseCode?: number; response?: string; code?: string; rejectedErrors?: SmtpError[]; recipient?: string };

/** A recipient as nodemailer writes it in RCPT TO, and so names it in a refusal. */
const wireSpelling = (rcpt: string): string => new MimeNode().setEnvelope({ to: [rcpt] }).getEnvelope().to[0] ?? rcpt;

const describe = (e: SmtpError) => (e.response ? e.response.replace(/[\r\n]+/g, ' ').slice(0, 500) : `${e.code ? `${e.code}: ` : ''}${e.message}`.slice(0, 500));

export async function startRelayQueue(config: RelayConfig, deps: { queueDir: string; hostname: string; now?: () => number }): Promise<RelayQueue> {
  const now = deps.now ?? Date.now;
  const dirs = { pending: join(deps.queueDir, 'pending'), messages: join(deps.queueDir, 'messages'), failed: join(deps.queueDir, 'failed') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  await syncDir(deps.queueDir);
  const events = new EventEmitter<RelayEvents>();
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: false,
    name: deps.hostname,
    ignoreTLS: config.starttls === 'never',
    requireTLS: config.starttls === 'required',
    tls: { rejectUnauthorized: config.verifyCertificate },
    connectionTimeout: config.timeoutSeconds * 1000,
    greetingTimeout: config.timeoutSeconds * 1000,
    socketTimeout: config.timeoutSeconds * 1000,
    disableFileAccess: true,
    disableUrlAccess: true,
  } satisfies SMTPTransport.Options);

  const messagePath = (id: string) => join(dirs.messages, `${id}.eml`);
  const entryPath = (id: string) => join(dirs.pending, `${id}.json`);

  // Pick up what a previous run left: entries to resume, and half-made ones (no 250 was sent).
  const names = new Set(await readdir(dirs.pending));
  for (const name of names) {
    const path = join(dirs.pending, name);
    if (name.startsWith('.')) {
      await unlink(path).catch(() => {});
      continue;
    }
    const parsed = EntrySchema.safeParse(await readFile(path, 'utf8').then(JSON.parse).catch(() => null));
    if (!parsed.success || !SAFE_ID.test(parsed.data.id) || name !== `${parsed.data.id}.json`) {
      // Never dropped: an unreadable entry is kept aside for a person to look at.
      await rename(path, join(dirs.failed, `${name}.unreadable`));
      continue;
    }
    entries.set(parsed.data.id, parsed.data);
  }
  for (const name of await readdir(dirs.messages)) {
    const id = name.replace(/\.eml$/, '');
    // A message without an entry: enqueue() did not finish, so the gateway never answered 250.
    if (!entries.has(id)) await unlink(join(dirs.messages, name)).catch(() => {});
  }

  const backoffMs = (attempts: number) => Math.min(config.retryInitialSeconds * 2 ** Math.max(0, attempts - 1), config.retryMaxSeconds) * 1000;

  /** Starts due entries (oldest queued first) up to the concurrency; wakes up for the next one. */
  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = null;
    const t = now();
    let next = Infinity;
    // One pass in queue order (a Map keeps insertion order): no sorting per delivery.
    for (const e of entries.values()) {
      if (inFlight.has(e.id)) continue;
      if (e.nextAttemptAt > t) {
        next = Math.min(next, e.nextAttemptAt);
        continue;
      }
      if (inFlight.size >= config.concurrency) return; // a delivery ending calls schedule() again
      const run = deliver(e).finally(() => {
        inFlight.delete(e.id);
        schedule();
      });
      inFlight.set(e.id, run);
    }
    if (next < Infinity) {
      timer = setTimeout(schedule, Math.min(next - t, 2 ** 31 - 1));
      timer.unref();
    }
  };

  const attempt = async (e: Entry): Promise<Attempt> => {
    const out: Attempt = { delivered: [], permanent: [], deferred: [], response: '' };
    // Replies name recipients in nodemailer's spelling (domain normalized, duplicates merged):
    // each is mapped back to the recipients the queue was given.
    const given = new Map<string, string[]>();
    for (const rcpt of e.recipients) {
      const wire = wireSpelling(rcpt);
      given.set(wire, [...(given.get(wire) ?? []), rcpt]);
    }
    /** The recipients given that the errors name. */
    const named = (errs: SmtpError[]) => new Set(errs.flatMap((err) => given.get(err.recipient ?? '') ?? []));
    const classify = (errs: SmtpError[]) => {
      for (const err of errs) {
        const wire = err.recipient ?? '';
        for (const rcpt of given.get(wire) ?? [wire]) ((err.responseCode ?? 0) >= 500 ? out.permanent : out.deferred).push({ rcpt, reason: describe(err) });
      }
    };
    try {
      const info = await transport.sendMail({ envelope: { from: e.from, to: e.recipients }, raw: createReadStream(messagePath(e.id)) });
      const rejected = (info.rejectedErrors ?? []) as SmtpError[];
      classify(rejected);
      const refused = named(rejected);
      out.delivered = e.recipients.filter((r) => !refused.has(r));
      out.response = info.response;
    } catch (caught) {
      const err = caught as SmtpError;
      if (err.rejectedErrors?.length) {
        classify(err.rejectedErrors);
        // A recipient the error does not name is neither delivered nor refused: try it later.
        const refused = named(err.rejectedErrors);
        for (const rcpt of e.recipients) if (!refused.has(rcpt)) out.deferred.push({ rcpt, reason: describe(err) });
      } else {
        // MAIL FROM or DATA refused (5xx: for good), or 4xx, a timeout, a lost connection: later.
        const list = (err.responseCode ?? 0) >= 500 ? out.permanent : out.deferred;
        for (const rcpt of e.recipients) list.push({ rcpt, reason: describe(err) });
      }
    }
    return out;
  };

  let failures = 0;
  const fail = async (e: Entry, recipients: string[], reason: string) => {
    const name = `${e.id}-${now().toString(36)}-${failures++}`;
    await linkDurable(messagePath(e.id), join(dirs.failed, `${name}.eml`));
    await writeDurable(join(dirs.failed, `${name}.json`), JSON.stringify({ ...e, recipients, reason, failedAt: new Date(now()).toISOString() }, null, 2));
    events.emit('failed', e.id, recipients, reason);
  };

  const finish = async (e: Entry) => {
    entries.delete(e.id);
    await unlink(entryPath(e.id));
    await unlink(messagePath(e.id)).catch(() => {});
    await syncDir(dirs.pending);
  };

  const deliver = async (e: Entry): Promise<void> => {
    try {
      const r = await attempt(e);
      // Events follow the disk: once 'delivered' is seen, the queue's files say so too.
      const delivered = () => void (r.delivered.length && events.emit('delivered', e.id, r.delivered, r.response));
      // One failed/ record per reason, so a person sees why each recipient was refused.
      const byReason = new Map<string, string[]>();
      for (const p of r.permanent) byReason.set(p.reason, [...(byReason.get(p.reason) ?? []), p.rcpt]);
      for (const [reason, rcpts] of byReason) await fail(e, rcpts, reason);
      if (!r.deferred.length) {
        await finish(e);
        return delivered();
      }
      delivered();
      const reason = r.deferred[0].reason;
      const remaining = r.deferred.map((d) => d.rcpt);
      const attempts = e.attempts + 1;
      if (now() + backoffMs(attempts) - e.queuedAt > config.maxQueueSeconds * 1000) {
        await fail(e, remaining, `still deferred after ${config.maxQueueSeconds} s: ${reason}`);
        return await finish(e);
      }
      const next: Entry = { ...e, recipients: remaining, attempts, nextAttemptAt: now() + backoffMs(attempts), lastError: reason };
      await writeDurable(entryPath(e.id), JSON.stringify(next));
      entries.set(e.id, next);
      events.emit('deferred', e.id, remaining, reason, backoffMs(attempts));
    } catch (err) {
      // The queue's own disk trouble: keep the entry and try again later, never drop it.
      const next: Entry = { ...e, attempts: e.attempts + 1, nextAttemptAt: now() + backoffMs(e.attempts + 1), lastError: `queue: ${(err as Error).message}` };
      entries.set(e.id, next);
    }
  };

  schedule();

  return {
    events,
    pending: () => entries.size,
    async enqueue(envelope) {
      if (stopped) throw new Error('relay queue stopped');
      if (!SAFE_ID.test(envelope.id)) throw new Error(`relay queue: unusable id ${JSON.stringify(envelope.id)}`);
      if (entries.has(envelope.id)) throw new Error(`relay queue: ${envelope.id} already queued`);
      if (!envelope.recipients.length) throw new Error('relay queue: no recipients');
      const t = now();
      const entry: Entry = { id: envelope.id, from: envelope.from, recipients: [...envelope.recipients], queuedAt: t, attempts: 0, nextAttemptAt: t };
      // The message first, then the entry: an entry on disk always has its message.
      await linkDurable(envelope.file, messagePath(envelope.id));
      await writeDurable(entryPath(envelope.id), JSON.stringify(entry));
      entries.set(entry.id, entry);
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...inFlight.values()]);
      transport.close();
    },
  };
}
