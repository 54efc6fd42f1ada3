// Entry of the gateway process. Under Electron's utilityProcess messages come through
// process.parentPort; under child_process.fork (serve mode) through process.send.
import { gatewayHost } from './run-gateway.js';
import type { FromGatewayHost, ToGatewayHost } from './protocol.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: ToGatewayHost }) => void): void;
  postMessage(message: FromGatewayHost): void;
}

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
const post = (m: FromGatewayHost) => (parentPort ? parentPort.postMessage(m) : process.send?.(m));
const handle = gatewayHost((m) => {
  post(m);
  // Stopped on request: nothing else to do in this process.
  if (m.type === 'stopped') setTimeout(() => process.exit(0), 50);
});
if (parentPort) parentPort.on('message', (e) => void handle(e.data));
else {
  process.on('message', (m) => void handle(m as ToGatewayHost));
  // The parent died: never leave a gateway listening behind it.
  process.on('disconnect', () => void handle({ type: 'stop', graceMs: 0 }));
}
