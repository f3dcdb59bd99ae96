// The browser host survives its pages: a malformed frame, a message over the size limit or a page
// on a name other than the host's own ends that one socket or request, and every other page keeps
// being answered. Frames are written raw after a real, tokened upgrade, as a hostile page could.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../../src/main/handlers';
import { configureLogging } from '../../../src/main/log';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import { startBrowserHost, type BrowserHost } from '../../../src/main/transports/browser-host/server';
import { maxContractMessageBytes, maxFileBase64Length } from '../../../src/shared/file-limits';

const aloneHost = new URL('../../fixtures/browser-host/alone.ts', import.meta.url);

let rendererDir: string;
let host: BrowserHost;
let logLines: string[] = [];

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'mshahara-host-survives-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Mshahara</title>');
  configureLogging({ level: 'warn', destination: { write: (line: string) => void logLines.push(line) } });
  const api = createApi({
    identity: { version: '4.5.6', mode: 'browser' },
    dataRoot: rendererDir,
    secrets: new MemorySecretStore(),
    delivery: 'bytes',
    actor: 'test',
    openProfile: () => Promise.reject(new Error('no profile in this test')),
  });
  host = await startBrowserHost({ rendererDir, api, port: 0 });
});
afterAll(async () => {
  await host?.close();
  await rm(rendererDir, { recursive: true, force: true });
});
beforeEach(() => {
  logLines = [];
});

const appInfo = {
  ok: true,
  value: { version: '4.5.6', mode: 'browser', profile: null, demoSimulatorUrl: null },
};

/** Where a page connects: the in-process host, or one in a process of its own. */
interface Target {
  port: number;
  token: string;
}

/** A second, well-behaved page: opens its own socket and calls app.info. */
async function anotherPageCallsAppInfo(target: Target = host): Promise<unknown> {
  const socket = new WebSocket(`ws://127.0.0.1:${target.port}/ws?token=${target.token}`);
  try {
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const answer = new Promise((resolve) => socket.once('message', (raw) => resolve(JSON.parse(String(raw)))));
    socket.send(JSON.stringify({ id: 7, method: 'app.info', input: {} }));
    return ((await answer) as { result: unknown }).result;
  } finally {
    socket.close();
  }
}

/** A raw TCP connection that has done a real WebSocket upgrade (or been refused); `received` grows as bytes come. */
interface RawPage {
  socket: Socket;
  response: string;
  received(): Buffer;
  closed: Promise<void>;
}

async function rawUpgrade(
  hostHeader = `127.0.0.1:${host.port}`,
  target: Target = host,
  path = `/ws?token=${target.token}`,
): Promise<RawPage> {
  const socket = tcpConnect(target.port, '127.0.0.1');
  let buffer = Buffer.alloc(0);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const headEnd = await waitUntil(() => {
    const end = buffer.indexOf('\r\n\r\n');
    return end >= 0 ? end : undefined;
  });
  const response = buffer.subarray(0, headEnd).toString('latin1');
  buffer = buffer.subarray(headEnd + 4);
  return { socket, response, received: () => buffer, closed };
}

