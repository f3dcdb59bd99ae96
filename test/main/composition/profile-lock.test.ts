// One program per profile: the composition root takes the profile's lock, a second opener is
// refused with the holder named, a reader is not, and a holder killed with SIGKILL leaves nothing
// behind (the kernel drops the lock), so the next program gets the profile at once.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProfileApp } from '../../../src/main/composition/open-profile-app';
import { loadOrCreateProfile, openProfileDatabase } from '../../../src/main/composition/profile-database';
import { ProfileInUseError } from '../../../src/main/composition/profile-lock';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { openCore } from '../../../src/main/composition/open-core';
import { createProfile, profileDatabasePath, profileFolder } from '../../../src/main/profiles';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import { payrollLines, writePayrollCsv } from '../../crash/payroll-file';
import { spawnCli } from '../cli/spawn-cli';
import { seedCliPeople, signedIn } from '../cli/cli-helpers';
import { exitCodes } from '../../../src/main/cli/usage';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'mshahara-lock-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('one program per profile, in one process', () => {
  it('refuses a second open of the same profile, naming the holder; after close it opens again', async () => {
    const secrets = new MemorySecretStore();
    const app = await openProfileApp('demo', {
      dataFolder: dataDir,
      secrets: () => secrets,
      startEngine: false,
      program: 'the test desktop',
    });
    let refusal: unknown;
    try {
      await openProfileApp('demo', {
        dataFolder: dataDir,
        secrets: () => secrets,
        startEngine: false,
        program: 'a second test',
      });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ProfileInUseError);
    expect((refusal as ProfileInUseError).holder).toMatchObject({ program: 'the test desktop', pid: process.pid });
    expect((refusal as Error).message).toMatch(
      new RegExp(`open in the test desktop \\(process ${process.pid}, since \\d{4}-\\d\\d-\\d\\dT`),
    );
    // A change outside the engine (saving workers) needs the lock too; reading does not.
    expect(() => openProfileDatabase('demo', dataDir, { exclusive: true })).toThrow(ProfileInUseError);
    const reader = openProfileDatabase('demo', dataDir);
    expect(reader.db.prepare('SELECT count(*) AS n FROM payroll_runs').get()).toEqual({ n: 0 });
    reader.close();

    await app.close();
    const again = openProfileDatabase('demo', dataDir, { exclusive: true, program: 'after close' });
    expect(again.lock?.holder.program).toBe('after close');
    again.close();
  });

  it('holds each profile separately', () => {
    loadOrCreateProfile('demo', dataDir);
    const first = openProfileDatabase('demo', dataDir, { exclusive: true });
    const db = openDatabase(profileDatabasePath('demo', dataDir));
    closeDatabase(db);
    try {
      expect(() => openProfileDatabase('demo', dataDir, { exclusive: true })).toThrow(/profile "demo" is open in/);
    } finally {
      first.close();
    }
    openProfileDatabase('demo', dataDir, { exclusive: true }).close();
  });
});

describe('one program per profile, desktop and browser host', () => {
  it("a second opener of a demo profile is refused before it touches the first one's relay", async () => {
    const secrets = new MemorySecretStore();
    createProfile({ name: 'demo', kind: 'demo' }, dataDir);
    const first = await openCore('demo', { dataRoot: dataDir, secrets });
    try {
      const relayFolder = join(profileFolder('demo', dataDir), 'demo-relay');
      const before = readdirSync(relayFolder).sort();
      expect(before.length).toBeGreaterThan(0);
      await expect(openCore('demo', { dataRoot: dataDir, secrets })).rejects.toBeInstanceOf(ProfileInUseError);
      expect(readdirSync(relayFolder).sort()).toEqual(before);
      // The first still takes callbacks through its relay: a balance query is answered.
      const outcome = await first.client.accountBalance({
        remarks: 'Still here',
        resultUrl: first.source.callbackUrl('balance-result'),
        queueTimeoutUrl: first.source.callbackUrl('timeout'),
      });
      expect(outcome.kind).toBe('accepted');
    } finally {
      await first.close();
    }
  }, 30_000);
});

