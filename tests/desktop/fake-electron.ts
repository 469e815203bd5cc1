// The `electron` module as electron-store reads it in Electron's main process: the app's
// user-data folder and version. Loaded in place of `electron` by the hook in
// shell-store.test.ts, since the real package only says where the Electron binary is.
export const app = {
  userData: '',
  version: '',
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`the fake app has no path for ${name}`);
    return this.userData;
  },
  getVersion(): string {
    return this.version;
  },
};

export const ipcMain = {
  channels: [] as string[],
  on(channel: string): void {
    this.channels.push(channel);
  },
};

export const shell = {};

export default { app, ipcMain, shell };
