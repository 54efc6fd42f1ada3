import { describe, expect, it } from 'vitest';
import { ReplyParser, ReplyProtocolError, defaultReplyLimits, enhancedCode, replyText } from '../../../main/net/smtp-reply.js';

function parse(chunks: (string | Buffer)[], limits = defaultReplyLimits) {
  const lines: string[] = [];
  const replies: { code: number; lines: string[] }[] = [];
  const p = new ReplyParser(limits, (l) => lines.push(l), (code, ls) => replies.push({ code, lines: ls }));
  for (const c of chunks) p.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return { lines, replies };
}

describe('ReplyParser', () => {
  it('joins a multi-line reply split across chunks at any byte', () => {
    const text = '250-mx.lab.test\r\n250-SIZE 10240000\r\n250 DSN\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const { replies } = parse([text.slice(0, cut), text.slice(cut)]);
      expect(replies).toEqual([{ code: 250, lines: ['mx.lab.test', 'SIZE 10240000', 'DSN'] }]);
    }
  });

  it('accepts bare LF and a code with no text', () => {
    expect(parse(['220\n354 go ahead\n']).replies).toEqual([
      { code: 220, lines: [''] },
      { code: 354, lines: ['go ahead'] },
    ]);
  });

  it('refuses a line that is not SMTP', () => {
    expect(() => parse(['HTTP/1.1 400 Bad Request\r\n'])).toThrow(ReplyProtocolError);
  });

  it('bounds line length even when no newline ever comes', () => {
    const seen: string[] = [];
    const p = new ReplyParser({ maxLineBytes: 100, maxReplyLines: 10 }, (l) => seen.push(l), () => {});
    expect(() => {
      for (let i = 0; i < 50; i++) p.push(Buffer.alloc(10, 0x41));
    }).toThrow(/longer than 100 bytes/);
    expect(seen[0].length).toBeLessThanOrEqual(512);
  });

  it('bounds the number of lines of one reply', () => {
    expect(() => parse(['220-x\r\n'.repeat(11)], { maxLineBytes: 100, maxReplyLines: 10 })).toThrow(/longer than 10 lines/);
  });

  it('reads enhanced status codes and renders a reply', () => {
    expect(enhancedCode(['5.1.1 <x@y>: Recipient address rejected'])).toBe('5.1.1');
    expect(enhancedCode(['Ok'])).toBeNull();
    expect(replyText({ code: 550, lines: ['a', 'b'], enhanced: null, elapsedMs: 0 })).toBe('550 a | b');
  });
});
