// Specs of alert configuration from the environment (formats detected, problems named, URL never echoed) and message rendering.
import { describe, expect, it } from 'vitest';
import { alertConfigFromEnv, alertConfigProblems, alertSecrets, detectFormat, redactUrl, renderAlert } from '../../../engine/observe/alerts.ts';

const SLACK = 'https://hooks.slack.com/services/T0/B0/secretpart';

describe('alertConfigFromEnv', () => {
  it('is off (null) when no webhook URL is set', () => {
    expect(alertConfigFromEnv({})).toBeNull();
    expect(alertConfigFromEnv({ TRADEGATE_ALERT_WEBHOOK_URL: '' })).toBeNull();
  });

  it('detects the format of well-known webhook hosts', () => {
    expect(alertConfigFromEnv({ TRADEGATE_ALERT_WEBHOOK_URL: SLACK }, 'tg')).toEqual({ webhookUrl: SLACK, format: 'slack', source: 'tg' });
    expect(detectFormat(new URL('https://discord.com/api/webhooks/1/abc'))).toBe('discord');
    expect(detectFormat(new URL('https://api.telegram.org/bot1:x/sendMessage'))).toBe('telegram');
    expect(detectFormat(new URL('https://example.com/hook'))).toBeUndefined();
  });

  it('refuses an unknown host without a format, and telegram without a chat id, never echoing the URL', () => {
    expect(() => alertConfigFromEnv({ TRADEGATE_ALERT_WEBHOOK_URL: 'https://example.com/hook/secretpart' })).toThrow(/set TRADEGATE_ALERT_FORMAT/);
    let message = '';
    try {
      alertConfigFromEnv({ TRADEGATE_ALERT_WEBHOOK_URL: 'https://api.telegram.org/bot1:secretpart/sendMessage' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/telegram alerts need a chat id \(TRADEGATE_ALERT_TELEGRAM_CHAT_ID\)/);
    expect(message).not.toContain('secretpart');
    expect(alertConfigFromEnv({ TRADEGATE_ALERT_WEBHOOK_URL: 'https://example.com/h', TRADEGATE_ALERT_FORMAT: 'discord' })?.format).toBe('discord');
  });

  it('names every bad setting', () => {
    expect(alertConfigProblems({ webhookUrl: 'ftp://user:pw@x/y', format: 'teams' as never, perMinute: 0 })).toEqual([
      'the alert webhook URL must be http(s), not ftp:',
      'the alert webhook URL must not carry a user name or password',
      'alert format "teams" is not one of: slack, discord, telegram',
      'alert setting perMinute must be a number > 0, got 0',
    ]);
    expect(alertConfigProblems({ webhookUrl: 'not a url', format: 'slack' })).toEqual(['the alert webhook URL is not a valid URL']);
  });
});

describe('redactUrl and alertSecrets', () => {
  it('keeps scheme and host only', () => {
    expect(redactUrl(SLACK)).toBe('https://hooks.slack.com/…');
    expect(redactUrl('https://api.telegram.org/bot1:secret/sendMessage?x=1')).toBe('https://api.telegram.org/…');
    expect(redactUrl('::')).toBe('(unparseable URL)');
  });

  it('hands the full URL to the logger as a secret to scrub', () => {
    expect(alertSecrets({ webhookUrl: SLACK, format: 'slack' })).toEqual([SLACK]);
    expect(alertSecrets(null)).toEqual([]);
  });
});

describe('renderAlert', () => {
  const alert = { key: 'k', severity: 'warning', title: 'drawdown 6%', text: 'equity 9400 USD' } as const;

  it('puts source, severity and title first, then the text', () => {
    expect(renderAlert(alert, { suppressed: 0, suppressedWindowMs: 600_000, dropped: 0 }, 'tradegate live')).toBe('[tradegate live] WARNING: drawdown 6%\nequity 9400 USD');
  });

  it('reports one suppressed repeat and one dropped alert in the singular', () => {
    expect(renderAlert(alert, { suppressed: 1, suppressedWindowMs: 600_000, dropped: 1 })).toBe(
      '[tradegate] WARNING: drawdown 6%\nequity 9400 USD\n(1 repeat of this alert suppressed in the 10 min before)\n(1 other alert was dropped: too many at once)',
    );
  });
});
