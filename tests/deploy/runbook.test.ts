// Runs the runbook's `engine` commands: every sub-command it names exists, and the ones safe offline work against a scratch data directory.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../engine/clock.ts';
import { openLedger } from '../../engine/ledger/ledger.ts';
import { type SessionEnv, ROOT, sessionEnv } from '../helpers/session-env.ts';

const RUNBOOK = readFileSync(join(ROOT, 'deploy', 'RUNBOOK.md'), 'utf8');
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const MAIN = join(ROOT, 'engine', 'cli', 'main.ts');
/** Sub-commands that only read or write the ledger, config and rules: safe to run offline. */
const OFFLINE = new Set(['status', 'kill', 'validate', 'breaker']);

/** Every line of a ```sh block that runs `engine`. */
function engineLines(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('engine '));
}

function sub(line: string): string {
  return line.split(/\s+/)[1]!;
}

let env: SessionEnv;
let dataDir = '';
let rewrite: (line: string) => string;

beforeAll(() => {
  env = sessionEnv();
  dataDir = join(env.dir, 'var-lib-tradegate');
  mkdirSync(dataDir, { recursive: true });
  // A deployed host: the engine has run there, so its paper ledger exists.
  openLedger({ dataDir, mode: 'paper', clock: systemClock }).close();
  const config = env.config((c) => {
    c['data_dir'] = dataDir;
  }, 'engine.yaml');
  const live = env.config((c) => {
    c['data_dir'] = dataDir;
    c['mode'] = 'live';
  }, 'live.yaml');
  // Port 9 is refused by fetch: `engine status` reports the server as not answering without touching the network.
  rewrite = (line) =>
    line
      .replaceAll('/etc/tradegate/engine.yaml', config)
      .replaceAll('/etc/tradegate/live.yaml', live)
      .replaceAll('/var/lib/tradegate', dataDir)
      .replaceAll('http://127.0.0.1:8787', 'http://127.0.0.1:9');
});
afterAll(() => env.cleanup());

/** Runs one runbook line in bash, with `engine` bound to this checkout's CLI. */
function shell(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `engine() { "${process.execPath}" --import "${TSX}" "${MAIN}" "$@"; }\n${line}`;
  return new Promise((resolve) => {
    execFile('/bin/bash', ['-c', script], { cwd: env.dir, env: { ...process.env, SUDO_USER: 'runbook' } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('deploy/RUNBOOK.md', () => {
  const lines = engineLines(RUNBOOK);

  it('names the kill levels, the breaker reset, the drills and the go-live check with engine commands', () => {
    const subs = new Set(lines.map(sub));
    for (const s of ['status', 'kill', 'breaker', 'validate', 'run', 'report']) expect(subs).toContain(s);
    for (const level of ['pause', 'flatten', 'emergency', 'none']) expect(lines.some((l) => l.includes(`kill --level ${level}`))).toBe(true);
    expect(lines.some((l) => l.startsWith('engine breaker reset'))).toBe(true);
    expect(lines.some((l) => l.startsWith('engine validate --live'))).toBe(true);
  });

  it('names only sub-commands the engine has', async () => {
    for (const s of new Set(lines.map((l) => l.split(/\s+/).slice(1, sub(l) === 'breaker' ? 3 : 2).join(' ')))) {
      const help = await shell(`engine ${s} --help`);
      expect(help.code, `engine ${s} --help: ${help.stderr}`).toBe(0);
    }
  });

  it('runs every offline-safe command in the order written, each doing what the runbook says', async () => {
    const ran: string[] = [];
    for (const line of lines.filter((l) => OFFLINE.has(sub(l)))) {
      const out = await shell(rewrite(line));
      const what = `${line}\n${out.stdout}${out.stderr}`;
      ran.push(sub(line));
      switch (sub(line)) {
        case 'kill':
          expect(out.code, what).toBe(0);
          expect(out.stdout, what).toMatch(/^kill level of (paper|live) /);
          break;
        case 'breaker':
          expect(out.code, what).toBe(0);
          expect(out.stdout, what).toMatch(/^breaker of paper /);
          break;
        case 'status':
          expect([0, 1], what).toContain(out.code);
          expect(out.stdout, what).toContain('tradegate paper: ');
          expect(out.stdout, what).toMatch(/status: (HEALTHY|UNHEALTHY)/);
          break;
        case 'validate':
          // A scratch data directory holds no burn-in or drill evidence: the gate must say NO-GO and exit 1.
          expect(out.code, what).toBe(1);
          expect(out.stdout, what).toContain('go/no-go: NO-GO');
          expect(out.stdout, what).toContain('FAIL  dry-run-burn-in');
          break;
      }
    }
    expect(new Set(ran)).toEqual(OFFLINE);
  });
});