async function waitUntil<T>(probe: () => T | undefined, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One client frame, masked as the protocol requires; `declaredLength` may claim more than is sent. */
function frame(opcode: number, payload: Buffer, declaredLength = payload.length): Buffer {
  const mask = randomBytes(4);
  let header: Buffer;
  if (declaredLength < 126) {
    header = Buffer.from([0x80 | opcode, 0x80 | declaredLength]);
  } else if (declaredLength < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(declaredLength, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(declaredLength), 2);
  }
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

/** The close code in the host's close frame, once it has arrived. */
async function closeCode(page: RawPage): Promise<number> {
  return waitUntil(() => {
    const bytes = page.received();
    if (bytes.length < 4) return undefined;
    expect(bytes[0]).toBe(0x88); // FIN + close
    return bytes.readUInt16BE(2);
  });
}

const secret = 'PAYLOAD-MARKER-0712345678';

/** The three malformed frames a page could send, and the close code each must get. */
const faults = [
  {
    fault: 'invalid UTF-8 in a text frame',
    bytes: () =>
      frame(
        0x1,
        Buffer.concat([Buffer.from(`{"id":1,"method":"app.info","input":"${secret}`), Buffer.from([0xff, 0xfe])]),
      ),
    code: 1007,
  },
  { fault: 'reserved opcode 3', bytes: () => frame(0x3, Buffer.from(secret)), code: 1002 },
  {
    fault: 'a frame over the payload limit',
    bytes: () => frame(0x1, Buffer.from(secret), maxContractMessageBytes + 1),
    code: 1009,
  },
];

describe('a malformed frame ends only its own socket', () => {
  it.each(faults)(
    '$fault: closed with $code, logged once without the payload, others served',
    async ({ bytes, code }) => {
      const page = await rawUpgrade();
      expect(page.response).toMatch(/^HTTP\/1.1 101/);
      page.socket.write(bytes());
      expect(await closeCode(page)).toBe(code);
      page.socket.end();
      await page.closed;

      expect(await anotherPageCallsAppInfo()).toMatchObject(appInfo);
      const warnings = logLines.filter((line) => line.includes("closed a page's socket"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).not.toContain(secret);
      expect(warnings[0]!.trim().split('\n')).toHaveLength(1);
    },
  );

  it('a message that is JSON but not a call ends only its own socket', async () => {
    const page = await rawUpgrade();
    page.socket.write(frame(0x1, Buffer.from('null')));
    expect(await closeCode(page)).toBe(1003);
    page.socket.destroy();
    expect(await anotherPageCallsAppInfo()).toMatchObject(appInfo);
  });

  it('a page that vanishes mid-frame ends only its own socket', async () => {
    const page = await rawUpgrade();
    page.socket.write(frame(0x1, Buffer.alloc(200, 'a')).subarray(0, 50));
    page.socket.resetAndDestroy();
    await page.closed;
    expect(await anotherPageCallsAppInfo()).toMatchObject(appInfo);
  });
});

describe('a file over the limit', () => {
  // With someone signed in it is refused in words (test/main/transports/browser-api.test.ts); here
  // nobody is, so it is refused before its 25 MB are even read.
  it('is refused as a contract error when the call still fits a message', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    await new Promise((resolve) => socket.once('open', resolve));
    const answer = new Promise((resolve) => socket.once('message', (raw) => resolve(JSON.parse(String(raw)))));
    const contentBase64 = 'A'.repeat(maxFileBase64Length + 4);
    socket.send(
      JSON.stringify({ id: 1, method: 'runs.previewFile', input: { fileName: 'payroll.csv', contentBase64 } }),
    );
    const { result } = (await answer) as { result: { ok: boolean; error: { kind: string; message: string } } };
    expect(result.ok).toBe(false);
    expect(result.error.kind).toBe('forbidden');
    expect(result.error.message).toContain('Nobody is signed in');
    socket.close();
    expect(await anotherPageCallsAppInfo()).toMatchObject(appInfo);
  });

  it('closes the socket with 1009 when the message itself is over the limit (a 37 MB file), and the host serves on', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const contentBase64 = Buffer.alloc(37 * 1024 * 1024, 'n,0712345678,1000\n').toString('base64');
    const answered = { value: false };
    socket.on('message', () => (answered.value = true));
    socket.send(
      JSON.stringify({ id: 1, method: 'runs.previewFile', input: { fileName: 'payroll.csv', contentBase64 } }),
    );
    expect(await closed).toBe(1009);
    expect(answered.value).toBe(false);
    expect(await anotherPageCallsAppInfo()).toMatchObject(appInfo);
  });
});

describe('in a process of its own', () => {
  it('the host outlives every malformed frame and keeps answering', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(aloneHost)], {
      env: { ...process.env, MSHAHARA_LOG_LEVEL: 'silent', VITEST: undefined, VITEST_WORKER_ID: undefined },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const target = await new Promise<Target>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as Target);
        });
        child.once('exit', (code) => reject(new Error(`the host exited with ${code} before it listened`)));
      });
      for (const { bytes, code } of faults) {
        const page = await rawUpgrade(`127.0.0.1:${target.port}`, target);
        page.socket.write(bytes());
        expect(await closeCode(page)).toBe(code);
        page.socket.destroy();
      }
      expect(await anotherPageCallsAppInfo(target)).toMatchObject(appInfo);
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

/** An HTTP request with a Host header of our choosing; answers its status and body. */
function getWithHost(path: string, hostHeader: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: host.port, path, headers: { Host: hostHeader } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('the Host header must name the host (DNS rebinding)', () => {
  it('serves the page at 127.0.0.1 and localhost on its port', async () => {
    expect((await getWithHost(`/?token=${host.token}`, `127.0.0.1:${host.port}`)).status).toBe(200);
    expect((await getWithHost(`/?token=${host.token}`, `localhost:${host.port}`)).status).toBe(200);
  });

  it('refuses the page under any other name, even with the token', async () => {
    for (const name of [
      `attacker.example:${host.port}`,
      'attacker.example',
      `127.0.0.1:${host.port + 1}`,
      '127.0.0.1',
    ]) {
      const refused = await getWithHost(`/?token=${host.token}`, name);
      expect(refused.status).toBe(421);
      expect(refused.body).toContain(`answers only at 127.0.0.1:${host.port} or localhost:${host.port}`);
    }
  });

  it('refuses the WebSocket upgrade under any other name, even with the token', async () => {
    const page = await rawUpgrade(`attacker.example:${host.port}`);
    expect(page.response).toMatch(/^HTTP\/1.1 421 /);
    await page.closed;
    expect(page.received().toString()).toContain(`answers only at 127.0.0.1:${host.port}`);

    const allowed = await rawUpgrade(`localhost:${host.port}`);
    expect(allowed.response).toMatch(/^HTTP\/1.1 101 /);
    allowed.socket.destroy();
  });
});

describe('a request whose path is not a path', () => {
  /** Sends one raw HTTP request and answers the whole response. */
  async function rawRequest(text: string): Promise<string> {
    const socket = tcpConnect(host.port, '127.0.0.1');
    socket.on('error', () => undefined);
    let response = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (response += chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.end(text);
    await closed;
    return response;
  }

  it.each(['//', '///', '//[::1'])('GET %s gets 400 over HTTP and on the upgrade; the host serves on', async (path) => {
    const plain = await rawRequest(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`);
    expect(plain).toMatch(/^HTTP\/1.1 400 /);

    const upgrade = await rawUpgrade(`127.0.0.1:${host.port}`, host, `${path}?token=${host.token}`);
    expect(upgrade.response).toMatch(/^HTTP\/1.1 400 /);
    upgrade.socket.destroy();

    expect(await anotherPageCallsAppInfo()).toMatchObject(appInfo);
  });
});
