import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scanWebContent, topConfidence } from './scan.js';
import { sniffLanguage } from './lang.js';
import type { WebshellFinding } from './types.js';

const scan = (path: string, src: string): WebshellFinding[] => scanWebContent({ path, bytes: Buffer.from(src, 'latin1') });
const rules = (f: WebshellFinding[]): string[] => f.filter((x) => x.confidence !== 'low').map((x) => x.ruleId);
const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');

describe('scanWebContent: PHP taint', () => {
  it('flags request data flowing straight into eval/system', () => {
    expect(rules(scan('a.php', '<?php eval($_POST["x"]); ?>'))).toContain('php.code-exec-request');
    expect(rules(scan('a.php', '<?php @system($_GET[\'c\']); ?>'))).toContain('php.cmd-exec-request');
  });

  it('follows a variable assigned from the request, and a function parameter', () => {
    const viaVar = '<?php $c = trim($_REQUEST["c"]); $d = $c . " 2>&1"; echo shell_exec($d);';
    expect(rules(scan('a.php', viaVar))).toContain('php.cmd-exec-request');
    const viaParam = '<?php function run($cmd) { passthru($cmd); } run($_COOKIE["k"]);';
    expect(rules(scan('a.php', viaParam))).toContain('php.cmd-exec-request');
  });

  it('flags request-named functions, callbacks and extract() shells', () => {
    expect(rules(scan('a.php', '<?php $_POST["f"]($_POST["a"]);'))).toContain('php.variable-function-request');
    expect(rules(scan('a.php', '<?php $x=$_GET;($x[p]=="_"?$x[f]($x[c]):y);'))).toContain('php.variable-function-request');
    expect(rules(scan('a.php', '<?php call_user_func_array($_POST["f"], array($_POST["a"]));'))).toContain('php.callback-request');
    expect(rules(scan('a.php', '<?php extract($_REQUEST); @die($ctime($atime));'))).toContain('php.variable-function-request');
  });

  it('does not flag ordinary CMS code that reads the request', () => {
    const benign = [
      '<?php $action = isset($_REQUEST["action"]) ? $_REQUEST["action"] : "";',
      'call_user_func( $handlers[ $action ], $post );',
      'array_map( "absint", $_POST["ids"] );',
      'assert( count( $a ) === count( $b ) );',
      '$page = (int) $_GET["page"]; echo esc_html( $page );',
      '$out = preg_replace( "/[^a-z]/", "", $_GET["slug"] );',
    ].join('\n');
    expect(rules(scan('wp.php', benign))).toEqual([]);
  });

  it('ignores sinks inside comments and string literals', () => {
    expect(rules(scan('a.php', '<?php // eval($_POST["x"]);\n/* system($_GET[1]) */ echo "use system() with care";'))).toEqual([]);
  });
});

describe('scanWebContent: encoded payloads', () => {
  it('decodes eval(gzinflate(base64_decode(...))) and re-examines the payload', () => {
    const payload = b64(deflateRawSync(Buffer.from('system($_GET["cmd"]);')).toString('latin1'));
    const f = scan('x.php', `<?php eval(gzinflate(base64_decode('${payload}'))); ?>`);
    const inner = f.find((x) => x.ruleId === 'php.cmd-exec-request');
    expect(inner?.decodedLayers).toEqual(['gzinflate', 'base64_decode']);
    expect(f.find((x) => x.ruleId === 'php.code-exec-encoded')?.confidence).toBe('high');
  });

  it('resolves variables, rot13/strrev and \\x escapes', () => {
    const rot = "<?php $p = str_rot13('flfgrz($_TRG[\"p\"]);'); eval($p);";
    expect(scan('a.php', rot).some((x) => x.ruleId === 'php.cmd-exec-request' && x.decodedLayers?.includes('str_rot13'))).toBe(true);
    const esc = '<?php eval("\\x73\\x79\\x73\\x74\\x65\\x6d\\x28\\x24\\x5f\\x47\\x45\\x54\\x5b\\x31\\x5d\\x29\\x3b");';
    expect(rules(scan('a.php', esc))).toEqual(expect.arrayContaining(['php.code-exec-encoded', 'php.cmd-exec-request']));
  });

  it('recognises function names assembled from pieces', () => {
    expect(rules(scan('a.php', '<?php $f = "cr"."eat"."e_fun"."cti"."on"; $g = $f("$x", "ev"."al(\\$x);");'))).toContain('php.obfuscated-function-name');
    expect(rules(scan('a.php', "<?php $f = strrev('tressa'); $f($_POST[1]);"))).toContain('php.obfuscated-function-name');
    expect(rules(scan('a.php', '<?php $x = chr(115).chr(121).chr(115).chr(116).chr(101).chr(109);'))).toContain('php.obfuscated-function-name');
  });

  it('flags preg_replace with /e', () => {
    expect(rules(scan('a.php', '<?php preg_replace("/.*/e", $code, "");'))).toContain('php.preg-replace-eval');
  });

  it('stays bounded on deeply nested payloads', () => {
    let layer = 'system($_GET[1]);';
    for (let i = 0; i < 12; i++) layer = `eval(base64_decode('${b64(layer)}'));`;
    const f = scan('deep.php', `<?php ${layer}`);
    expect(topConfidence(f)).toBe('high');
    // Default depth 4: four re-scans, each adding its decoder, plus the innermost hit's own layer.
    const depth = Math.max(...f.map((x) => x.decodedLayers?.length ?? 0));
    expect(depth).toBe(5);
    const shallow = scanWebContent({ path: 'deep.php', bytes: Buffer.from(`<?php ${layer}`) }, { maxDecodeDepth: 1 });
    expect(Math.max(...shallow.map((x) => x.decodedLayers?.length ?? 0))).toBe(2);
    const small = scanWebContent({ path: 'deep.php', bytes: Buffer.from(`<?php ${layer}`) }, { maxDecodedBytes: 64 });
    expect(Math.max(...small.map((x) => x.decodedLayers?.length ?? 0))).toBeLessThanOrEqual(1);
  });
});

