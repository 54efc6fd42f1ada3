// The attachment attacks differ only by the file name: harmless bytes, an executable name.
import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defineAttack } from './define-attack.js';
import { message, transaction } from './session.js';

export function namedAttachmentAttack(id: string, title: string, name: string, type = 'application/octet-stream') {
  return defineAttack({
    id,
    title,
    expected: { layer: 'attachment-blocking', stage: 'data', replyClass: '5xx', why: 'executable attachments are blocked by name' },
    source: LAB_ADDRESSES.friend,
    run: (ctx) =>
      transaction(ctx, {
        source: LAB_ADDRESSES.friend,
        from: 'sender@friend.test',
        rcpts: [ctx.rcpt],
        message: message({ from: 'sender@friend.test', to: ctx.rcpt, subject: 'Invoice', attachments: [{ name, type, content: Buffer.from('mxaudit attack suite: harmless content\r\n') }] }),
      }),
  });
}
