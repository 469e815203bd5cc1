// One Safelight per person: a second launch (from the Start menu, the Dock, a login item) hands
// over to the running one, which shows its window, and then exits.

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  quit(): void;
}

/** False when another Safelight runs: this one is quitting and must start nothing. */
export function setupSingleInstance(app: SingleInstanceApp, showExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', showExisting);
  return true;
}
