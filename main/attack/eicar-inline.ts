import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { EICAR } from '../gateway/layers/antivirus.js';
import { defineAttack } from './define-attack.js';
import { message, transaction } from './session.js';

export default defineAttack({
  id: 'eicar-inline',
  title: 'EICAR test virus as a text attachment',
  expected: { layer: 'antivirus', stage: 'data', replyClass: '5xx', why: 'the EICAR test file is found' },
  source: LAB_ADDRESSES.friend,
  run: (ctx) =>
    transaction(ctx, { source: LAB_ADDRESSES.friend, from: 'sender@friend.test', rcpts: [ctx.rcpt], message: message({ from: 'sender@friend.test', to: ctx.rcpt, subject: 'Report', attachments: [{ name: 'eicar.txt', type: 'text/plain', content: Buffer.from(EICAR, 'latin1') }] }) }),
});
