// The gateway process in the app: Electron's utilityProcess running the bundled gateway host.
import { utilityProcess } from 'electron';
import type { FromGatewayHost, GatewayProcess } from '../gateway-host/protocol.js';

export function utilityGatewayProcess(entry: string): GatewayProcess {
  const child = utilityProcess.fork(entry, [], { serviceName: 'mxaudit gateway', stdio: 'inherit' });
  return {
    send: (m) => child.postMessage(m),
    onMessage: (listener) => child.on('message', (m: FromGatewayHost) => listener(m)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => void child.kill(),
  };
}
