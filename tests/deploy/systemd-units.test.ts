// The systemd units pass `systemd-analyze verify` with no warning, and keep the properties the runbook relies on.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/session-env.ts';

const DEPLOY = join(ROOT, 'deploy');
const UNITS = ['tradegate.service', 'tradegate-watchdog.service', 'tradegate-watchdog.timer'];
const ANALYZE = '/usr/bin/systemd-analyze';

/** `key=value` lines of a unit's section, later values appended (systemd's list semantics). */
function directives(unit: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(join(DEPLOY, unit), 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

describe('deploy/ systemd units', () => {
  it('verify cleanly with systemd-analyze (no error, no warning)', () => {
    expect(existsSync(ANALYZE), 'systemd-analyze is missing: apt-get install -y systemd').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'tg-units-'));
    try {
      for (const u of UNITS) copyFileSync(join(DEPLOY, u), join(dir, u));
      const run = spawnSync(ANALYZE, ['verify', ...UNITS.map((u) => join(dir, u))], { encoding: 'utf8' });
      expect(run.stderr.split('\n').filter((l) => l.includes(dir))).toEqual([]);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('restarts on failure but never after an emergency stop, and stops gracefully with SIGTERM', () => {
    const d = directives('tradegate.service');
    expect(d.get('Restart')).toEqual(['on-failure']);
    expect(d.get('RestartPreventExitStatus')).toEqual(['99']);
    expect(d.get('KillSignal')).toEqual(['SIGTERM']);
    // The engine's own wind-down waits 5 s for fills; the stop timeout leaves room for the summary too.
    expect(Number(d.get('TimeoutStopSec')?.[0])).toBeGreaterThanOrEqual(30);
    expect(d.get('EnvironmentFile')).toEqual(['/etc/tradegate/tradegate.env']);
    expect(d.get('NoNewPrivileges')).toEqual(['yes']);
    expect(d.get('ProtectSystem')).toEqual(['strict']);
    expect(d.get('ExecStart')?.[0]).toContain('bin.js run');
  });

  it('runs the watchdog every minute from its timer', () => {
    expect(directives('tradegate-watchdog.timer').get('Unit')).toEqual(['tradegate-watchdog.service']);
    expect(directives('tradegate-watchdog.timer').get('OnUnitActiveSec')).toEqual(['1min']);
    expect(directives('tradegate-watchdog.service').get('ExecStart')?.[0]).toContain('deploy/watchdog.mjs');
  });

  it('rotates the log the unit appends to, by copy and truncate (systemd holds it open)', () => {
    const text = readFileSync(join(DEPLOY, 'logrotate', 'tradegate'), 'utf8');
    const log = /append:(\S+)/.exec(readFileSync(join(DEPLOY, 'tradegate.service'), 'utf8'))![1]!;
    expect(text).toContain(`${log.replace(/engine\.log$/, '')}*.log {`);
    expect(text).toMatch(/^\s+copytruncate$/m);
    const logrotate = ['/usr/sbin/logrotate', '/usr/bin/logrotate'].find((p) => existsSync(p));
    if (logrotate) {
      const dir = mkdtempSync(join(tmpdir(), 'tg-logrotate-'));
      try {
        const conf = join(dir, 'conf');
        writeFileSync(conf, text.replace('/var/log/tradegate/', `${dir}/`).replace(/^\s+su .*$/m, ''));
        const run = spawnSync(logrotate, ['--debug', '--state', join(dir, 'state'), conf], { encoding: 'utf8' });
        expect(run.stderr).not.toMatch(/error/i);
        expect(run.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
