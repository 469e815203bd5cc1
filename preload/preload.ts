// The page's only way out of its sandbox: window.safelight, a handful of named methods. Raw IPC
// is never exposed. Bundled into one CommonJS file (sandboxed preloads cannot load modules).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { SafelightBridge } from './bridge.ts';
import {
  CHANNELS,
  NAVIGABLE_VIEWS,
  type NavigableView,
  PAGE_MESSAGES,
  type SecretStorageInfo,
} from './channels.ts';

// A port cannot cross the context bridge; it reaches the page as a same-window message.
ipcRenderer.on(CHANNELS.port, (event) => {
  window.postMessage(PAGE_MESSAGES.port, '*', [...event.ports]);
});
ipcRenderer.on(CHANNELS.engineRestarted, () => {
  window.postMessage(PAGE_MESSAGES.engineRestarted, '*');
});

function isView(value: unknown): value is NavigableView {
  return (NAVIGABLE_VIEWS as readonly unknown[]).includes(value);
}

const bridge: SafelightBridge = {
  connect: () => ipcRenderer.send(CHANNELS.connect),
  pathForFile: async (file) => {
    // Only a File from a real drop has a path; one the page made itself has none.
    const path = webUtils.getPathForFile(file);
    if (!path) return null;
    return (await ipcRenderer.invoke(CHANNELS.droppedFolder, path)) as string | null;
  },
  pickFolder: async () => (await ipcRenderer.invoke(CHANNELS.pickFolder)) as string | null,
  openExternal: async (url) => (await ipcRenderer.invoke(CHANNELS.openExternal, String(url))) as boolean,
  openLogFolder: async () => {
    await ipcRenderer.invoke(CHANNELS.openLogFolder);
  },
  secretStorage: async () => (await ipcRenderer.invoke(CHANNELS.secretStorage)) as SecretStorageInfo,
  onNavigate: (listener) => {
    const forward = (_event: unknown, view: unknown) => {
      if (isView(view)) listener(view);
    };
    ipcRenderer.on(CHANNELS.navigate, forward);
    return () => {
      ipcRenderer.removeListener(CHANNELS.navigate, forward);
    };
  },
};

contextBridge.exposeInMainWorld('safelight', bridge);
