// Quitting waits until the payout engine has recorded every answer on the wire.
import { describe, expect, it } from 'vitest';
import { holdQuitUntilClosed } from '../../../src/main/shell/quit';

class FakeApp {
  listeners: Array<(event: { preventDefault(): void }) => void> = [];
  quits = 0;
  prevented = 0;
  on(_event: 'before-quit', listener: (event: { preventDefault(): void }) => void): void {
    this.listeners.push(listener);
  }
  /** What Electron does on quit(): before-quit first; quitting happens unless prevented. */
  quit(): void {
    let prevented = false;
    for (const listener of this.listeners) listener({ preventDefault: () => (prevented = true) });
    if (prevented) this.prevented += 1;
    else this.quits += 1;
  }
}

describe('holdQuitUntilClosed', () => {
  it('holds the quit until close() resolves, then quits once', async () => {
    const app = new FakeApp();
    let finishClosing!: () => void;
    const closing = new Promise<void>((resolve) => (finishClosing = resolve));
    let closeCalls = 0;
    holdQuitUntilClosed(
      app,
      () => {
        closeCalls += 1;
        return closing;
      },
      () => undefined,
    );

    app.quit();
    app.quit(); // a second Cmd+Q while the engine is still finishing
    expect(app.quits).toBe(0);
    expect(closeCalls).toBe(1);

    finishClosing();
    await closing;
    await new Promise((resolve) => setImmediate(resolve));
    expect(app.quits).toBe(1);
  });

  it('still quits when closing fails, after reporting it', async () => {
    const app = new FakeApp();
    const errors: unknown[] = [];
    holdQuitUntilClosed(
      app,
      () => Promise.reject(new Error('disk full')),
      (error) => errors.push(error),
    );
    app.quit();
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
    expect(app.quits).toBe(1);
  });
});
