import { blankComments, taintScan } from './taint-lite.js';
import type { RawHit } from './types.js';

const JSP_SOURCE =
  /\brequest\s*\.\s*(?:getParameter(?:Values|Map|Names)?|getHeader(?:s|Names)?|getInputStream|getReader|getQueryString|getCookies|getPart|getParts|getAttribute)\s*\(|\bparam\s*\.\s*\w+|\$\{\s*param\b/;

/** JSP/JSPX: command execution, class definition and script evaluation fed by the request. */
export function analyzeJsp(text: string): RawHit[] {
  const code = blankComments(text, [/<%--[\s\S]*?--%>/g, /\/\*[\s\S]*?\*\//g, /(?<![:"'\\])\/\/[^\n]*/g]);
  const hits = taintScan(code, {
    source: JSP_SOURCE,
    caseInsensitive: false,
    sinks: [
      { re: /Runtime\s*\.\s*getRuntime\s*\(\s*\)\s*\.\s*exec/, ruleId: 'jsp.cmd-exec-request', message: 'Runtime.exec() runs a command from request data', confidence: 'high' },
      { re: /new\s+(?:java\.lang\.)?ProcessBuilder/, ruleId: 'jsp.cmd-exec-request', message: 'ProcessBuilder runs a command from request data', confidence: 'high' },
      { re: /\bdefineClass/, ruleId: 'jsp.define-class-request', message: 'ClassLoader.defineClass() loads bytecode sent in the request', confidence: 'high' },
      { re: /\.\s*eval(?=\s*\()/, ruleId: 'jsp.script-eval-request', message: 'script engine evaluates request data', confidence: 'high' },
      { re: /\bClass\s*\.\s*forName/, ruleId: 'jsp.reflection-request', message: 'loads a class named by request data', confidence: 'medium' },
      { re: /\.\s*invoke(?=\s*\()/, ruleId: 'jsp.reflection-request', message: 'invokes a method chosen by request data', confidence: 'medium' },
    ],
  });
  // Behinder/Godzilla-style loaders: a ClassLoader subclass plus defineClass plus decoding.
  if (/extends\s+ClassLoader/.test(code) && /defineClass/.test(code) && /(?:Base64|BASE64Decoder|decodeBuffer|Cipher\.getInstance)/.test(code)) {
    const at = code.search(/defineClass/);
    hits.push({ ruleId: 'jsp.memory-class-loader', confidence: 'high', message: 'defines classes from decoded/decrypted bytes (in-memory shell loader)', offset: at, length: 11 });
  }
  if (/javax\.script/.test(code) && /\.eval\s*\(/.test(code) && JSP_SOURCE.test(code) && !hits.some((h) => h.ruleId === 'jsp.script-eval-request')) {
    const at = code.search(/\.eval\s*\(/);
    hits.push({ ruleId: 'jsp.script-eval', confidence: 'medium', message: 'javax.script evaluation in a page that reads request data', offset: at, length: 5 });
  }
  return hits;
}
