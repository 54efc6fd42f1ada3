// The gateway process for serve mode and the CLI: child_process.fork of the bundled entry.
import { fork } from 'node:child_process';
import type { FromGatewayHost, GatewayProcess } from './protocol.js';

export function forkGatewayProcess(entry: string): GatewayProcess {
  const child = fork(entry, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
  return {
    send: (m) => {
      if (child.connected) child.send(m);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as FromGatewayHost)),
    onExit: (listener) => child.once('exit', (code) => listener(code ?? 1)),
    kill: () => child.kill('SIGKILL'),
  };
}
