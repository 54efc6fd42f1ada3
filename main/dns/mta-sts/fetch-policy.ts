// Fetches the MTA-STS policy the way RFC 8461 section 3.3 tells senders to: a certificate valid for
// mta-sts.<domain>, no redirects, no cache. The server belongs to the audited party and may be
// broken or hostile, so time and size are bounded and the address comes from our resolver.
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Transcript } from '../../net/transcript.js';

export const POLICY_PATH = '/.well-known/mta-sts.txt';
/** Section 3.3: senders should refuse larger policies, so a larger one is as good as none. */
export const POLICY_MAX_BYTES = 64 * 1024;

export interface PolicyFetchInput {
  /** mta-sts.<domain>: sent as SNI and Host, and checked against the certificate. */
  host: string;
  /** The host's addresses from our resolver, tried in order while connections fail. */
  addresses: string[];
  port: number;
  /** Extra trusted CA certificates (PEM), added to the system roots. */
  ca: string | null;
  /** Per address, until TLS is established. */
  connectMs: number;
  /** The whole fetch, all addresses included. */
  deadlineMs: number;
  signal: AbortSignal;
  transcript: Transcript;
}

/** Why a sender could not use the policy, worded for the report. */
export class PolicyFetchError extends Error {}
/** No usable connection to this address: the next one may do better. */
class AddressFailed extends PolicyFetchError {}

export async function fetchPolicy(input: PolicyFetchInput): Promise<string> {
  const deadline = performance.now() + input.deadlineMs;
  const failures: string[] = [];
  for (const address of input.addresses) {
    input.signal.throwIfAborted();
    const left = deadline - performance.now();
    if (left <= 0) break;
    try {
      return await fetchFrom(address, input, left);
    } catch (err) {
      if (!(err instanceof AddressFailed)) throw err;
      failures.push(err.message);
    }
  }
  throw new PolicyFetchError(failures.join('; ') || `no address answered within ${input.deadlineMs} ms`);
}

function fetchFrom(address: string, input: PolicyFetchInput, budgetMs: number): Promise<string> {
  const { transcript } = input;
  const hostHeader = input.port === 443 ? input.host : `${input.host}:${input.port}`;
  transcript.note(`connecting to ${address} port ${input.port} for ${input.host}`);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: address,
      port: input.port,
      servername: input.host,
      path: POLICY_PATH,
      headers: { host: hostHeader, accept: 'text/plain', 'user-agent': 'mxaudit' },
      // Giving `ca` replaces the system roots, so both are passed.
      ca: input.ca ? [...tls.rootCertificates, input.ca] : undefined,
      agent: false,
    });
    let answered = false;
    let settled = false;
    const finish = (err: Error | null, body = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(deadlineTimer);
      input.signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (err) {
        transcript.note(err.message);
        reject(err);
      } else resolve(body);
    };
    const onAbort = () => finish(input.signal.reason instanceof Error ? input.signal.reason : new Error('cancelled'));
    const connectMs = Math.min(input.connectMs, budgetMs);
    const connectTimer = setTimeout(() => finish(new AddressFailed(`${address}: no TLS connection within ${connectMs} ms`)), connectMs);
    const deadlineTimer = setTimeout(() => finish(new PolicyFetchError(`${address}: the policy did not arrive within ${input.deadlineMs} ms`)), budgetMs);
    input.signal.addEventListener('abort', onAbort, { once: true });

    req.on('socket', (socket) =>
      socket.once('secureConnect', () => {
        clearTimeout(connectTimer);
        transcript.note(`TLS ${(socket as tls.TLSSocket).getProtocol() ?? ''}, certificate valid for ${input.host}`);
        transcript.add('~>', `GET ${POLICY_PATH} (Host: ${hostHeader})`);
      }),
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      const reason = `${address}: ${isCertificateError(err) ? `certificate not accepted for ${input.host}: ` : ''}${clip(err.message)}`;
      finish(answered ? new PolicyFetchError(reason) : new AddressFailed(reason));
    });
    req.on('response', (res) => {
      answered = true;
      readPolicy(res, transcript).then((body) => finish(null, body), (err: Error) => finish(err));
    });
    req.end();
  });
}

/** Server-chosen text (headers, certificate names) goes into findings: keep it short. */
function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

function isCertificateError(err: NodeJS.ErrnoException): boolean {
  return /CERT|SIGNATURE|ISSUER|SELF_SIGNED/.test(err.code ?? '');
}

async function readPolicy(res: IncomingMessage, transcript: Transcript): Promise<string> {
  const status = res.statusCode ?? 0;
  const type = res.headers['content-type'];
  transcript.add('<~', `HTTP/${res.httpVersion} ${status} ${res.statusMessage ?? ''}, Content-Type: ${type ?? '(none)'}`);
  if (status >= 300 && status < 400) {
    throw new PolicyFetchError(`HTTP ${status} redirect to ${clip(res.headers.location ?? '(no Location)')}: senders must not follow redirects (RFC 8461 section 3.3)`);
  }
  if (status !== 200) throw new PolicyFetchError(`HTTP ${status} instead of 200 for ${POLICY_PATH}`);
  if (type?.split(';')[0].trim().toLowerCase() !== 'text/plain') throw new PolicyFetchError(`Content-Type ${clip(type ?? '(none)')} instead of text/plain`);
  const tooLarge = () => new PolicyFetchError(`The policy is larger than ${POLICY_MAX_BYTES} bytes`);
  if (Number(res.headers['content-length']) > POLICY_MAX_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > POLICY_MAX_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  transcript.add('<~', `${size} bytes`);
  return Buffer.concat(chunks).toString('utf8');
}
