// Preload: exposes only window.mxaudit (the MxauditBridge of shared/ipc-contract): invoke on a
// contract channel, and subscribe to events. No ipcRenderer, no node, nothing else leaks out.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { MxauditBridge } from '../../shared/ipc-contract.js';

const EVENT_CHANNEL = 'mxaudit:event';

const bridge: MxauditBridge = {
  async invoke(channel, request) {
    if (typeof channel !== 'string' || !channel.startsWith('mxaudit:') || (channel as string) === EVENT_CHANNEL) throw new Error('not a channel');
    const reply = (await ipcRenderer.invoke(channel, request)) as { ok: true; result: never } | { ok: false; error: string; issues: unknown[] };
    if (!reply.ok) throw Object.assign(new Error(reply.error), { issues: reply.issues });
    return reply.result;
  },
  on(event, listener) {
    const handler = (_e: IpcRendererEvent, message: { event: string; payload: never }) => {
      if (message.event === event) listener(message.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('mxaudit', Object.freeze(bridge));
