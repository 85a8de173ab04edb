/**
 * Alert names come from the agents in English (they are part of the Sas-compatible API answer and
 * of notifications). The console shows them in the user's language: exact names, then prefixes
 * (`Webshell: <rule>`). Unknown names are shown as sent.
 */
const ZH_CN: Record<string, string> = {
  'Reverse shell: shell stdio on a network socket': '反弹 Shell：Shell 的输入输出直连网络',
  'Reverse shell: shell relayed to a network socket': '反弹 Shell：Shell 经管道或伪终端中转到网络',
  'Reverse shell: interpreter running a shell over the network': '反弹 Shell：解释器通过网络执行命令',
  'Mining program': '挖矿程序',
  'Brute-force attack': '暴力破解攻击',
  'Brute-force attack blocked': '暴力破解攻击（已封禁来源）',
  'Successful login after brute force': '暴力破解后登录成功',
  'Abnormal login: new source address': '异常登录：新的来源地址',
  'Abnormal login: unusual time': '异常登录：非常用时间',
  'Abnormal login: not from a usual address': '异常登录：非常用地址',
  'Abnormal login: unusual account': '异常登录：非常用账号',
  'Vigil agent over its resource budget': 'Vigil 客户端超出资源预算',
  'Vigil agent file tampered with': 'Vigil 客户端文件被篡改',
  'Vigil agent was killed': 'Vigil 客户端进程被异常结束',
  'Vigil agent supervisor was killed': 'Vigil 客户端守护进程被结束',
};
const ZH_CN_PREFIXES: Array<[string, string]> = [['Webshell: ', '网站后门：']];

export function alertName(name: string, language: string): string {
  if (!language.startsWith('zh')) return name;
  const exact = ZH_CN[name];
  if (exact) return exact;
  for (const [en, zh] of ZH_CN_PREFIXES) if (name.startsWith(en)) return zh + name.slice(en.length);
  return name;
}