describe('scanWebContent: hostile input', () => {
  it('copes with unclosed calls, deep nesting and long chains without blowing the stack', () => {
    // Never closed, so no PHP call is seen (the text still reads as eval(eval( to the JS heuristics).
    expect(rules(scan('a.php', `<?php ${'eval('.repeat(40_000)}`)).filter((r) => r.startsWith('php.'))).toEqual([]);
    expect(scan('a.php', `<?php $a = ${'('.repeat(100_000)}'x'${')'.repeat(100_000)};`)).toEqual([]);
    expect(scan('a.php', `<?php $a = ${"'a'.".repeat(50_000)}'b';`)).toEqual([]);
    const nested = scan('a.php', `<?php ${'eval('.repeat(5_000)}$_GET[1]${')'.repeat(5_000)};`);
    expect(rules(nested)).toContain('php.code-exec-request');
    const chain = Array.from({ length: 2_000 }, (_, i) => `$v${i + 1} = $v${i};`).join('');
    expect(rules(scan('a.php', `<?php ${chain} $v0 = $_GET[1]; system($v2000);`))).toContain('php.cmd-exec-request');
  });
});

describe('scanWebContent: JSP, ASP and injected pages', () => {
  it('flags JSP command execution and class definition from the request', () => {
    const jsp = '<%@ page import="java.io.*" %><% String c = request.getParameter("c"); Process p = Runtime.getRuntime().exec(c); %>';
    expect(rules(scan('s.jsp', jsp))).toContain('jsp.cmd-exec-request');
    const pb = '<% new ProcessBuilder(request.getParameter("a"), "-c").start(); %>';
    expect(rules(scan('s.jspx', `<%@ page language="java" %>${pb}`))).toContain('jsp.cmd-exec-request');
    const loader = '<%@ page import="java.util.*" %><%! class U extends ClassLoader { Class g(byte[] b) { return super.defineClass(b, 0, b.length); } } %><% new U().g(Base64.getDecoder().decode(request.getReader().readLine())); %>';
    expect(rules(scan('m.jsp', loader))).toEqual(expect.arrayContaining(['jsp.define-class-request', 'jsp.memory-class-loader']));
  });

  it('leaves JSP pages that only echo parameters alone', () => {
    const jsp = '<%@ page contentType="text/html" %><% String n = request.getParameter("name"); out.println(n); double m = Runtime.getRuntime().freeMemory(); %>';
    expect(rules(scan('ok.jsp', jsp))).toEqual([]);
  });

  it('flags ASP Execute/eval and ASPX Process.Start on request data', () => {
    expect(rules(scan('a.asp', '<%@ Language=VBScript %><% Execute Request("x") %>'))).toContain('asp.code-exec-request');
    expect(rules(scan('a.aspx', '<%@ Page Language="Jscript"%><% eval(Request.Item["z"],"unsafe"); %>'))).toContain('asp.code-exec-request');
    const aspx = '<%@ Page Language="C#" %><% var psi = new System.Diagnostics.ProcessStartInfo("cmd.exe", "/c " + Request.Form["c"]); System.Diagnostics.Process.Start(psi); %>';
    expect(rules(scan('b.aspx', aspx))).toContain('asp.cmd-exec-request');
  });

  it('flags hidden iframes to external hosts but not local hidden frames', () => {
    expect(rules(scan('i.html', '<html><body><iframe src="http://evil.example.net/x" width="1" height="1" frameborder="0"></iframe>'))).toContain('html.hidden-iframe');
    expect(rules(scan('i.html', '<div style="position:absolute;left:-9999px"><iframe src="//bad.example.org/"></iframe></div>'))).toContain('html.hidden-iframe');
    expect(rules(scan('ok.js', 'x.innerHTML = \'<iframe src="javascript:&quot;&quot;" style="display:none"></iframe>\';'))).toEqual([]);
  });

  it('flags document.write(unescape()), charcode payloads and listed hosts', () => {
    const enc = [...'<script src="http://x.example/a.js"></script>'].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    expect(rules(scan('p.html', `<script>document.write(unescape('${enc}'))</script>`))).toContain('js.unescape-write');
    const codes = [...'<iframe src=http://a.b/>'].map((c) => c.charCodeAt(0)).join(',');
    expect(rules(scan('p.js', `var s = String.fromCharCode(${codes}); document.write(s);`))).toContain('js.charcode-payload');
    expect(rules(scan('p.html', '<script src="https://cdn.coinhive.com/lib/coinhive.min.js"></script>'))).toContain('html.malicious-script-host');
    expect(rules(scanWebContent({ path: 'p.html', bytes: Buffer.from('<script src="https://ads.bad.test/x.js"></script>') }, { maliciousHosts: ['bad.test'] }))).toContain('html.malicious-script-host');
  });
});

describe('sniffLanguage', () => {
  it('prefers content over the file name', () => {
    expect(sniffLanguage('logo.jpg', 'GIF89a<?php eval($_POST[1]);')).toBe('php');
    expect(sniffLanguage('x.txt', '<%@ page import="java.io.*" %><% out.println(1); %>')).toBe('jsp');
    expect(sniffLanguage('x.cgi', '#!/usr/bin/perl\nprint 1;')).toBe('perl');
    expect(sniffLanguage('a.js', 'var a = 1;')).toBe('js');
  });
});
