/**
 * Command-line analyzer: decides from argv (or a command string / program text) alone whether a
 * process is a reverse shell. Used for short-lived processes seen only as exec events, and as a
 * feature of the topology detector.
 */

export type CommandVerdict = 'reverse-shell' | 'bind-shell' | 'web-command-exec' | 'listener' | 'benign';

export interface CommandLineAnalysis {
  verdict: CommandVerdict;
  /** True for reverse-shell, bind-shell and web-command-exec. Listeners are reported, not flagged. */
  flagged: boolean;
  /** Which detectors fired, e.g. `dev-tcp-stdio`, `netcat-exec`, `script-socket-exec`, `base64-payload`. */
  features: string[];
  /** Topology class the command would produce once running (1 stdio socket, 2 relay, 3 interpreter). */
  suggestedClass: 1 | 2 | 3 | null;
}

const MAX_TEXT = 256 * 1024;
const MAX_DECODE_DEPTH = 2;

const SHELL_WORDS = 'sh|bash|dash|zsh|ksh|ksh93|mksh|pdksh|ash|bsh|csh|tcsh|fish|rbash|busybox\\s+sh|cmd|powershell|pwsh';
const SHELL_WORD_RE = new RegExp(`(?:^|[\\s;|&('"\`\\\\{=])(?:[\\w./-]*/)?(?:${SHELL_WORDS})(?:\\.exe)?(?=$|[\\s;|&)'"\`\\\\}])`);
/** A shell at a pipeline command position: right after `|`, or right before one. */
const PIPE_TO_SHELL_RE = new RegExp(`\\|\\s*(?:[\\w./-]*/)?(?:${SHELL_WORDS})(?:\\.exe)?(?=$|[\\s;|&)'"])`);
const SHELL_TO_PIPE_RE = new RegExp(`(?:^|[;&|('"])\\s*(?:[\\w./-]*/)?(?:${SHELL_WORDS})(?:\\.exe)?(?:\\s+-[a-zA-Z]+)*(?:\\s+[0-9]?[<>]&?\\s*\\S+)*\\s*\\|`);
const SHELL_C_WRAPPER_RE = new RegExp(`^\\s*(?:[\\w./-]*/)?(?:${SHELL_WORDS})\\s+(?:-[a-zA-Z]+\\s+)*-[a-zA-Z]*c[a-zA-Z]*\\s+`);

