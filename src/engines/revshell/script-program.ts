/**
 * Script files run by an interpreter: which file argv names, and whether its source is a network
 * command loop (connects out, reads from the connection, runs what it reads through a shell or
 * an exec call). The detector uses this only for an interpreter that holds an outbound connection,
 * so it reads a file for few processes; reading is the caller's (the host adapter's) job.
 */
import type { ProcessInfo } from '../../host/procfs/snapshot-types.js';
import { scriptNetworkExec } from './command-line.js';

/**
 * Largest script analysed. Command loops are small programs (a few hundred bytes to a few KB);
 * a bigger file is an application or a bundle (which contains sockets, exec and reads somewhere
 * in its code) and is never called a command loop. Readers read one byte more to tell.
 */
export const MAX_SCRIPT_BYTES = 64 * 1024;

export interface ScriptProgramAnalysis {
  /** Connects out, reads from the connection and runs commands. */
  commandLoop: boolean;
  features: string[];
}

/** Per interpreter: how its argv names inline code, option values and the script file. */
interface InterpreterArgs {
  /** Options that take the next argv element as their value. */
  withValue: RegExp;
  /** Options that carry their value attached (`-MIO`, `-rsocket`, `-Wignore`): skipped whole. */
  attached?: RegExp;
  /** Options whose value (attached or next) is inline program text. */
  inlineCode: RegExp;
  /** An option whose value IS the script file (php -f, awk -f). */
  scriptOption?: RegExp;
  /** The first operand is program text unless a script option came first (awk). */
  firstOperandIsCode?: boolean;
}

const ARGS: Array<[RegExp, InterpreterArgs]> = [
  [/^(python[\d.]*|pypy[\d.]*)$/, { withValue: /^-[WX]$/, attached: /^-[WX]./, inlineCode: /^-[bBdEhiIOPqsSuvx]*[cm]/ }],
  [/^perl[\d.]*$/, { withValue: /^-[IMmx]$/, attached: /^-[IMmxCdD]./, inlineCode: /^-[a-zA-Z0-9]*[eE]$/ }],
  [/^ruby[\d.]*$/, { withValue: /^-[IrCEx]$|^--(?:encoding|external-encoding|internal-encoding)$/, attached: /^-[IrCEx]./, inlineCode: /^-[a-zA-Z]*e$/ }],
  [/^(node|nodejs|deno|bun)$/, { withValue: /^(?:-r|--require|--import|--loader|--experimental-loader|--env-file|--input-type|-C|--conditions)$/, inlineCode: /^(?:-e|-p|--eval|--print|-pe|-ep)$/ }],
  [/^(php[\d.]*|php-cgi[\d.]*)$/, { withValue: /^-[cdzt]$/, inlineCode: /^-[rBRFE]$/, scriptOption: /^-f$/ }],
  [/^(lua[\d.]*|luajit)$/, { withValue: /^-l$/, inlineCode: /^-e$/ }],
  [/^(g?awk|mawk|nawk)$/, { withValue: /^-[vF]$/, inlineCode: /^(?!)/, scriptOption: /^-f$/, firstOperandIsCode: true }],
];

function interpreterArgs(name: string): InterpreterArgs | null {
  for (const [re, args] of ARGS) if (re.test(name)) return args;
  return null;
}

/**
 * The script file an interpreter runs, from its argv (argv[0] is the interpreter; `names` are the
 * names the process is known by, e.g. comm and exe basename). Null for inline code (`-c`, `-e`,
 * `-r`), modules (`python -m`), stdin (`-`) and interpreters it does not know.
 */
export function scriptOperand(argv: readonly string[], names: readonly string[]): string | null {
  const args = names.map(interpreterArgs).find((a) => a !== null) ?? null;
  if (!args) return null;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') return args.firstOperandIsCode ? null : (argv[i + 1] ?? null);
    if (args.scriptOption?.test(a)) return argv[i + 1] ?? null;
    if (args.attached?.test(a)) continue;
    if (args.inlineCode.test(a)) return null;
    if (args.withValue.test(a)) {
      i++;
      continue;
    }
    if (a === '-') return null;
    if (a.startsWith('-')) continue;
    return args.firstOperandIsCode ? null : a;
  }
  return null;
}

