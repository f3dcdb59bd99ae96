// Quitting never cuts a payment off mid-air: the first quit is held until the payout engine has
// recorded every answer on the wire and the profile is closed, then the app quits for real.
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/** `close` stops the engine (in-flight attempts recorded) and closes the profile. */
export function holdQuitUntilClosed(
  app: QuittingApp,
  close: () => Promise<void>,
  onError: (error: unknown) => void,
): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    close()
      .catch(onError)
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}
