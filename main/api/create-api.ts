// The handlers behind every contract channel, with no transport: Electron IPC (main/app) and
// the WebSocket bridge (main/serve) both call `invoke`, which validates the request with the
// channel's zod schema first. One instance per data folder.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { channels, type Channel, type EventName, type EventOf, type ParsedRequestOf, type ResponseOf, type AttackResultView } from '../../shared/ipc-contract.js';
import { AssessmentSchema, type Assessment } from '../../shared/assessment.js';
import { registry } from '../probe/registry.js';
import { runAttackSuite, type AttackResult } from '../attack/run-suite.js';
import { compareAssessments } from '../compare/compare-assessments.js';
import { toolVersion } from '../version.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import type { SpawnGatewayProcess } from '../gateway-host/protocol.js';
import { ApiError } from './api-error.js';
import { EngagementStore } from './engagement-store.js';
import { AssessmentRunner } from './assessment-runner.js';
import { GatewayController } from './gateway-controller.js';
import { defaultConfigText, parseConfigText } from './gateway-config-check.js';
import { listMailboxes, readMessage } from './mailbox-reader.js';
import { exportAssessment, type ChooseExportPath } from './export-service.js';
import { ReferenceRunner } from './reference-runner.js';

export interface ApiDeps {
  dataDir: string;
  transport: 'electron' | 'serve';
  spawnGateway: SpawnGatewayProcess;
  /** Where exports go (the app: a save dialog); default: the data folder's exports/. */
  chooseExportPath?: ChooseExportPath;
}

export type EventListener = <E extends EventName>(event: E, payload: EventOf<E>) => void;

export interface Api {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Every event for every subscriber (the app has one window; serve may have several tabs). */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}

type Handlers = { [C in Channel]: (req: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export function createApi(deps: ApiDeps): Api {
  const listeners = new Set<EventListener>();
  const emit: EventListener = (event, payload) => {
    for (const l of listeners) {
      try {
        l(event, payload);
      } catch {
        // one broken subscriber (a closed tab) never stops the others
      }
    }
  };
  const store = new EngagementStore(deps.dataDir);
  const runner = new AssessmentRunner(store, emit);
  const gateway = new GatewayController(deps.spawnGateway, deps.dataDir, emit);
  const choose: ChooseExportPath = deps.chooseExportPath ?? (async (suggested) => suggested);
  let attackRunning = false;
  let reference: Promise<Assessment> | null = null;
  const referencePath = join(deps.dataDir, 'reference-assessment.json');
  const referenceRunner = new ReferenceRunner(deps.spawnGateway, (message) => emit('onDidCompareProgress', { message }));

  const getReference = async (): Promise<Assessment> => {
    const cached = await readFile(referencePath, 'utf8').then((t) => AssessmentSchema.parse(JSON.parse(t)), () => null);
    if (cached && cached.tool.version === toolVersion) return cached;
    emit('onDidCompareProgress', { message: 'running the reference assessment against the lab gateway...' });
    const a = await referenceRunner.run();
    await writeFileAtomic(referencePath, `${JSON.stringify(a)}\n`);
    return a;
  };

  const handlers: Handlers = {
    'mxaudit:app.info': async () => ({ version: toolVersion, transport: deps.transport, dataDir: deps.dataDir }),
    'mxaudit:checks.list': async () => registry.map((c) => ({ id: c.id, title: c.title, category: c.category, active: c.active, scope: c.scope ?? 'host' })),
    'mxaudit:engagements.list': () => store.list(),
    'mxaudit:engagements.create': (req) => store.create(req),
    'mxaudit:engagements.get': async ({ id }) => ({ engagement: await store.read(id), assessments: await store.summaries(id) }),
    'mxaudit:engagements.delete': async ({ id }) => {
      await store.remove(id);
      return { ok: true as const };
    },
    'mxaudit:assessments.run': async (req) => ({ runId: (await runner.start(req)).runId }),
    'mxaudit:assessments.cancel': async ({ runId }) => ({ cancelled: runner.cancel(runId) }),
    'mxaudit:assessments.get': async ({ engagementId, assessmentId }) => {
      const { cancelled: _c, ...a } = await store.readAssessment(engagementId, assessmentId);
      return a;
    },
    'mxaudit:gateway.defaultConfig': async () => ({ text: defaultConfigText }),
    'mxaudit:gateway.validateConfig': async ({ text }) => ({ issues: parseConfigText(text).issues }),
    'mxaudit:gateway.start': (req) => gateway.start(req),
    'mxaudit:gateway.stop': () => gateway.stop(),
    'mxaudit:gateway.status': async () => gateway.current(),
    'mxaudit:gateway.sessions': async () => gateway.recentSessions(),
    'mxaudit:mailbox.list': () => listMailboxes(gateway.storeDir()),
    'mxaudit:mailbox.read': (ref) => readMessage(gateway.storeDir(), ref),
    'mxaudit:attack.run': async ({ rcpt }) => {
      const g = gateway.running();
      if (!g) throw new ApiError('start the gateway first: the attack suite plays against it');
      if (attackRunning) throw new ApiError('the attack suite is already running');
      attackRunning = true;
      try {
        const results = await runAttackSuite({
          host: g.host,
          port: g.port,
          rcpt: rcpt ?? `alice@${g.domains[0] ?? 'lab.test'}`,
          xclient: g.xclient,
          onResult: (r) => emit('onDidAttackResult', attackView(r)),
        });
        return results.map(attackView);
      } finally {
        attackRunning = false;
      }
    },
    'mxaudit:traffic.run': async ({ messages }) => ({ summary: await gateway.traffic(messages) }),
    'mxaudit:compare.run': async ({ engagementId, assessmentId }) => {
      const target = await store.readAssessment(engagementId, assessmentId);
      reference ??= getReference();
      const ref = await reference.catch((err) => {
        reference = null; // a failed reference run is retried next time
        throw err;
      });
      return { rows: compareAssessments(target, ref), referenceAt: ref.finishedAt };
    },
    'mxaudit:export.write': async (req) => {
      const ref = reference ? await reference.catch(() => null) : null;
      const files = await exportAssessment(store, req, choose, ref);
      return { files: files.map((f) => ({ ...f, url: null })) };
    },
  };

  return {
    async invoke(channel, payload) {
      if (!Object.hasOwn(channels, channel)) throw new ApiError('unknown channel');
      const c = channel as Channel;
      const parsed = channels[c].request.safeParse(payload ?? {});
      if (!parsed.success) throw ApiError.fromZod(parsed.error);
      return (handlers[c] as (req: unknown) => Promise<unknown>)(parsed.data);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      runner.cancelAll();
      referenceRunner.close();
      await gateway.stop().catch(() => gateway.kill());
      listeners.clear();
    },
  };
}

function attackView(r: AttackResult): AttackResultView {
  return { id: r.id, title: r.title, verdict: r.verdict, asExpected: r.asExpected, expected: r.expected, observed: r.observed, ...(r.detail ? { detail: r.detail } : {}), transcript: r.transcript };
}
