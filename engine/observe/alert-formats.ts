// Webhook payloads of each chat service: Slack {text}, Discord {content}, Telegram sendMessage {chat_id, text}, within each one's length limit.
import type { AlertFormat } from './alerts.ts';

/** Longest message each service accepts (Slack truncates near 40,000; 4,000 keeps it readable). */
export const MESSAGE_LIMITS: Record<AlertFormat, number> = { slack: 4_000, discord: 2_000, telegram: 4_096 };

export type WebhookPayload = { readonly text: string } | { readonly content: string } | { readonly chat_id: string; readonly text: string };

/** Cuts at the limit in code points (never through a surrogate pair), marking the cut. */
export function fitMessage(text: string, limit: number): string {
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

export function webhookPayload(format: AlertFormat, text: string, telegramChatId?: string): WebhookPayload {
  const fitted = fitMessage(text, MESSAGE_LIMITS[format]);
  switch (format) {
    case 'slack':
      return { text: fitted };
    case 'discord':
      return { content: fitted };
    case 'telegram':
      return { chat_id: telegramChatId ?? '', text: fitted };
  }
}
