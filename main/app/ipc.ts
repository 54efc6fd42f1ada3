// The contract's channels on ipcMain: every request is validated by main/api (zod) before a
// handler sees it, and only from our own window's top frame.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { channelNames } from '../../shared/ipc-contract.js';
import type { Api } from '../api/create-api.js';
import { ApiError } from '../api/api-error.js';

/** The one channel events travel on: { event, payload }. */
export const EVENT_CHANNEL = 'mxaudit:event';

export function registerIpc(api: Api, isTrusted: (sender: WebContents, frameUrl: string | undefined) => boolean): () => void {
  for (const channel of channelNames) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!isTrusted(event.sender, event.senderFrame?.url)) throw new Error('refused: untrusted sender');
      try {
        return { ok: true, result: await api.invoke(channel, payload) };
      } catch (err) {
        // Errors cross IPC as data: Electron would otherwise prefix and flatten the message.
        return { ok: false, error: err instanceof ApiError ? err.message : `internal error: ${(err as Error).message}`, issues: err instanceof ApiError ? err.issues : [] };
      }
    });
  }
  return () => channelNames.forEach((c) => ipcMain.removeHandler(c));
}
