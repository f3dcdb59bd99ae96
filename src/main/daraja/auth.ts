// OAuth access tokens for one Daraja profile: cached until shortly before `expires_in`, refreshed by
// exactly one request however many calls need a token at once.
import { classifyFailure, type FailedOutcome } from './classify';
import type { DarajaHttp } from './http';
import { oauthResponse } from './schemas';

export interface AccessTokenOptions {
  /** Refresh this long before Daraja's expiry (at most a tenth of the token's life). */
  safetyMarginSeconds?: number;
  /** Milliseconds since the epoch; replaceable so tests can move time. */
  now?: () => number;
}

export type TokenResult = { ok: true; token: string } | { ok: false; outcome: FailedOutcome };

interface CachedToken {
  token: string;
  refreshAt: number;
}

/** When a token of `expiresInSeconds` obtained at `obtainedAt` should be replaced. */
export function refreshTime(obtainedAt: number, expiresInSeconds: number, safetyMarginSeconds: number): number {
  const margin = Math.min(safetyMarginSeconds, expiresInSeconds / 10);
  return obtainedAt + Math.max(0, expiresInSeconds - margin) * 1000;
}

export class AccessTokens {
  private cached: CachedToken | undefined;
  private inFlight: Promise<TokenResult> | undefined;
  private readonly basicAuth: string;
  private readonly margin: number;
  private readonly now: () => number;
  /** How many token requests this profile made (for diagnostics and tests). */
  requests = 0;

  constructor(
    private readonly http: DarajaHttp,
    consumerKey: string,
    consumerSecret: string,
    options: AccessTokenOptions = {},
  ) {
    this.basicAuth = `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`, 'utf8').toString('base64')}`;
    this.margin = options.safetyMarginSeconds ?? 60;
    this.now = options.now ?? Date.now;
  }

  /** A valid token: the cached one, or the result of the one refresh already under way, or a new one. */
  get(): Promise<TokenResult> {
    if (this.cached && this.now() < this.cached.refreshAt)
      return Promise.resolve({ ok: true, token: this.cached.token });
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Daraja refused `token`: forget it, unless a newer one already replaced it. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetch(): Promise<TokenResult> {
    this.requests++;
    const startedAt = this.now();
    const result = await this.http.send({
      method: 'GET',
      path: '/oauth/v1/generate?grant_type=client_credentials',
      headers: { authorization: this.basicAuth },
    });
    if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
      const parsed = oauthResponse.safeParse(result.json);
      if (parsed.success) {
        this.cached = {
          token: parsed.data.accessToken,
          refreshAt: refreshTime(startedAt, parsed.data.expiresInSeconds, this.margin),
        };
        return { ok: true, token: parsed.data.accessToken };
      }
    }
    // Asking for a token moves no money, so a lost answer is simply worth another try.
    return { ok: false, outcome: classifyFailure(result, false).outcome };
  }
}
