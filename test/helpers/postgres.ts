// A throwaway PostgreSQL cluster for the relay's PostgreSQL tests and benchmark: initdb into a temp
// folder, started on a free 127.0.0.1 port with its socket in that folder, stopped and deleted
// afterwards. PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to `postgres`.
// Without PostgreSQL installed this fails, saying so: those tests never pass without running.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PgCluster {
  /** A connection URL for `database` (default `postgres`). */
  url(database?: string): string;
  /** A new, empty database; returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops PostgreSQL (fast shutdown: open connections are cut) and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** The postmaster's process id (its backends are its children). */
  pid(): number;
}

/** Where initdb and pg_ctl are: PG_BIN, else the newest Debian install under /usr/lib/postgresql. */
export function postgresBin(): string {
  const missing = (where: string): Error =>
    new Error(
      `PostgreSQL is not installed (${where}): the relay's PostgreSQL tests and bench need initdb and pg_ctl — apt-get install postgresql`,
    );
  if (process.env.PG_BIN) {
    if (!existsSync(join(process.env.PG_BIN, 'pg_ctl')) || !existsSync(join(process.env.PG_BIN, 'initdb')))
      throw missing(`no pg_ctl and initdb in PG_BIN=${process.env.PG_BIN}`);
    return process.env.PG_BIN;
  }
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw missing('no /usr/lib/postgresql/<version>/bin/pg_ctl, and PG_BIN unset');
  return join(base, newest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL tool, as the `postgres` user when we are root. */
async function tool(bin: string, name: string, args: string[]): Promise<void> {
  const [file, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(bin, name), ...args]]
    : [join(bin, name), args];
  await run(file, argv, { timeout: 60_000 });
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['postgres']);
  const uid = Number(/uid=(\d+)/.exec(stdout)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(stdout)?.[1]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error('running as root, but there is no postgres user to run PostgreSQL as');
  return { uid, gid };
}

export async function startPostgres(): Promise<PgCluster> {
  const bin = postgresBin();
  const folder = mkdtempSync(join(tmpdir(), 'relay-pg-'));
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    chownTree(folder, uid, gid);
  }
  const dataDir = join(folder, 'data');
  const port = await freePort();
  await tool(bin, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${folder} -c max_connections=300 -c fsync=on -c synchronous_commit=on`;
  const start = (): Promise<void> =>
    tool(bin, 'pg_ctl', ['-D', dataDir, '-l', join(folder, 'postgres.log'), '-w', '-t', '30', '-o', options, 'start']);
  const stopNow = (): Promise<void> => tool(bin, 'pg_ctl', ['-D', dataDir, '-w', '-t', '30', '-m', 'fast', 'stop']);
  await start();
  let databases = 0;
  const url = (database = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    url,
    async createDatabase() {
      const name = `relay_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    pid() {
      return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    },
    async restart() {
      await stopNow();
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopNow().catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
