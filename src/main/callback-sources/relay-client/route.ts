// Where a profile's callbacks come from: its relay once one is set up, the loopback receiver until
// then. The choice needs the database and the keychain, so it is made when the route starts.
import type { CallbackKind } from '../../daraja/callbacks';
import type { ProfileDatabase } from '../../db';
import { LoopbackReceiver } from '../loopback';
import { CallbackListeners, type CallbackListener, type CallbackSource } from '../inbox/source';
import type { ProfileSettings } from '../../profiles';
import type { SecretStore } from '../../secrets/secret-store';
import { relayClientFor, relaySettings } from './setup';

/**
 * The profile's relay client when a relay is set up, else the loopback receiver. Which one is
 * known only once the database is open and the keychain read, so the choice is made in start().
 */
export class RelayOrLoopback implements CallbackSource {
  readonly #listeners = new CallbackListeners();
  #inner: CallbackSource | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly db: ProfileDatabase,
    private readonly profile: ProfileSettings,
    /** Asked only when a relay is set up: a profile on loopback never needs the keychain. */
    private readonly secrets: () => SecretStore,
    /** Told after each pull whether the relay answered (the unreachable banner). */
    private readonly onReach?: (relayUrl: string, reached: boolean, reason: string | null) => void,
  ) {}

  /** 'relay' or 'loopback', once started. */
  get route(): 'relay' | 'loopback' | null {
    if (this.#inner === null) return null;
    return this.#inner instanceof LoopbackReceiver ? 'loopback' : 'relay';
  }

  async start(): Promise<void> {
    const inner =
      relaySettings(this.db) === null
        ? new LoopbackReceiver(this.db, this.profile.callbackPort === null ? {} : { port: this.profile.callbackPort })
        : await this.#relayClient();
    await inner.start();
    this.#inner = inner;
    this.#unsubscribe = inner.onStored((ids) => this.#listeners.emit(ids));
  }

  #relayClient(): Promise<CallbackSource> {
    const report = this.onReach;
    const relayUrl = relaySettings(this.db)?.relayUrl ?? '';
    return relayClientFor(
      this.db,
      this.secrets(),
      this.profile.name,
      report === undefined ? {} : { onReach: (reached, reason) => report(relayUrl, reached, reason) },
    );
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#inner?.stop();
  }

  callbackUrl(kind: CallbackKind): string {
    if (this.#inner === null) throw new Error('The callback route is not started yet');
    return this.#inner.callbackUrl(kind);
  }

  onStored(listener: CallbackListener): () => void {
    return this.#listeners.add(listener);
  }
}
