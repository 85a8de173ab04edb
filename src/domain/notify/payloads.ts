import { createHmac } from 'node:crypto';

export type NotifyLevel = 'serious' | 'suspicious' | 'remind';
export const NOTIFY_LEVELS: readonly NotifyLevel[] = ['serious', 'suspicious', 'remind'];
export type ChannelType = 'webhook' | 'dingtalk' | 'slack' | 'email';
export const CHANNEL_TYPES: readonly ChannelType[] = ['webhook', 'dingtalk', 'slack', 'email'];

/** One notification about an aggregated alert. */
export interface AlertNotice {
  alertId: number;
  uuid: string;
  instanceName: string;
  ip: string;
  name: string;
  ruleId: string;
  level: NotifyLevel;
  count: number;
  firstTime: number;
  lastTime: number;
  /** Why now: `new`, `reopened`, or `count:N` (the count reached a milestone). */
  reason: string;
  /** A test message from TestNotificationChannel. */
  test?: boolean;
}

const LEVEL_TEXT: Record<NotifyLevel, string> = { serious: 'SERIOUS', suspicious: 'Suspicious', remind: 'Reminder' };

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

function why(n: AlertNotice): string {
  if (n.test) return 'test message';
  if (n.reason === 'reopened') return 'back after it was handled';
  if (n.reason.startsWith('count:')) return `now seen ${n.count} times`;
  return 'new alert';
}

/** Subject line of e-mails and the title of chat messages. */
export function noticeTitle(n: AlertNotice): string {
  return `[Vigil ${LEVEL_TEXT[n.level]}] ${n.name} on ${n.instanceName || n.uuid}`;
}

function lines(n: AlertNotice): string[] {
  return [
    `Alert: ${n.name} (${why(n)})`,
    `Level: ${n.level}`,
    `Host: ${n.instanceName || '-'} ${n.ip ? `(${n.ip}) ` : ''}uuid ${n.uuid}`,
    `Rule: ${n.ruleId}`,
    `Occurrences: ${n.count}, first ${iso(n.firstTime)}, last ${iso(n.lastTime)}`,
    `Alert id: ${n.alertId}`,
  ];
}

/** Generic JSON webhook body: a stable, documented shape (docs/notifications.md). */
export function genericPayload(n: AlertNotice): Record<string, unknown> {
  return {
    source: 'vigil',
    type: n.test ? 'test' : 'alert',
    title: noticeTitle(n),
    reason: n.reason,
    alert: { id: n.alertId, name: n.name, rule: n.ruleId, level: n.level, uuid: n.uuid, instanceName: n.instanceName, ip: n.ip, count: n.count, firstTime: n.firstTime, lastTime: n.lastTime },
  };
}

/** DingTalk custom robot, markdown message. */
export function dingtalkPayload(n: AlertNotice): Record<string, unknown> {
  const title = noticeTitle(n);
  return { msgtype: 'markdown', markdown: { title, text: `### ${title}\n\n${lines(n).map((l) => `- ${l}`).join('\n')}` } };
}

/** Slack incoming webhook: `text` (fallback and notifications) plus one mrkdwn section. */
export function slackPayload(n: AlertNotice): Record<string, unknown> {
  const title = noticeTitle(n);
  return { text: title, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${lines(n).join('\n')}` } }] };
}

export function mailContent(n: AlertNotice): { subject: string; text: string } {
  return { subject: noticeTitle(n), text: `${lines(n).join('\n')}\n\n-- Vigil security center\n` };
}

/**
 * DingTalk robot signing ("加签"): sign = Base64(HMAC-SHA256(key = secret, timestamp + "\n" + secret)),
 * sent URL-encoded as `&timestamp=<ms>&sign=<sign>` after the robot's URL.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', dingtalkSign(secret, timestampMs));
  return u.toString();
}

/** Masks a URL that may carry a token: scheme and host stay, the rest shows only its last 4 characters. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    const rest = url.slice(u.origin.length);
    return rest.length <= 4 ? `${u.origin}${rest}` : `${u.origin}/****${rest.slice(-4)}`;
  } catch {
    return '****';
  }
}
