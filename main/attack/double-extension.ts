import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defineAttack } from './define-attack.js';
import { message, transaction } from './session.js';

export default defineAttack({
  id: 'double-extension',
  title: 'Executable: a double-extension attachment (invoice.pdf.vbs)',
  expected: { layer: 'attachment-blocking', stage: 'data', replyClass: '5xx', why: 'executable attachments are blocked by name' },
  source: LAB_ADDRESSES.friend,
  run: (ctx) =>
    transaction(ctx, {
      source: LAB_ADDRESSES.friend,
      from: 'sender@friend.test',
      rcpts: [ctx.rcpt],
      // Harmless bytes: only the name makes it executable.
      message: message({ from: 'sender@friend.test', to: ctx.rcpt, subject: 'Invoice', attachments: [{ name: 'invoice.pdf.vbs', type: 'application/pdf', content: Buffer.from('mxaudit attack suite: harmless content\r\n') }] }),
    }),
});
