import type { WebLang } from './types.js';

const EXT: Record<string, WebLang> = {
  php: 'php', php3: 'php', php4: 'php', php5: 'php', php7: 'php', phtml: 'php', pht: 'php', phps: 'php', inc: 'php',
  jsp: 'jsp', jspx: 'jsp', jspf: 'jsp', jsw: 'jsp', jsv: 'jsp',
  asp: 'asp', aspx: 'asp', asa: 'asp', asax: 'asp', ascx: 'asp', ashx: 'asp', asmx: 'asp', cer: 'asp', cdx: 'asp',
  html: 'html', htm: 'html', shtml: 'html', xhtml: 'html', tpl: 'html',
  js: 'js', mjs: 'js', cjs: 'js',
  pl: 'perl', cgi: 'perl', pm: 'perl',
};

/**
 * Language of a web file. Content wins over the name: a `.jpg` holding `<?php` is PHP, and a
 * `.txt` with `<%@ page` is JSP, because uploaded shells are often renamed.
 */
export function sniffLanguage(path: string, text: string): WebLang {
  const head = text.slice(0, 64 * 1024);
  if (/^#!\s*\S*\bperl\b/.test(head)) return 'perl';
  if (/<\?php|<\?=|<\?\s|<script\s+language\s*=\s*["']?php/i.test(head)) return 'php';
  if (/<%@\s*page\b|<jsp:|<%!|\bjava\.(?:io|lang|util)\./.test(head) && /<%|<jsp:/.test(head)) return 'jsp';
  if (/<%@\s*(?:Page|WebHandler|Language)\b|<%@\s*Language\s*=|runat\s*=\s*["']?server|<%\s*(?:Response|Request|Server|Dim|Set)\b/i.test(head)) return 'asp';
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  const byExt = EXT[ext];
  if (byExt) return byExt;
  if (/<(?:html|head|body|script|iframe|div)\b/i.test(head)) return 'html';
  if (/\bfunction\s*\w*\s*\(|\bvar\s+\w+\s*=|\bdocument\.|\bwindow\./.test(head)) return 'js';
  return 'unknown';
}
