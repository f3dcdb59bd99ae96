// HTTP to Daraja: one keep-alive undici Pool per base URL, explicit timeouts, and a precise record of
// whether a request had started going out when it failed (nothing sent = safe to retry).
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';

export interface HttpTimeouts {
  /** Establishing the TCP/TLS connection. */
  connectMs: number;
  /** From the request going out to the response headers (Daraja may be slow to answer). */
  headersMs: number;
  /** Between chunks of the response body. */
  bodyMs: number;
}

export const defaultTimeouts: HttpTimeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };

export interface HttpOptions {
  timeouts?: Partial<HttpTimeouts>;
  /** Keep-alive connections per base URL. */
  connections?: number;
  /** Largest response body read, in bytes; Daraja answers are a few hundred bytes. */
  maxBodyBytes?: number;
  /** Told after each request whether the host answered at all (the unreachable banner). */
  onReach?: (reached: boolean, reason: string | null) => void;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type HttpResult =
  | { kind: 'response'; status: number; text: string; json: unknown }
  /** `sent`: the request had started going out on a connection (Daraja may have it). */
  | { kind: 'failure'; sent: boolean; errorCode: string; message: string };

/** Error codes that can only happen before anything is written: the request surely never left. */
const connectErrorCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CONNECT',
]);

function errorCodeOf(error: unknown): string {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return 'UNKNOWN';
}

/** A pool of keep-alive connections to one Daraja base URL. */
export class DarajaHttp {
  readonly origin: string;
  private readonly pool: Pool;
  private readonly timeouts: HttpTimeouts;
  private readonly maxBodyBytes: number;
  private readonly onReach: HttpOptions['onReach'];

  constructor(baseUrl: string, options: HttpOptions = {}) {
    this.onReach = options.onReach;
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.timeouts = { ...defaultTimeouts, ...options.timeouts };
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 64,
      connectTimeout: this.timeouts.connectMs,
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
      keepAliveTimeout: 30_000,
      // One request at a time per connection: a reset then loses one answer, not a pipeline of them.
      pipelining: 1,
    });
  }

  /** Sends one request. Never throws for network trouble: failures come back as values. */
  send(request: HttpRequest): Promise<HttpResult> {
    return new Promise((resolve) => {
      let sent = false;
      let status = 0;
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (result: HttpResult): void => {
        if (settled) return;
        settled = true;
        try {
          this.onReach?.(result.kind === 'response', result.kind === 'failure' ? result.errorCode : null);
        } catch {
          // Telling the banner must never change what the call returns.
        }
        resolve(result);
      };
      const handler: Dispatcher.DispatchHandler = {
        // Called just before the request line is written on an open connection.
        onRequestStart: () => {
          sent = true;
        },
        onResponseStart: (_controller, statusCode) => {
          status = statusCode;
        },
        onResponseData: (controller, chunk) => {
          size += chunk.length;
          if (size > this.maxBodyBytes)
            controller.abort(
              Object.assign(new Error('The answer from M-Pesa was too large.'), { code: 'BODY_TOO_LARGE' }),
            );
          else chunks.push(chunk);
        },
        onResponseEnd: () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          finish({ kind: 'response', status, text, json });
        },
        onResponseError: (_controller, error) => {
          const errorCode = errorCodeOf(error);
          finish({
            kind: 'failure',
            sent: sent && !connectErrorCodes.has(errorCode),
            errorCode,
            message: error.message,
          });
        },
      };
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      try {
        this.pool.dispatch(
          {
            origin: this.origin,
            method: request.method,
            path: request.path,
            headers,
            body: request.body,
            headersTimeout: this.timeouts.headersMs,
            bodyTimeout: this.timeouts.bodyMs,
            idempotent: false,
          },
          handler,
        );
      } catch (error) {
        finish({
          kind: 'failure',
          sent: false,
          errorCode: errorCodeOf(error),
          message: error instanceof Error ? error.message : String(error),
        });
      }
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
