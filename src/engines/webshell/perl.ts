import { blankComments, taintScan } from './taint-lite.js';
import type { RawHit } from './types.js';

const PERL_SOURCE = /\$(?:param|in|FORM|input|query)\{|\bparam\s*\(|\$ENV\{\s*['"]?(?:QUERY_STRING|HTTP_\w+)|<STDIN>|\bReadParse\b/;

/** Perl CGI shells: commands built from CGI parameters. */
export function analyzePerl(text: string): RawHit[] {
  const code = blankComments(text, [/(?<=^|\n)\s*#[^\n]*/g, /(?<=^|\n)=(?:pod|head\d|begin|item)[\s\S]*?\n=cut\b/g]);
  return taintScan(code, {
    source: PERL_SOURCE,
    caseInsensitive: false,
    sinks: [
      { re: /\b(?:system|exec)\b/, ruleId: 'perl.cmd-exec-request', message: 'runs a command built from CGI parameters', confidence: 'high' },
      { re: /\bopen\b/, ruleId: 'perl.cmd-exec-request', message: 'open() pipes a command built from CGI parameters', confidence: 'high' },
      { re: /\bqx\b/, ruleId: 'perl.cmd-exec-request', message: 'qx runs a command built from CGI parameters', confidence: 'high' },
      { re: /`/, ruleId: 'perl.cmd-exec-request', message: 'backticks run a command built from CGI parameters', confidence: 'high' },
      { re: /\beval\b/, ruleId: 'perl.code-exec-request', message: 'eval runs Perl code from CGI parameters', confidence: 'high' },
    ],
  });
}
