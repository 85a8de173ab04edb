import nodemailer from 'nodemailer';
import { dingtalkPayload, dingtalkSignedUrl, genericPayload, mailContent, slackPayload, type AlertNotice, type ChannelType } from './payloads.js';

/** Settings of one channel with its secrets opened (only in memory, only while sending). */
export interface ChannelTarget {
  type: ChannelType;
  url?: string;
  secret?: string;
  smtp?: { host: string; port: number; secure: boolean; user?: string; password?: string; from: string; to: string[] };
}

/** A delivery failure; `retry` says whether another attempt may succeed. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 10_000;

async function postJson(url: string, body: unknown): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'vigil-notify' }, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new SendError(`request failed${cause || (err instanceof Error ? `: ${err.message}` : '')}`, true);
  }
  const text = (await res.text().catch(() => '')).slice(0, 2000);
  if (res.status >= 500 || res.status === 429 || res.status === 408) throw new SendError(`HTTP ${res.status}`, true);
  if (res.status >= 300) throw new SendError(`HTTP ${res.status}: ${text.slice(0, 200)}`, false);
  return text;
}

/** Sends one notice to one channel; throws SendError. */
export async function sendNotice(t: ChannelTarget, n: AlertNotice, nowMs = Date.now()): Promise<void> {
  switch (t.type) {
    case 'webhook':
      await postJson(req(t.url), genericPayload(n));
      return;
    case 'slack':
      await postJson(req(t.url), slackPayload(n));
      return;
    case 'dingtalk': {
      const url = t.secret ? dingtalkSignedUrl(req(t.url), t.secret, nowMs) : req(t.url);
      const text = await postJson(url, dingtalkPayload(n));
      // The robot answers 200 with {errcode, errmsg}; 130101 = sending too fast.
      let r: { errcode?: unknown; errmsg?: unknown } = {};
      try {
        r = JSON.parse(text) as typeof r;
      } catch {
        throw new SendError('DingTalk answered without JSON', false);
      }
      if (r.errcode !== 0 && r.errcode !== undefined) throw new SendError(`DingTalk errcode ${String(r.errcode)}: ${String(r.errmsg ?? '').slice(0, 200)}`, r.errcode === 130101);
      return;
    }
    case 'email': {
      const s = t.smtp;
      if (!s) throw new SendError('SMTP settings missing', false);
      const transport = nodemailer.createTransport({
        host: s.host,
        port: s.port,
        secure: s.secure,
        ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: TIMEOUT_MS,
      });
      const m = mailContent(n);
      try {
        await transport.sendMail({ from: s.from, to: s.to, subject: m.subject, text: m.text });
      } catch (err) {
        const e = err as { responseCode?: number; message?: string };
        // 5xx SMTP replies (bad recipient, auth refused) will not change on retry; 4xx and network errors may.
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
        throw new SendError(`SMTP: ${(e.message ?? 'send failed').slice(0, 300)}`, !permanent);
      } finally {
        transport.close();
      }
      return;
    }
  }
}

function req(url: string | undefined): string {
  if (!url) throw new SendError('webhook URL missing', false);
  return url;
}
