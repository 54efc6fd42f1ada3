// Messages between main and the gateway process (child_process.fork in serve mode, Electron's
// utilityProcess in the app). Plain JSON objects: both transports structured-clone them.
import type { GatewaySessionView } from '../../shared/ipc-contract.js';

export type ToGatewayHost =
  | { type: 'start'; config: unknown; lab: boolean }
  | { type: 'stop'; graceMs: number }
  /** The lab traffic generator, run beside the gateway so each outcome names the deciding layer. */
  | { type: 'traffic'; id: number; messages: number; domain: string; users: string[] }
  /** The reference assessment (lab gateway, DNS, MTA-STS, probe), in a process of its own: main never hosts the lab. */
  | { type: 'reference' };

export interface GatewayStarted {
  host: string;
  port: number;
  domains: string[];
  storeDir: string;
  labDns: string | null;
  xclient: boolean;
}

export type FromGatewayHost =
  | { type: 'started'; info: GatewayStarted }
  | { type: 'failed'; error: string }
  | { type: 'session'; session: GatewaySessionView }
  | { type: 'counters'; counters: Record<string, Record<string, number>> }
  | { type: 'traffic-done'; id: number; stats: unknown; error: string | null }
  | { type: 'stopped' }
  | { type: 'reference-progress'; message: string }
  | { type: 'reference-done'; assessment: unknown; error: string | null };

/** What main needs of a gateway process, whatever runs it. */
export interface GatewayProcess {
  send(message: ToGatewayHost): void;
  onMessage(listener: (message: FromGatewayHost) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

/** Starts a gateway process; the app passes a utilityProcess one, serve mode a forked one. */
export type SpawnGatewayProcess = () => GatewayProcess;
