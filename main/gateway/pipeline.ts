// Runs one SMTP phase through the layers in configured order. The first layer that does not
// say "continue" decides; "accept" ends the phase early (later layers are not asked). Every
// decision is recorded in the session's trace and counted per layer. A layer that says
// "continue" with a reason (it tagged the message, noted a result) leaves a note in the trace.
import type { LayerContext, LayerDefinition, Phase, SpooledMessage, Verdict } from './define-layer.js';
import { CONTINUE } from './define-layer.js';
import { replyFor, replyLine, type Reply } from './reply-map.js';
import type { Decision, GatewaySession } from './session.js';
import type { DnsResolver } from '../net/resolver.js';

export interface ConfiguredLayer {
  def: LayerDefinition<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each layer has its own option and state types
  options: unknown;
  state: unknown;
}

export interface PhaseOutcome {
  verdict: Verdict;
  reply: Reply;
  decision: Decision;
}

export interface PipelineEnv {
  layers: readonly ConfiguredLayer[];
  resolver: DnsResolver;
  localDomains: readonly string[];
  now(): number;
  onDecision(session: GatewaySession, d: Decision): void;
}

type PhaseArg = { phase: 'connect' } | { phase: 'helo'; name: string } | { phase: 'mail'; from: string } | { phase: 'rcpt'; to: string } | { phase: 'data'; message: SpooledMessage };

export async function runPhase(env: PipelineEnv, session: GatewaySession, arg: PhaseArg): Promise<PhaseOutcome> {
  const started = env.now();
  let verdict: Verdict = CONTINUE;
  let layerId = 'gateway';
  for (const { def, options, state } of env.layers) {
    const hook = def.hooks[arg.phase];
    if (!hook) continue;
    const ctx: LayerContext<unknown> = { options, state, session, resolver: env.resolver, now: env.now, localDomains: env.localDomains };
    const layerStarted = env.now();
    const v = await call(hook, ctx, arg);
    if (v.action === 'continue' && v.reason) {
      record(env, session, { phase: arg.phase, layer: def.id, action: 'note', reason: v.reason, reply: '', ms: Math.round(env.now() - layerStarted), subject: subjectOf(arg) });
    }
    if (v.action !== 'continue') {
      verdict = v;
      layerId = def.id;
      break;
    }
  }
  if (verdict.delayMs) await new Promise((r) => setTimeout(r, verdict.delayMs));
  const reply = replyFor(arg.phase, verdict.action === 'continue' ? { ...verdict, action: 'accept' } : verdict);
  const decision: Decision = {
    phase: arg.phase,
    layer: layerId,
    action: verdict.action === 'continue' ? 'accept' : verdict.action,
    reason: verdict.reason || 'no layer objected',
    reply: replyLine(reply),
    ms: Math.round(env.now() - started),
    subject: subjectOf(arg),
  };
  record(env, session, decision);
  return { verdict, reply, decision };
}

/** Adds a decision (or note) to the session's trace and reports it. */
export function record(env: Pick<PipelineEnv, 'onDecision'>, session: GatewaySession, d: Decision): void {
  if (d.subject === undefined) delete d.subject;
  session.decisions.push(d);
  env.onDecision(session, d);
}

const subjectOf = (arg: PhaseArg) => (arg.phase === 'mail' ? arg.from : arg.phase === 'rcpt' ? arg.to : undefined);

function call(hook: (...a: never[]) => Promise<Verdict> | Verdict, ctx: LayerContext<unknown>, arg: PhaseArg): Promise<Verdict> | Verdict {
  const h = hook as (ctx: LayerContext<unknown>, x?: unknown) => Promise<Verdict> | Verdict;
  switch (arg.phase) {
    case 'connect':
      return h(ctx);
    case 'helo':
      return h(ctx, arg.name);
    case 'mail':
      return h(ctx, arg.from);
    case 'rcpt':
      return h(ctx, arg.to);
    case 'data':
      return h(ctx, arg.message);
  }
}
