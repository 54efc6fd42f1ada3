// Does the server enforce the SIZE it advertises? A MAIL with SIZE one byte over must get 552.
import { isPermFail, isPositive, isTempFail, replyText } from '../../net/smtp-reply.js';
import { defineCheck } from '../define-check.js';
import { mailFrom, withSession } from '../smtp-steps.js';

type O = 'smtp.size-not-enforced';

export default defineCheck<O>({
  id: 'size-limit',
  title: 'Advertised message size limit is enforced at MAIL',
  category: 'smtp',
  active: true,
  timeoutMs: 30_000,
  references: ['RFC 1870 section 6'],
  outcomes: {
    'smtp.size-not-enforced': {
      severity: 'medium',
      title: 'Declared oversize message not refused at MAIL',
      description:
        'A MAIL command declaring a size above the advertised SIZE limit was accepted: the server will receive the whole oversize message before refusing it, wasting bandwidth and disk (a cheap denial of service).',
      remediation: 'Refuse MAIL FROM with a SIZE parameter above the limit with 552 5.3.4 (RFC 1870); check the limit is applied on this listener.',
    },
  },
  run: (ctx) =>
    withSession<O>(ctx, async (opened) => {
      const advertised = opened.ehlo.facts.size;
      if (!advertised) {
        return {
          facts: { size: { advertised, probeSize: null, reply: null, enforced: null } },
          notApplicable: advertised === 0 ? 'SIZE advertised without a limit' : 'SIZE not advertised',
        };
      }
      // Control: a small declared size must pass, or a refusal below would say nothing about size.
      const control = await mailFrom(ctx, opened, ctx.options.mailFrom, 'SIZE=1000');
      opened = control.opened;
      if (!isPositive(control.reply)) return { inconclusive: `sender refused even with a small SIZE: ${replyText(control.reply)}` };
      await opened.session.command('RSET');
      const probeSize = advertised + 1;
      const { reply } = await mailFrom(ctx, opened, ctx.options.mailFrom, `SIZE=${probeSize}`);
      const facts = { size: { advertised, probeSize, reply: replyText(reply), enforced: !isPositive(reply) } };
      if (isPositive(reply)) {
        return {
          facts,
          findings: [{ outcome: 'smtp.size-not-enforced', detail: `SIZE=${probeSize} (limit ${advertised}) got ${replyText(reply)}.`, evidence: { transcript: ctx.transcript.lines() } }],
        };
      }
      if (isTempFail(reply) && reply.code !== 452) return { facts, inconclusive: `temporary failure at MAIL: ${replyText(reply)}` };
      if (isPermFail(reply) && reply.code !== 552) ctx.progress(`refused with ${reply.code} rather than 552`);
      return { facts };
    }),
});
