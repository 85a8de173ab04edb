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
