#!/usr/bin/env node
// Health watchdog (run by tradegate-watchdog.timer): checks /health and heartbeat freshness; alerts the webhook once per incident, every 30 min while it lasts, and on recovery.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const env = process.env;
const BASE = (env.TRADEGATE_HEALTH_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
const MAX_HEARTBEAT_MS = Number(env.TRADEGATE_WATCHDOG_MAX_HEARTBEAT_MS ?? 30_000);
const REPEAT_MS = Number(env.TRADEGATE_WATCHDOG_REPEAT_S ?? 1_800) * 1000;
const STATE_DIR = env.STATE_DIRECTORY ?? env.TRADEGATE_WATCHDOG_STATE_DIR ?? '/var/lib/tradegate-watchdog';
const STATE_FILE = join(STATE_DIR.split(':')[0], 'watchdog.json');
const TIMEOUT_MS = 5_000;
const LIMITS = { slack: 4000, discord: 2000, telegram: 4096 };

/** What is wrong with the engine now, one sentence each; empty when healthy. */
async function problems() {
  let response;
  try {
    response = await fetch(`${BASE}/health`, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    return [`${BASE}/health did not answer (${error.cause?.code ?? error.cause?.message ?? error.message}): the engine is down or hung`];
  }
  const body = await response.json().catch(() => ({}));
  const out = [];
  if (response.status !== 200) {
    const reasons = Array.isArray(body.reasons) ? body.reasons.join('; ') : 'no reason given';
    out.push(`/health answered ${response.status}: ${reasons}`);
  }
  const age = body.heartbeatAgeMs;
  if (typeof age !== 'number') out.push('/health reports no heartbeat');
  else if (age > MAX_HEARTBEAT_MS) out.push(`heartbeat is ${(age / 1000).toFixed(1)} s old (watchdog limit ${(MAX_HEARTBEAT_MS / 1000).toFixed(0)} s)`);
  return out;
}

function readState() {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return {};
  }
}

function writeState(state) {
  mkdirSync(STATE_DIR.split(':')[0], { recursive: true });
  writeFileSync(`${STATE_FILE}.tmp`, `${JSON.stringify(state)}\n`);
  renameSync(`${STATE_FILE}.tmp`, STATE_FILE);
}

function payload(text) {
  const format = env.TRADEGATE_ALERT_FORMAT ?? (/discord/.test(env.TRADEGATE_ALERT_WEBHOOK_URL ?? '') ? 'discord' : /telegram/.test(env.TRADEGATE_ALERT_WEBHOOK_URL ?? '') ? 'telegram' : 'slack');
  const limit = LIMITS[format] ?? 2000;
  const fitted = [...text].length <= limit ? text : `${[...text].slice(0, limit - 1).join('')}…`;
  if (format === 'discord') return { content: fitted };
  if (format === 'telegram') return { chat_id: env.TRADEGATE_ALERT_TELEGRAM_CHAT_ID ?? '', text: fitted };
  return { text: fitted };
}

async function alert(text) {
  const url = env.TRADEGATE_ALERT_WEBHOOK_URL;
  if (!url) {
    console.error(`watchdog: no TRADEGATE_ALERT_WEBHOOK_URL set; alert not sent: ${text}`);
    return false;
  }
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload(text)), signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    return true;
  } catch (error) {
    console.error(`watchdog: alert delivery failed (${error.message}): ${text}`);
    return false;
  }
}

async function main() {
  const now = Date.now();
  const found = await problems();
  const state = readState();
  const host = env.HOSTNAME ?? 'tradegate';
  if (found.length === 0) {
    if (state.since) {
      const minutes = ((now - state.since) / 60_000).toFixed(1);
      await alert(`[tradegate ${host}] RECOVERED: ${BASE}/health is healthy again after ${minutes} min`);
      writeState({});
    }
    console.log(`watchdog: healthy (${BASE}/health)`);
    return 0;
  }
  const text = `[tradegate ${host}] UNHEALTHY: ${found.join('; ')}`;
  const due = !state.since || !state.lastAlertMs || now - state.lastAlertMs >= REPEAT_MS;
  const sent = due ? await alert(text) : false;
  writeState({ since: state.since ?? now, lastAlertMs: sent ? now : (state.lastAlertMs ?? null), last: found });
  console.log(`watchdog: unhealthy${due ? (sent ? ', alert sent' : ', alert NOT sent') : ', already alerted'}: ${found.join('; ')}`);
  return 1;
}

process.exitCode = await main();
