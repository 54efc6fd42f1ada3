// The lab's MTA-STS policy host (RFC 8461 section 3.3): HTTPS on loopback, serving the policy
// at /.well-known/mta-sts.txt as text/plain, nothing else. Real senders use port 443; the probe
// is told the lab's port (ProbeOptions.mtaStsPort).
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface PolicyServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export const POLICY_PATH = '/.well-known/mta-sts.txt';

export async function startPolicyServer(o: { host: string; port?: number; key: Buffer; cert: Buffer; policy: string }): Promise<PolicyServer> {
  const server = https.createServer({ key: o.key, cert: o.cert }, (req, res) => {
    if (req.method === 'GET' && req.url === POLICY_PATH) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(o.policy);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  });
  server.on('tlsClientError', () => {}); // a failed handshake must not take the lab down
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: o.host,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
