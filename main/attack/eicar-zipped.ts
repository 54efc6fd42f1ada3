import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { EICAR } from '../gateway/layers/antivirus.js';
import { defineAttack } from './define-attack.js';
import { message, transaction } from './session.js';
import { zipOne } from './zip.js';

export default defineAttack({
  id: 'eicar-zipped',
  title: 'EICAR test virus inside a zip (deflated)',
  expected: { layer: 'antivirus', stage: 'data', replyClass: '5xx', why: 'the scanner looks inside archives' },
  source: LAB_ADDRESSES.friend,
  run: (ctx) =>
    transaction(ctx, {
      source: LAB_ADDRESSES.friend,
      from: 'sender@friend.test',
      rcpts: [ctx.rcpt],
      // A harmless name inside, so only the content can give it away.
      message: message({ from: 'sender@friend.test', to: ctx.rcpt, subject: 'Report', attachments: [{ name: 'report.zip', type: 'application/zip', content: zipOne('report.txt', Buffer.from(EICAR, 'latin1')) }] }),
    }),
});
