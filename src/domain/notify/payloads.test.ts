import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { milestoneOf } from './notify-service.js';
import { dingtalkSignedUrl, genericPayload, mailContent, maskUrl, slackPayload, type AlertNotice } from './payloads.js';

const n: AlertNotice = { alertId: 7, uuid: 'u-1', instanceName: 'web1', ip: '10.0.0.5', name: 'Mining program', ruleId: 'mining.name', level: 'serious', count: 3, firstTime: 0, lastTime: 60_000, reason: 'new' };

describe('notification payloads', () => {
  it('signs DingTalk URLs as timestamp + "\\n" + secret, HMAC-SHA256, base64, URL-encoded', () => {
    const url = new URL(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', 'SECxyz', 1_700_000_000_000));
    expect(url.searchParams.get('access_token')).toBe('abc');
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
    expect(url.searchParams.get('sign')).toBe(createHmac('sha256', 'SECxyz').update('1700000000000\nSECxyz').digest('base64'));
    expect(url.search).not.toMatch(/sign=[^&]*[+/=]/); // encoded
  });

  it('builds the generic, Slack and mail shapes', () => {
    expect(genericPayload(n)).toMatchObject({ source: 'vigil', type: 'alert', alert: { id: 7, level: 'serious', count: 3, instanceName: 'web1' } });
    expect(slackPayload(n)).toMatchObject({ text: '[Vigil SERIOUS] Mining program on web1' });
    expect(mailContent(n).text).toContain('Occurrences: 3');
  });

  it('masks URLs down to the origin and last 4 characters', () => {
    expect(maskUrl('https://hooks.slack.com/services/T000/B000/XXXXsecret')).toBe('https://hooks.slack.com/****cret');
    expect(maskUrl('not a url')).toBe('****');
  });

  it('notifies new and reopened alerts and count milestones only', () => {
    expect(milestoneOf({ isNew: true, reopened: false, count: 1, lastTime: 5 })).toBe('new');
    expect(milestoneOf({ isNew: false, reopened: true, count: 4, lastTime: 5 })).toBe('reopened:5');
    expect(milestoneOf({ isNew: false, reopened: false, count: 2, lastTime: 5 })).toBeNull();
    expect(milestoneOf({ isNew: false, reopened: false, count: 100, lastTime: 5 })).toBe('count:100');
  });
});