const NETCAT_RE = /(?:^|[\s;|&('"`(])(?:[\w./-]*\/)?(?:busybox\s+)?(?:nc|ncat|netcat|nc\.traditional|nc\.openbsd)(?:\.exe)?(?=\s)([^;|&\n'"`)]*)/g;
const TELNET_CLIENT_RE = /(?:^|[\s;|&('"`])(?:[\w./-]*\/)?telnet\s+[^\s;|&]+\s+\d+/;
const OPENSSL_CLIENT_RE = /\bopenssl\s+s_client\b/;
const CURL_TELNET_RE = /\bcurl\b[^;|&\n]*\btelnet:\/\//;
const FIFO_RE = /\bmkfifo\b|\bmknod\s+\S+\s+p\b/;

const SOCAT_RE = /\bsocat\b/;
const SOCAT_CONNECT_RE = /(?:^|[\s'"!,])(?:tcp|tcp4|tcp6|udp|udp4|udp6|openssl|ssl|sctp|sctp4|sctp6|udp-sendto|udp-datagram)(?:-connect)?:[^\s,'"!:]+:\d+/i;
const SOCAT_LISTEN_RE = /(?:^|[\s'"!,])(?:tcp|tcp4|tcp6|udp|udp4|udp6|openssl|ssl|sctp|sctp4|sctp6)-listen:/i;
const SOCAT_EXEC_RE = /(?:^|[\s'"!,])(?:exec|system):/i;

const DEV_TCP_RE = /\/dev\/(?:tcp|udp)\/[^/\s'"]+\/\d+/;
const AWK_INET_RE = /\/inet[46]?\/(?:tcp|udp)\/(\d+)\/([^/\s'"]+)\/(\d+)/;

/** Opening a network connection from script code. */
const SCRIPT_CONNECT_STRONG_RE =
  /\bfsockopen\s*\(|\bstream_socket_client\s*\(|\bsocket_connect\s*\(|\bTCPSocket\.(?:new|open)\b|\bPeerAddr\b|\bnew\s+(?:java\.net\.)?Socket\s*\(|\bTcpClient\s*\(|\bTCPClient\s*\(|\bnet\.Dial\s*\(|\bSocket\.connect\s*\(|\bnet\.connect\s*\(|\bcreateConnection\s*\(|\bcreate_connection\s*\(|\bSocket\.tcp\s*\(/;
const SCRIPT_CONNECT_WEAK_RE = /\bconnect\s*\(/;
const SCRIPT_SOCKET_CONTEXT_RE = /\bsocket\b|\bsocket_\w+|Socket\b|\bnet\b/i;
/** Serving rather than connecting. */
const SCRIPT_SERVE_RE = /\.listen\s*\(|\blisten\s*\(|\baccept\s*\(|\bsocket_(?:listen|accept)\s*\(|\bTCPServer\b|\bsocket_bind\s*\(|\bLocalPort\b|\bListen\s*=>/;
/** Running commands or handing the socket to a program. */
const SCRIPT_EXEC_RE =
  /\bdup2\s*\(|\bpty\.spawn\b|\bsubprocess\b|\bos\.system\b|\bpopen\s*\(|\bPopen\s*\(|\bexec[lv]?[pe]?\s*\(|\bexec\s+["'{]|\bsystem\s*\(|\bsystem\s*\$_|\bsystem\s+\$|\bspawn\s*\(|\bproc_open\s*\(|\bshell_exec\s*\(|\bpassthru\s*\(|\bfdopen\s*\(|\bos\.execute\s*\(|\bio\.popen\b|\bIO\.popen\b|\bchild_process\b|\bProcessBuilder\b|\bProcess\.start\s*\(|\bnew\s+Process\s*\(|\bexec\.Command\s*\(|\bProcess\.new\s*\(|\bopen\s*\(\s*STDIN\b|\bInvoke-Expression\b|\biex\b/;

/** PHP/Perl/Ruby backticks running a shell or redirecting fds. */
const BACKTICK_EXEC_RE = new RegExp(`\`[^\`\n]*(?:[<>]&\\s*\\d|\\b(?:${SHELL_WORDS})\\b)[^\`\n]*\``);

const WEB_INPUT_RE = /\$_(?:GET|POST|REQUEST|COOKIE)\b|\brequest\.getParameter\s*\(/;
const WEB_EXEC_RE = /\b(?:system|shell_exec|passthru|proc_open|popen|exec)\s*\(|`\s*\$_(?:GET|POST|REQUEST|COOKIE)|\bgetRuntime\(\)\.exec\s*\(/;

const LISTENER_TOOL_RE = /\bopenssl\s+s_server\b|\bpwncat\b[^;|&\n]*\s-[a-zA-Z]*l|\bpowercat\b[^;|&\n]*\s-l\b|\bmsfconsole\b|multi\/handler|\bhoaxshell\b|\brcat\s+listen\b/;

const BASE64_RUN_RE = /[A-Za-z0-9+/]{24,}={0,2}/g;

/** Whether program text opens an outbound connection and whether it runs commands. */
export function scriptNetworkExec(text: string): { connects: boolean; execs: boolean } {
  return {
    connects: SCRIPT_CONNECT_STRONG_RE.test(text) || (SCRIPT_CONNECT_WEAK_RE.test(text) && SCRIPT_SOCKET_CONTEXT_RE.test(text)),
    execs: SCRIPT_EXEC_RE.test(text) || BACKTICK_EXEC_RE.test(text),
  };
}

function unwrapShellC(text: string): string {
  const m = SHELL_C_WRAPPER_RE.exec(text);
  if (!m) return text;
  return text.slice(m[0].length).replace(/^(['"])([\s\S]*)\1\s*$/, '$2');
}

/** `/dev/tcp` reverse shell: the socket is both stdin and stdout of a shell (or a `while read` loop). */
function devTcpReverse(raw: string): boolean {
  if (!DEV_TCP_RE.test(raw)) return false;
  const text = unwrapShellC(raw);
  const sockFds = new Set<string>();
  for (const m of text.matchAll(/(\d{1,4})\s*<?>\s*\/dev\/(?:tcp|udp)\//g)) {
    if (m[1] && sockFds.size < 16) sockFds.add(m[1]);
  }
  const fdAlt = sockFds.size > 0 ? [...sockFds].join('|') : 'NONE';
  const stdoutAll = /[&]?>&?\s*\/dev\/(?:tcp|udp)\//.test(text) && />&\s*\/dev\/|&>\s*\/dev\//.test(text);
  const stdout =
    stdoutAll ||
    /(?:^|[^0-9<])1?>\s*\/dev\/(?:tcp|udp)\//.test(text) ||
    new RegExp(`(?:^|[^0-9])(?:1|2)?>&\\s*(?:${fdAlt})\\b`).test(text) ||
    /\$REPLY/.test(text);
  const stdin =
    (stdoutAll && /0\s*>&\s*1|0\s*<&\s*1/.test(text)) ||
    /(?:^|\s)0?<\s*\/dev\/(?:tcp|udp)\//.test(text) ||
    /0<>\s*\/dev\/(?:tcp|udp)\//.test(text) ||
    new RegExp(`(?:^|[^0-9>])0?<&\\s*(?:${fdAlt})\\b`).test(text);
  const drivesShell = SHELL_WORD_RE.test(text) || /\bwhile\s+read\b/.test(text);
  return stdin && stdout && drivesShell;
}

interface NetcatUse {
  listen: boolean;
  exec: boolean;
}

function netcatUses(text: string): NetcatUse[] {
  const uses: NetcatUse[] = [];
  for (const m of text.matchAll(NETCAT_RE)) {
    const tokens = (m[1] ?? '').trim().split(/\s+/);
    uses.push({
      listen: tokens.some((t) => /^-[a-zA-Z]*l[a-zA-Z]*$/.test(t) || t === '--listen'),
      exec: tokens.some((t) => /^-[a-zA-Z]*[ec]$/.test(t) || /^--(?:exec|sh-exec|lua-exec)\b/.test(t)),
    });
  }
  return uses;
}

function analyzeText(text: string, depth: number): CommandLineAnalysis {
  const features: string[] = [];
  let reverse: 1 | 2 | 3 | null = null;
  let bind = false;
  let listener = false;
  const markReverse = (feature: string, cls: 1 | 2 | 3): void => {
    features.push(feature);
    if (reverse === null || cls < reverse) reverse = cls;
  };

  if (devTcpReverse(text)) markReverse('dev-tcp-stdio', 1);

  const nc = netcatUses(text);
  if (nc.some((u) => u.exec && !u.listen)) markReverse('netcat-exec', 1);
  if (nc.some((u) => u.exec && u.listen)) {
    bind = true;
    features.push('netcat-listen-exec');
  }
  const ncListen = nc.some((u) => u.listen && !u.exec);
  const netClient =
    nc.some((u) => !u.listen) || TELNET_CLIENT_RE.test(text) || OPENSSL_CLIENT_RE.test(text) || CURL_TELNET_RE.test(text);
  const pipesShell = PIPE_TO_SHELL_RE.test(text) || SHELL_TO_PIPE_RE.test(text);
  const fifo = FIFO_RE.test(text);
  if (netClient && (fifo || pipesShell || (CURL_TELNET_RE.test(text) && text.includes('|')))) {
    markReverse(fifo ? 'fifo-relay' : 'pipe-relay', 2);
  } else if (ncListen && (fifo || pipesShell)) {
    bind = true;
    features.push('netcat-listen-pipe-shell');
  } else if (ncListen) {
    listener = true;
    features.push('netcat-listen');
  }

  if (SOCAT_RE.test(text)) {
    const exec = SOCAT_EXEC_RE.test(text);
    if (SOCAT_LISTEN_RE.test(text)) {
      if (exec) bind = true;
      else listener = true;
      features.push(exec ? 'socat-listen-exec' : 'socat-listen');
    } else if (SOCAT_CONNECT_RE.test(text) && exec) {
      markReverse('socat-connect-exec', 2);
    }
  }

  if (/\brcat\s+connect\b[^;|&\n]*\s-s\b/.test(text)) markReverse('rustcat-connect-shell', 2);
  if (/\bztcp\s+(?!-l)[^\s;|&-][^\s;|&]*\s+\d+/.test(text)) markReverse('zsh-ztcp', 1);

  const awk = AWK_INET_RE.exec(text);
  if (awk) {
    if (awk[2] === '0' && awk[3] === '0') listener = true;
    else markReverse('awk-inet', 3);
  }

  const { connects, execs } = scriptNetworkExec(text);
  if (connects && execs) markReverse('script-socket-exec', 3);
  else if (execs && SCRIPT_SOCKET_CONTEXT_RE.test(text) && SCRIPT_SERVE_RE.test(text)) {
    bind = true;
    features.push('script-listen-exec');
  }

  let web = false;
  if (WEB_INPUT_RE.test(text) && WEB_EXEC_RE.test(text)) {
    web = true;
    features.push('web-input-exec');
  }

  if (LISTENER_TOOL_RE.test(text)) {
    listener = true;
    features.push('listener-tool');
  }

  if (depth < MAX_DECODE_DEPTH) {
    for (const m of text.matchAll(BASE64_RUN_RE)) {
      const decoded = decodeBase64Text(m[0]);
      if (decoded === null) continue;
      const inner = analyzeText(decoded, depth + 1);
      if (inner.verdict === 'reverse-shell' && inner.suggestedClass !== null) {
        markReverse('base64-payload', inner.suggestedClass);
        features.push(...inner.features.map((f) => `base64:${f}`));
      } else if (inner.verdict === 'bind-shell') {
        bind = true;
        features.push('base64-payload', ...inner.features.map((f) => `base64:${f}`));
      }
    }
  }

  const cls: 1 | 2 | 3 | null = reverse;
  if (cls !== null) return { verdict: 'reverse-shell', flagged: true, features, suggestedClass: cls };
  if (bind) return { verdict: 'bind-shell', flagged: true, features, suggestedClass: null };
  if (web) return { verdict: 'web-command-exec', flagged: true, features, suggestedClass: 3 };
  if (listener) return { verdict: 'listener', flagged: false, features, suggestedClass: null };
  return { verdict: 'benign', flagged: false, features, suggestedClass: null };
}

/** Decode a base64 run when it yields mostly printable text (UTF-8 or UTF-16LE as PowerShell -enc uses). */
function decodeBase64Text(run: string): string | null {
  const buf = Buffer.from(run, 'base64');
  if (buf.length < 16) return null;
  const printable = (s: string): boolean => {
    let ok = 0;
    for (const ch of s) if (/[\x20-\x7e\t\r\n]/.test(ch)) ok++;
    return ok / Math.max(1, s.length) > 0.9;
  };
  const utf8 = buf.toString('utf8');
  if (printable(utf8)) return utf8;
  const utf16 = buf.toString('utf16le');
  return printable(utf16) ? utf16 : null;
}

/**
 * Analyze one command line. An argv array is joined with spaces (arguments keep their quoting
 * only as far as the kernel passed them, which is enough for the feature patterns used here).
 */
export function analyzeCommandLine(input: readonly string[] | string): CommandLineAnalysis {
  const text = (typeof input === 'string' ? input : input.join(' ')).slice(0, MAX_TEXT);
  return analyzeText(text, 0);
}

/**
 * `analyzeCommandLine` memoised on the argv array: an incremental /proc reader hands the same
 * array for an unchanged process on every pass, so the regex work is done once per program.
 */
const analyses = new WeakMap<readonly string[], CommandLineAnalysis>();
export function analyzeArgvCached(argv: readonly string[]): CommandLineAnalysis {
  let a = analyses.get(argv);
  if (!a) {
    a = analyzeCommandLine(argv);
    analyses.set(argv, a);
  }
  return a;
}
