// Directory harvest exposure: how fast can an outsider test guessed addresses? Times unknown
// recipients (interleaved with known-valid ones when given) in one long connection and in
// fresh ones, finds the server's defence (delay, 4xx, disconnect) and what it costs an attacker.
import { isPositive, isTempFail, replyText } from '../../net/smtp-reply.js';
import { defineCheck } from '../define-check.js';
import { mailFrom, openSession, reasonOf } from '../smtp-steps.js';
import { estimateHarvest, median, type HarvestSample } from '../harvest-estimate.js';

/** Unknown recipients tried in each fresh connection, unless the options say otherwise. */
const FRESH_SAMPLES = 3;
/** Below this the attack is practical: the talk's "about 20 minutes" vs "months" with a 5 s delay. */
const PRACTICAL_SECONDS = 7 * 24 * 3600;

type O = 'smtp.dha-no-delay';

export default defineCheck<O>({
  id: 'harvest',
  title: 'Directory harvest attack exposure (timing of unknown recipients)',
  category: 'smtp',
  active: true,
  exclusive: true,
  timeoutMs: 120_000,
  references: ['Exchange 2003 TarpitTime (KB 842851)', 'Postfix smtpd_error_sleep_time, smtpd_soft_error_limit, smtpd_hard_error_limit'],
  outcomes: {
    'smtp.dha-no-delay': {
      severity: 'medium',
      title: 'Directory harvesting is fast: unknown recipients are refused without delay',
      description:
        'The server answers 550 to unknown recipients immediately, so an attacker can test guessed addresses at full speed and collect the valid ones for spam and phishing.',
      remediation:
        'Delay the 550 for unknown recipients to unauthenticated clients by several seconds (Exchange: TarpitTime; Postfix: smtpd_error_sleep_time with a low smtpd_soft_error_limit) and limit errors per client IP, not per connection (Postfix anvil, postscreen).',
    },
  },
  async run(ctx) {
    const domain = ctx.target.domain;
    if (!domain) return { notApplicable: 'no domain known: give --domain to measure recipient timing' };
    const { samples: wanted, freshConnections } = ctx.options.harvest;
    const samples: HarvestSample[] = [];
    const connectCosts: number[] = [];
    const mailReplyMs: number[] = [];
    let stopped: string | null = null;

    const session = async (conn: number, unknownCount: number, withValid: boolean) => {
      const t0 = ctx.clock.now();
      let opened = await openSession(ctx);
      try {
        let mail = await mailFrom(ctx, opened, '');
        opened = mail.opened;
        if (!isPositive(mail.reply)) {
          await opened.session.command('RSET');
          mail = await mailFrom(ctx, opened, ctx.options.mailFrom);
          if (!isPositive(mail.reply)) throw new Error(`sender refused: ${replyText(mail.reply)}`);
        }
        connectCosts.push(ctx.clock.now() - t0);
        mailReplyMs.push(mail.reply.elapsedMs);
        let errors = 0;
        for (let i = 0; i < unknownCount; i++) {
          const reply = await opened.session.command(`RCPT TO:<${ctx.randomToken(10)}@${domain}>`);
          if (!isPositive(reply)) errors++;
          samples.push({ conn, kind: 'unknown', errorsBefore: errors - (isPositive(reply) ? 0 : 1), ms: reply.elapsedMs, code: reply.code });
          if (reply.code === 421 || opened.session.closedReason) return;
          if (isTempFail(reply) && samples.filter((s) => s.conn === conn && s.code >= 400 && s.code < 500).length >= 3) return;
          if (withValid && ctx.options.validRcpt.length) {
            const valid = ctx.options.validRcpt[i % ctx.options.validRcpt.length];
            const vr = await opened.session.command(`RCPT TO:<${valid}>`);
            samples.push({ conn, kind: 'valid', errorsBefore: errors, ms: vr.elapsedMs, code: vr.code });
          }
          if (ctx.options.harvest.intervalMs > 0) await ctx.clock.sleep(ctx.options.harvest.intervalMs, ctx.signal);
          if (i % 4 === 3) ctx.progress(`connection ${conn + 1}: ${i + 1} of ${unknownCount} unknown recipients`);
        }
      } catch (err) {
        // A disconnect is the server's defence, recorded as such; anything else ends the measurement.
        const msg = reasonOf(err);
        if (/closed|closing/.test(msg)) samples.push({ conn, kind: 'disconnect', errorsBefore: samples.filter((s) => s.conn === conn && s.code >= 400).length, ms: 0, code: 0 });
        else stopped = msg;
      } finally {
        await opened.session.quit();
      }
    };

    try {
      ctx.progress(`long connection: ${wanted} unknown recipients`);
      await session(0, wanted, true);
      for (let c = 1; c <= freshConnections && !stopped; c++) await session(c, ctx.options.harvest.freshSamples ?? FRESH_SAMPLES, false);
    } catch (err) {
      stopped = reasonOf(err);
    }
    const unknownSamples = samples.filter((s) => s.kind === 'unknown');
    if (unknownSamples.length === 0) return { inconclusive: stopped ?? 'no recipient could be tested' };
    if (unknownSamples.some((s) => s.code >= 200 && s.code < 300)) {
      return { notApplicable: 'the server accepts unknown recipients (see smtp.accepts-unknown-recipients): nothing to harvest at RCPT' };
    }
    const est = estimateHarvest(samples, connectCosts, median(mailReplyMs) ?? 0);
    const facts = { harvest: { samples: unknownSamples.length, connections: 1 + freshConnections, ...est.facts } };
    const evidence = { transcript: ctx.transcript.lines(), samples: samples.map((s) => ({ ...s, ms: Math.round(s.ms) })), estimate: est.explanation };
    if (est.facts.enumerate4CharSeconds !== null && est.facts.enumerate4CharSeconds < PRACTICAL_SECONDS) {
      return { facts, findings: [{ outcome: 'smtp.dha-no-delay', detail: est.explanation, evidence }] };
    }
    return { facts };
  },
});

