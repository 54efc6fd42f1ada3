// Whether a loopback port is free again: nothing accepts a TCP connection, and it can be bound
// (TCP and, for DNS, UDP) by us. Used to prove the lab leaves nothing listening.
import net from 'node:net';
import dgram from 'node:dgram';

export function tcpRefused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

export function tcpBindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export function udpBindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

/** Every port free: no listener by TCP, bindable by TCP, and (udp) by UDP. */
export async function portsFree(host: string, tcp: number[], udp: number[] = []): Promise<boolean> {
  const checks = await Promise.all([...tcp.map((p) => tcpRefused(host, p)), ...tcp.map((p) => tcpBindable(host, p)), ...udp.map((p) => udpBindable(host, p))]);
  return checks.every(Boolean);
}
