// What an alert is and where it goes: the webhook configuration (from config or env), its validation, and a URL form safe to log.
import { TradegateError } from '../errors.ts';

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export interface Alert {
  /** Alerts with one key are one story: repeats inside the dedup window are counted, not sent. */
  readonly key: string;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly text: string;
}

export const ALERT_FORMATS = ['slack', 'discord', 'telegram'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

export interface AlertConfig {
  /** May carry a secret (Slack and Discord paths, Telegram's bot token): logged only through redactUrl. */
  readonly webhookUrl: string;
  readonly format: AlertFormat;
  /** Telegram only: the chat to send to. */
  readonly telegramChatId?: string;
  /** Who is speaking, first on every message: `tradegate paper`. */
  readonly source?: string;
  readonly dedupWindowMs?: number;
  /** Sustained sends per minute, and how many may go at once after a quiet spell. */
  readonly perMinute?: number;
  readonly burst?: number;
  /** Alerts waiting for the rate limiter beyond this are dropped, oldest first, and counted. */
  readonly maxQueue?: number;
  readonly maxAttempts?: number;
  readonly retryBaseMs?: number;
  readonly timeoutMs?: number;
}

export const ALERT_DEFAULTS = {
  dedupWindowMs: 10 * 60_000,
  perMinute: 20,
  burst: 5,
  maxQueue: 100,
  maxAttempts: 4,
  retryBaseMs: 1_000,
  timeoutMs: 10_000,
} as const;

export const ALERT_ENV = {
  url: 'TRADEGATE_ALERT_WEBHOOK_URL',
  format: 'TRADEGATE_ALERT_FORMAT',
  telegramChatId: 'TRADEGATE_ALERT_TELEGRAM_CHAT_ID',
} as const;

/** Scheme and host only: `https://hooks.slack.com/…`. Paths and queries of webhook URLs are credentials. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(unparseable URL)';
  }
}

/** The format a well-known webhook host speaks, when the operator did not say. */
export function detectFormat(url: URL): AlertFormat | undefined {
  if (url.hostname === 'hooks.slack.com') return 'slack';
  if (/(^|\.)discord(app)?\.com$/.test(url.hostname) && url.pathname.startsWith('/api/webhooks/')) return 'discord';
  if (url.hostname === 'api.telegram.org') return 'telegram';
  return undefined;
}

/** Every problem with a webhook configuration, each naming the setting; the URL itself is never echoed. */
export function alertConfigProblems(c: Partial<AlertConfig>): string[] {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(c.webhookUrl ?? '');
  } catch {
    problems.push('the alert webhook URL is not a valid URL');
  }
  if (url && url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(`the alert webhook URL must be http(s), not ${url.protocol}`);
  if (url && (url.username !== '' || url.password !== '')) problems.push('the alert webhook URL must not carry a user name or password');
  if (c.format !== undefined && !ALERT_FORMATS.includes(c.format)) problems.push(`alert format "${String(c.format)}" is not one of: ${ALERT_FORMATS.join(', ')}`);
  if (c.format === 'telegram' && !c.telegramChatId) problems.push(`telegram alerts need a chat id (${ALERT_ENV.telegramChatId})`);
  for (const key of ['dedupWindowMs', 'perMinute', 'burst', 'maxQueue', 'maxAttempts', 'retryBaseMs', 'timeoutMs'] as const) {
    const v = c[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) problems.push(`alert setting ${key} must be a number > 0, got ${v}`);
  }
  return problems;
}

/**
 * The alert configuration from the environment: none when no URL is set (alerts off), else a checked
 * configuration. A format is detected from well-known hosts when not given.
 */
export function alertConfigFromEnv(env: Readonly<Record<string, string | undefined>>, source?: string): AlertConfig | null {
  const webhookUrl = env[ALERT_ENV.url];
  if (webhookUrl === undefined || webhookUrl === '') return null;
  const given = env[ALERT_ENV.format];
  let format = given as AlertFormat | undefined;
  if (given === undefined || given === '') {
    try {
      format = detectFormat(new URL(webhookUrl));
    } catch {
      format = undefined;
    }
  }
  const chat = env[ALERT_ENV.telegramChatId];
  const config: Partial<AlertConfig> = { webhookUrl, ...(format ? { format } : {}), ...(chat ? { telegramChatId: chat } : {}), ...(source ? { source } : {}) };
  const problems = alertConfigProblems(config);
  if (format === undefined) problems.push(`set ${ALERT_ENV.format} to one of ${ALERT_FORMATS.join(', ')} (the webhook host is not a known one)`);
  if (problems.length > 0) {
    throw new TradegateError('CONFIG_INVALID', `alert webhook configuration: ${problems.join('; ')}`, { webhook: redactUrl(webhookUrl), problems });
  }
  return config as AlertConfig;
}

/** Secret values the composition root hands the logger, so a URL that slips into a line is scrubbed too. */
export function alertSecrets(config: AlertConfig | null): string[] {
  return config ? [config.webhookUrl] : [];
}

export interface AlertNotes {
  /** Repeats of this alert's key that the dedup window held back since its last send. */
  readonly suppressed: number;
  readonly suppressedWindowMs: number;
  /** Alerts of any key dropped because the queue was full, since the last send. */
  readonly dropped: number;
}

/** The message text, before a format wraps it: source and severity, title, text, then what was held back. */
export function renderAlert(alert: Alert, notes: AlertNotes, source?: string): string {
  const head = `[${source ?? 'tradegate'}] ${alert.severity.toUpperCase()}: ${alert.title}`;
  const lines = [head, alert.text];
  if (notes.suppressed > 0) {
    const minutes = Math.round(notes.suppressedWindowMs / 60_000);
    lines.push(`(${notes.suppressed} repeat${notes.suppressed === 1 ? '' : 's'} of this alert suppressed in the ${minutes} min before)`);
  }
  if (notes.dropped > 0) lines.push(`(${notes.dropped} other alert${notes.dropped === 1 ? ' was' : 's were'} dropped: too many at once)`);
  return lines.filter((l) => l !== '').join('\n');
}
