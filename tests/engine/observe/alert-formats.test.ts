// Specs of the webhook payload shapes and each service's message length limit.
import { describe, expect, it } from 'vitest';
import { fitMessage, MESSAGE_LIMITS, webhookPayload } from '../../../engine/observe/alert-formats.ts';

describe('webhookPayload', () => {
  it('wraps the text the way each service expects', () => {
    expect(webhookPayload('slack', 'hi')).toEqual({ text: 'hi' });
    expect(webhookPayload('discord', 'hi')).toEqual({ content: 'hi' });
    expect(webhookPayload('telegram', 'hi', '@ops')).toEqual({ chat_id: '@ops', text: 'hi' });
  });

  it('cuts a long message to the service limit, marked, without splitting a character', () => {
    const long = '€'.repeat(3_000);
    const discord = webhookPayload('discord', long) as { content: string };
    expect([...discord.content]).toHaveLength(MESSAGE_LIMITS.discord);
    expect(discord.content.endsWith('…')).toBe(true);
    expect(fitMessage('😀😀😀', 2)).toBe('😀…');
    expect(fitMessage('short', 10)).toBe('short');
  });
});
