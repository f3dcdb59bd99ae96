// Which profile is open: opens one (closing the one before), remembers the choice in the data
// folder's app.json so the next start opens it again, and refuses profile work before First start.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { join } from 'node:path';
import { UnavailableError } from '../../shared/errors';
import { logger } from '../log';
import type { ProfileCore } from '../handlers/context';

const log = logger('app');
const appFile = 'app.json';

export interface ProfileSessionOptions {
  dataRoot: string;
  openProfile: (name: string) => Promise<ProfileCore>;
  /** Called with each newly opened profile; returns what undoes it (event wiring). */
  onOpened?: (core: ProfileCore) => () => void;
}

export class ProfileSession {
  readonly #options: ProfileSessionOptions;
  #core: ProfileCore | null = null;
  #detach: (() => void) | null = null;
  // Opening and closing are serialised: two quick selects must not leave two engines paying.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ProfileSessionOptions) {
    this.#options = options;
  }

  get current(): ProfileCore | null {
    return this.#core;
  }

  /** The open profile, or a plain error telling the officer to finish First start. */
  require(): ProfileCore {
    if (this.#core === null)
      throw new UnavailableError('No profile is open yet: choose demo, sandbox or production on First start.');
    return this.#core;
  }

  /** The profile chosen last time, if it still exists. */
  rememberedProfile(): string | null {
    const file = join(this.#options.dataRoot, appFile);
    if (!existsSync(file)) return null;
    try {
      const value = (JSON.parse(readFileSync(file, 'utf8')) as { lastProfile?: unknown }).lastProfile;
      return typeof value === 'string' ? value : null;
    } catch (error) {
      log.warn({ err: error, file }, 'app.json is unreadable; starting with First start');
      return null;
    }
  }

  select(name: string): Promise<ProfileCore> {
    return this.#open(name, false);
  }

  /**
   * Opens the current profile again, after a change that its running parts read only at start
   * (credentials, certificate, relay, send rate). The engine first records what is on the wire.
   */
  async reopen(): Promise<ProfileCore | null> {
    const name = this.#core?.profile.name;
    return name === undefined ? null : this.#open(name, true);
  }

  #open(name: string, again: boolean): Promise<ProfileCore> {
    return this.#serial(async () => {
      if (!again && this.#core?.profile.name === name) return this.#core;
      await this.#closeCurrent();
      const core = await this.#options.openProfile(name);
      this.#core = core;
      this.#detach = this.#options.onOpened?.(core) ?? null;
      this.#remember(name);
      log.info({ profile: name, kind: core.profile.kind }, 'profile opened');
      return core;
    });
  }

  /** Opens the remembered profile at start; a profile that no longer opens leaves First start. */
  async resume(): Promise<ProfileCore | null> {
    const name = this.rememberedProfile();
    if (name === null) return null;
    try {
      return await this.select(name);
    } catch (error) {
      log.error({ err: error, profile: name }, 'the last profile did not open');
      return null;
    }
  }

  /** Stops the engine (in-flight attempts recorded) and closes everything of the open profile. */
  close(): Promise<void> {
    return this.#serial(() => this.#closeCurrent());
  }

  async #closeCurrent(): Promise<void> {
    const core = this.#core;
    if (core === null) return;
    this.#detach?.();
    this.#detach = null;
    this.#core = null;
    await core.engine.stop();
    await core.close();
  }

  #remember(name: string): void {
    mkdirSync(this.#options.dataRoot, { recursive: true });
    const file = join(this.#options.dataRoot, appFile);
    writeFileAtomic.sync(file, `${JSON.stringify({ lastProfile: name }, null, 2)}\n`);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