/** Reading data from a connection, in the languages interpreters run. */
const READS_RE = new RegExp(
  [
    String.raw`\.recv(?:_into|from)?\s*\(`, // python, ruby, lua (socket.recv)
    String.raw`\.makefile\s*\(`, // python
    String.raw`\.readlines?\s*\(`, // python file objects, node readline
    String.raw`\.read1?\s*\(`,
    String.raw`\.gets\b`, // ruby
    String.raw`\.readpartial\b|\.each_line\b|\.read_nonblock\b`, // ruby
    String.raw`\bsysread\s*\(|\brecv\s*\(|<\s*\$\w+\s*>|<\s*STDIN\s*>`, // perl
    String.raw`\bfgets\s*\(|\bfread\s*\(|\bsocket_read\s*\(|\bstream_get_line\s*\(|\bstream_get_contents\s*\(`, // php
    String.raw`\.on\s*\(\s*['"]data['"]|\.once\s*\(\s*['"]data['"]|\.pipe\s*\(|\bfor\s+await\b|createInterface\s*\(`, // node
    String.raw`:receive\s*\(`, // lua
    String.raw`\bwhile\s*<>`, // perl readline on STDIN after fdopen
  ].join('|'),
);

/** Explicit client-socket APIs (the analyzer's strong set plus Python's socket.socket / tuple connect, Perl's IO::Socket). */
const SOCKET_API_RE =
  /\bsocket\.socket\s*\(|\.connect\s*\(\s*\(|\bcreate_connection\s*\(|\bTCPSocket\.(?:new|open)\b|\bSocket\.tcp\s*\(|\bIO::Socket::INET\b|\bPeerAddr\b|\bfsockopen\s*\(|\bstream_socket_client\s*\(|\bsocket_connect\s*\(|\bnet\.(?:connect|createConnection)\s*\(|\bnew\s+net\.Socket\b|\bsocket\.(?:connect|tcp)\s*\(/;

const HANDS_OVER_RE =
  /\bdup2?\s*\(|\bpty\.spawn\b|\bfdopen\s*\(|\bopen\s*\(\s*STD(?:IN|OUT|ERR)\s*,\s*["']?[<>+]*&|<&\s*\d|>&\s*[3-9]|\bproc_open\s*\([^;]*\[\s*\$\w+\s*,|\[\s*:in\s*,\s*:out|:in\s*=>/;

/** Backticks or qx around an interpolated variable (Perl, Ruby, PHP), Ruby's %x(). */
const INTERPOLATED_EXEC_RE = /`[^`\n]*(?:\$\w+|\$_|#\{)[^`\n]*`|\bqx\s*[({[/]|%x[({[]/;

/**
 * Whether script source is a network command loop: it connects out, runs commands, and reads from
 * the connection (or hands the socket to a shell with dup2/pty.spawn); a program that only
 * downloads, or only runs commands, is not one. `script-opens-socket` marks an explicit socket
 * API (socket.socket, create_connection, TCPSocket, fsockopen, net.connect …) rather than any
 * `connect(` near the word socket.
 */
export function analyzeScriptProgram(source: string): ScriptProgramAnalysis {
  if (Buffer.byteLength(source) > MAX_SCRIPT_BYTES) return { commandLoop: false, features: ['script-too-large'] };
  const text = source;
  const { connects, execs: directExec } = scriptNetworkExec(text);
  // In a file, commands run from variables: Perl/Ruby backticks around `$_`/`#{…}`, qx//, %x().
  const execs = directExec || INTERPOLATED_EXEC_RE.test(text);
  const reads = READS_RE.test(text);
  // Programs that hand the socket to the shell need no read loop of their own: dup2, pty.spawn,
  // fdopen, Perl's open(STDIN, ">&S"), a shell command reading from an fd (`sh <&3 >&3 2>&3`; not
  // the everyday `2>&1`), proc_open / Ruby spawn with the socket as the child's stdio.
  const handsOver = HANDS_OVER_RE.test(text);
  const features = [
    ...(connects ? ['script-connects'] : []),
    ...(connects && SOCKET_API_RE.test(text) ? ['script-opens-socket'] : []),
    ...(execs ? ['script-execs'] : []),
    ...(reads ? ['script-reads-connection'] : []),
    ...(handsOver ? ['script-hands-socket-to-shell'] : []),
  ];
  return { commandLoop: connects && execs && (reads || handsOver), features };
}

const MAX_MEMO = 512;

/**
 * A detector `analyzeScript` option over a reader of script files, memoised on (pid, start time,
 * path) so a long-running interpreter's file is read and analysed once; only the small analysis
 * is kept, never the source.
 */
export function memoScriptAnalysis(read: (p: ProcessInfo, script: string) => string | null): (p: ProcessInfo, script: string) => ScriptProgramAnalysis | null {
  const memo = new Map<string, ScriptProgramAnalysis | null>();
  return (p, script) => {
    const key = `${p.pid}:${p.startTime}:${script}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const source = read(p, script);
    const analysis = source === null ? null : analyzeScriptProgram(source);
    // Insertion order: the oldest entries belong to processes long gone.
    if (memo.size >= MAX_MEMO) memo.delete(memo.keys().next().value as string);
    memo.set(key, analysis);
    return analysis;
  };
}