describe('one program per profile, across processes', () => {
  it('a second pay is refused naming the first; after the first is SIGKILLed the next one resumes at once', async () => {
    const file = join(dataDir, 'payroll.csv');
    const lines = payrollLines(30, 91);
    writePayrollCsv(file, lines);
    // The officer prepares the run, the approver approves it; then it can be paid.
    await seedCliPeople('demo', dataDir);
    const officer = ['--user', 'amina'];
    const prepared = spawnCli(['pay', file, '--yes', ...officer], dataDir, { stdout: 'ignore', env: signedIn });
    expect(await prepared.exited).toBe(exitCodes.approvalNeeded);
    const approved = spawnCli(['runs', 'approve', '1', '--user', 'baraka'], dataDir, {
      stdout: 'ignore',
      env: signedIn,
    });
    expect(await approved.exited).toBe(0);
    // Slow enough (one payment every 5 s) that it is still paying however long the others take to start.
    const holder = spawnCli(['pay', file, '--yes', ...officer, '--rate', '0.2', '--concurrency', '1'], dataDir, {
      stdout: 'ignore',
      env: signedIn,
    });
    try {
      await holder.waitForStderr(/Paying run #1/);

      const second = spawnCli(['pay', file, '--yes', ...officer], dataDir, { stdout: 'ignore', env: signedIn });
      expect(await second.exited).toBe(1);
      expect(second.stderr()).toContain('The profile "demo" is open in the command line ("npm run cli -- pay');
      expect(second.stderr()).toContain(`(process ${String(holder.child.pid)}, since `);
      expect(second.stderr()).toContain('close that one, or wait until it finishes');

      // Changing a run needs the profile too.
      const cancel = spawnCli(['runs', 'cancel', '1', '--yes', ...officer], dataDir, {
        stdout: 'ignore',
        env: signedIn,
      });
      expect(await cancel.exited).toBe(1);
      expect(cancel.stderr()).toContain(`(process ${String(holder.child.pid)}, since `);

      // The work list is read as the holder stored it.
      const attention = spawnCli(['runs', 'attention', '1'], dataDir);
      let listed = '';
      attention.child.stdout?.on('data', (chunk: Buffer) => (listed += chunk.toString('utf8')));
      expect(await attention.exited).toBe(0);
      expect(attention.stderr()).toContain('the command line ("npm run cli -- pay');
      expect(attention.stderr()).toContain('this is the list as it has stored it');
      expect(listed).toContain('Nothing waits for a person in payroll run #1.');
      expect(holder.child.exitCode).toBeNull();

      // Reading beside the holder is allowed.
      const reader = spawnCli(['runs', 'show', '1', '--json'], dataDir);
      let shown = '';
      reader.child.stdout?.on('data', (chunk: Buffer) => (shown += chunk.toString('utf8')));
      expect(await reader.exited).toBe(0);
      expect((JSON.parse(shown) as { items: unknown[] }).items).toHaveLength(30);
    } finally {
      holder.child.kill('SIGKILL');
    }
    await holder.exited;

    const next = spawnCli(['pay', file, '--yes', ...officer, '--rate', '100', '--concurrency', '20'], dataDir, {
      stdout: 'ignore',
      env: signedIn,
    });
    await next.waitForStderr(/Resuming payroll run #1/);
    expect(await next.exited).toBe(0);
    expect(next.stderr()).not.toContain('is open in');
    const db = openDatabase(profileDatabasePath('demo', dataDir));
    try {
      expect(db.prepare('SELECT count(*) AS runs FROM payroll_runs').get()).toEqual({ runs: 1 });
      expect(db.prepare("SELECT count(*) AS paid FROM payroll_items WHERE state = 'paid'").get()).toEqual({ paid: 30 });
    } finally {
      closeDatabase(db);
    }
  }, 120_000);
});
