// Entry of the gateway process. Under Electron's utilityProcess messages come through
// process.parentPort; under child_process.fork (serve mode) through process.send.
import { gatewayHost } from './run-gateway.js';
import { runReference } from './run-reference.js';
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
const reference = new AbortController();
const dispatch = (m: ToGatewayHost) => {
  if (m.type !== 'reference') return void handle(m);
  // One reference run per process: main spawns a process for it and kills it to cancel.
  void runReference(post, reference.signal).then(() => setTimeout(() => process.exit(0), 50));
};
if (parentPort) parentPort.on('message', (e) => dispatch(e.data));
else {
  process.on('message', (m) => dispatch(m as ToGatewayHost));
  // The parent died: never leave a gateway or a lab listening behind it.
  process.on('disconnect', () => {
    reference.abort();
    void handle({ type: 'stop', graceMs: 0 });
  });
}
