/** The one-line install commands the console shows for an install code (SPEC ). */
export function installCommands(origin: string, code: string): { curl: string; wget: string } {
  const url = `${origin.replace(/\/+$/, '')}/agent/install.sh?code=${encodeURIComponent(code)}`;
  return { curl: `curl -fsSL '${url}' | sudo bash`, wget: `wget -qO- '${url}' | sudo bash` };
}

export const EXPIRY_DAYS = [1, 7, 30, 90, 365] as const;
export const VENDORS = ['ALIYUN', 'AWS', 'TENCENT', 'HUAWEICLOUD', 'IDC', 'OTHER'] as const;

export interface InstallCodeItem {
  CaptchaCode: string;
  ExpiredDate: number;
  GroupId: number;
  GroupName: string;
  Os: string;
  VendorName: string;
  OnlyImage: boolean;
}

/** One host per line: `host`, `host:port`, `user@host` or `user@host:port` (IPv6 in brackets). */
export interface BatchHostLine {
  Host: string;
  Port: number;
  User: string;
}

export function parseHostLines(text: string, defaultUser: string): { hosts: BatchHostLine[]; bad: string[] } {
  const hosts: BatchHostLine[] = [];
  const bad: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:([A-Za-z0-9._-]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(line);
    const port = m?.[3] ? Number(m[3]) : 22;
    if (!m || !m[2] || port < 1 || port > 65535) {
      bad.push(line);
      continue;
    }
    hosts.push({ Host: m[2].replace(/^\[|\]$/g, ''), Port: port, User: m[1] ?? defaultUser });
  }
  return { hosts, bad };
}
