import { blankComments, taintScan } from './taint-lite.js';
import type { RawHit } from './types.js';

const ASP_SOURCE =
  /\bRequest\s*(?:\.\s*(?:Form|QueryString|Item|Cookies|ServerVariables|Params|BinaryRead|InputStream|Headers|Files)\b|\(|\[)/i;

/** Classic ASP (VBScript/JScript) and ASP.NET: dynamic execution and processes fed by the request. */
export function analyzeAsp(text: string): RawHit[] {
  const code = blankComments(text, [/<%--[\s\S]*?--%>/g, /\/\*[\s\S]*?\*\//g, /(?<![:"'\\])\/\/[^\n]*/g, /(?<=^|\n)\s*'[^\n]*/g, /\bREM\s[^\n]*/gi]);
  const hits = taintScan(code, {
    source: ASP_SOURCE,
    caseInsensitive: true,
    sinks: [
      { re: /\b(?:Execute|ExecuteGlobal)\b/i, ruleId: 'asp.code-exec-request', message: 'Execute runs VBScript from request data', confidence: 'high' },
      { re: /\beval\b/i, ruleId: 'asp.code-exec-request', message: 'eval runs script from request data', confidence: 'high' },
      { re: /(?:System\.Diagnostics\.)?Process\s*\.\s*Start/i, ruleId: 'asp.cmd-exec-request', message: 'Process.Start runs a command from request data', confidence: 'high' },
      { re: /\bnew\s+(?:System\.Diagnostics\.)?ProcessStartInfo/i, ruleId: 'asp.cmd-exec-request', message: 'ProcessStartInfo built from request data', confidence: 'high' },
      { re: /\.\s*(?:Arguments|FileName)\s*=/i, ruleId: 'asp.cmd-exec-request', message: 'process arguments set from request data', confidence: 'high' },
      { re: /\.\s*(?:Run|Exec)\b/i, ruleId: 'asp.cmd-exec-request', message: 'WScript.Shell runs a command from request data', confidence: 'high' },
      { re: /\bAssembly\s*\.\s*Load/i, ruleId: 'asp.assembly-load-request', message: 'loads a .NET assembly sent in the request', confidence: 'high' },
    ],
  });
  if (/CreateObject\s*\(\s*["'](?:WScript\.Shell|Shell\.Application)["']/i.test(code) && ASP_SOURCE.test(code)) {
    const at = code.search(/CreateObject/i);
    hits.push({ ruleId: 'asp.shell-object', confidence: 'medium', message: 'creates a shell object in a page that reads request data', offset: at, length: 12 });
  }
  return hits;
}
