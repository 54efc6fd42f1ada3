// The lab's loopback peer is the XCLIENT front proxy: the per-IP connection rate limit (60 a
// minute by default) applies to the clients it presents, never to the lab's own connections,
// so a probe, --traffic and --keep sessions can follow each other.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../main/lab/start-lab.js';

const greeting = (port: number) =>
  new Promise<string>((done, fail) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('data', (d) => {
      s.end('QUIT\r\n');
      done(d.toString().split('\r\n')[0]);
    });
    s.once('error', fail);
  });

describe('lab connection limits', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
  }, 60_000);
  afterAll(() => lab?.stop());

  it('more connections than the per-IP rate limit from loopback are all greeted', async () => {
    const limit = 60;
    const replies: string[] = [];
    for (let i = 0; i < limit + 5; i++) replies.push(await greeting(lab.gateway.port));
    expect(replies.filter((r) => !r.startsWith('220 '))).toEqual([]);
  }, 60_000);
});
