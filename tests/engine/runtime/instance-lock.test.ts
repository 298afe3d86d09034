// Specs for the instance lock: one live process per mode and data directory, a refusal naming the holder, and a lock that dies with its process.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, instanceLockPath, processAlive, readLockHolder } from '../../../engine/runtime/instance-lock.ts';
import { startTsx, type TsxChild } from '../../helpers/tsx-child.ts';

let dir = '';
const children: TsxChild[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await c.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function child(dataDir: string, mode: string): TsxChild {
  const c = startTsx('tests/helpers/lock-child.ts', [dataDir, mode]);
  children.push(c);
  return c;
}

describe('acquireInstanceLock', () => {
  it('refuses a second lock in the same process and frees it on release', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-lock-'));
    const lock = acquireInstanceLock(dir, 'paper');
    expect(lock.holder.pid).toBe(process.pid);
    expect(readLockHolder(dir, 'paper')).toEqual(lock.holder);
    expect(() => acquireInstanceLock(dir, 'paper')).toThrow(expect.objectContaining({ code: 'SESSION_LOCKED' }));
    lock.release();
    expect(readLockHolder(dir, 'paper')).toBeNull();
    expect(existsSync(lock.path)).toBe(true);
    const again = acquireInstanceLock(dir, 'paper');
    again.release();
  });

  it('locks each mode on its own: a dry run beside a paper session is allowed', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-lock-'));
    const paper = acquireInstanceLock(dir, 'paper');
    const dry = acquireInstanceLock(dir, 'dry_run');
    expect(dry.path).not.toBe(paper.path);
    expect(dry.path).toBe(instanceLockPath(dir, 'dry_run'));
    paper.release();
    dry.release();
  });

  it('refuses a second process with SESSION_LOCKED naming the holder pid and start time', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-lock-'));
    const first = child(dir, 'paper');
    const held = await first.nextLine();
    expect(held['locked']).toBe(true);
    const holder = held['holder'] as { pid: number; startedAt: string };
    const second = child(dir, 'paper');
    const refused = await second.nextLine();
    expect(refused).toMatchObject({ locked: false, code: 'SESSION_LOCKED', details: { pid: holder.pid, startedAt: holder.startedAt } });
    expect(refused['message']).toContain(`process ${holder.pid}`);
    expect(refused['message']).toContain(`started ${holder.startedAt}`);
    expect((await second.exited).code).toBe(1);
  });

  it('dies with its process: after kill -9 of the holder the next process takes the lock, with no cleanup', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-lock-'));
    const first = child(dir, 'live');
    const held = await first.nextLine();
    const pid = (held['holder'] as { pid: number }).pid;
    first.child.kill('SIGKILL');
    await first.exited;
    expect(processAlive(pid)).toBe(false);
    // The dead holder's file is still there; it names a process that no longer exists and does not block.
    expect(readLockHolder(dir, 'live')?.pid).toBe(pid);
    const next = child(dir, 'live');
    const taken = await next.nextLine();
    expect(taken['locked']).toBe(true);
    expect(readLockHolder(dir, 'live')?.pid).toBe((taken['holder'] as { pid: number }).pid);
  });

  it('ignores a lock file left by an older engine (a pid in a text file) and any other garbage beside it', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-lock-'));
    writeFileSync(join(dir, 'paper.lock'), `${process.ppid}\n`);
    writeFileSync(join(dir, 'paper.instance.json'), 'not json');
    expect(readLockHolder(dir, 'paper')).toBeNull();
    const lock = acquireInstanceLock(dir, 'paper');
    expect(JSON.parse(readFileSync(join(dir, 'paper.instance.json'), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});
