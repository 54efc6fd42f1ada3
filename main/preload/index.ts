// Preload: exposes only window.mxaudit. The typed API from shared/contract arrives with the
// desktop-app issue; for now it exposes the tool's identity.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('mxaudit', Object.freeze({ name: 'mxaudit' }));
