// The open profile: closing (on quit, or on choosing another) waits until the payout engine has
// recorded every answer on the wire; the choice is remembered for the next start.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSession, type ProfileCore } from '../../../src/main/handlers';

let dataRoot: string;
beforeEach(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'mshahara-session-'));
});
afterEach(async () => {
  await rm(dataRoot, { recursive: true, force: true });
});

/** A profile whose engine stops only when the test lets it (an answer still on the wire). */
function fakeCore(name: string, log: string[]) {
  let finishInFlight!: () => void;
  const inFlight = new Promise<void>((resolve) => (finishInFlight = resolve));
  const core = {
    profile: { name, kind: 'demo' },
    engine: {
      stop: async () => {
        log.push(`${name}: engine stopping`);
        await inFlight;
        log.push(`${name}: in-flight attempts recorded`);
      },
    },
    close: async () => void log.push(`${name}: closed`),
  } as unknown as ProfileCore;
  return { core, finishInFlight };
}

describe('ProfileSession', () => {
  it('closes only after the engine has recorded what was in flight', async () => {
    const log: string[] = [];
    const demo = fakeCore('demo', log);
    const session = new ProfileSession({ dataRoot, openProfile: async () => demo.core });
    await session.select('demo');

    let closed = false;
    const closing = session.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    expect(log).toEqual(['demo: engine stopping']);

    demo.finishInFlight();
    await closing;
    expect(log).toEqual(['demo: engine stopping', 'demo: in-flight attempts recorded', 'demo: closed']);
    expect(session.current).toBeNull();
  });

  it('never runs two profiles at once: the first is closed before the second opens', async () => {
    const log: string[] = [];
    const cores = { demo: fakeCore('demo', log), sandbox: fakeCore('sandbox', log) };
    const session = new ProfileSession({
      dataRoot,
      openProfile: async (name) => {
        log.push(`${name}: opening`);
        return cores[name as keyof typeof cores].core;
      },
    });
    cores.demo.finishInFlight();
    cores.sandbox.finishInFlight();
    // Two quick choices: they queue, they do not overlap.
    await Promise.all([session.select('demo'), session.select('sandbox')]);
    expect(log).toEqual([
      'demo: opening',
      'demo: engine stopping',
      'demo: in-flight attempts recorded',
      'demo: closed',
      'sandbox: opening',
    ]);
    expect(session.current?.profile.name).toBe('sandbox');
  });

  it('remembers the chosen profile and opens it at the next start', async () => {
    const log: string[] = [];
    const first = new ProfileSession({ dataRoot, openProfile: async () => fakeCore('acme', log).core });
    expect(first.rememberedProfile()).toBeNull();
    expect(await first.resume()).toBeNull();
    await first.select('acme');

    const opened: string[] = [];
    const next = new ProfileSession({
      dataRoot,
      openProfile: async (name) => (opened.push(name), fakeCore(name, log).core),
    });
    expect((await next.resume())?.profile.name).toBe('acme');
    expect(opened).toEqual(['acme']);
  });

  it('falls back to First start when the remembered profile no longer opens', async () => {
    await writeFile(join(dataRoot, 'app.json'), JSON.stringify({ lastProfile: 'gone' }));
    const session = new ProfileSession({
      dataRoot,
      openProfile: () => Promise.reject(new Error('There is no profile named "gone"')),
    });
    expect(await session.resume()).toBeNull();
    expect(() => session.require()).toThrow(/First start/);
  });
});
