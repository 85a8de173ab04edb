import type { ProcessInfo } from '../../host/procfs/snapshot-types.js';

/** Command interpreters an attacker can drive interactively. Includes Windows names rendered by templates. */
export const SHELL_NAMES = new Set([
  'sh', 'bash', 'dash', 'zsh', 'ksh', 'ksh93', 'mksh', 'pdksh', 'oksh', 'lksh', 'ash', 'bsh', 'csh', 'tcsh',
  'fish', 'rbash', 'yash', 'posh', 'elvish', 'nu', 'xonsh', 'busybox-sh',
]);

/** Script interpreters used for class-3 reverse shells. */
const INTERPRETER_RE = /^(python[\d.]*|pypy[\d.]*|perl[\d.]*|ruby[\d.]*|lua[\d.]*|luajit|php[\d.]*|php-cgi[\d.]*|node|nodejs|deno|bun|g?awk|mawk|nawk|tclsh[\d.]*|pwsh|crystal|java)$/;

/** Tools whose job is to copy bytes between a network connection and a local stream. */
const RELAY_RE = /^(nc|ncat|netcat|nc\.openbsd|nc\.traditional|socat|openssl|telnet|curl|rcat|rustcat|cryptcat|pwncat|sbd|busybox|ssl?cat|stunnel\d*|gs-netcat)$/;

/**
 * Processes that legitimately hold a pty master (or relay a terminal) for a remote user:
 * they are neither relays nor hops. Matched on the executable's basename when /proc/<pid>/exe is
 * readable (so renaming comm does not buy an exclusion), else on comm.
 */
const TERMINAL_SERVICE_RE = /^(sshd|sshd-session|sshd-auth|dropbear|mosh-server|tmux.*|screen|SCREEN|containerd-shim.*|runc|crun|conmon|docker-init|tini|login|agetty|getty|in\.telnetd|telnetd|systemd|init)$/;

/** Executable directories that a terminal-service exclusion is trusted from. */
const SYSTEM_EXE_RE = /^\/(usr\/)?(s?bin|lib|lib64|libexec|local\/s?bin)\//;

/**
 * Whether a freshly exec'd command (its comm, 15 chars max) is one the reverse-shell engine cares
 * about: a shell, an interpreter or a relay tool. Used to trigger a scan on exec events.
 */
export function isWatchedCommand(comm: string): boolean {
  return SHELL_NAMES.has(comm) || INTERPRETER_RE.test(comm) || RELAY_RE.test(comm);
}

function baseName(p: string): string {
  const clean = p.replace(/ \(deleted\)$/, '');
  return clean.slice(clean.lastIndexOf('/') + 1);
}

/** Names a process is known by: comm, exe basename, argv[0] basename (login shells drop the `-`). */
export function processNames(p: ProcessInfo): string[] {
  const names = [p.comm];
  if (p.exe) names.push(baseName(p.exe));
  const argv0 = p.cmdline[0];
  if (argv0) names.push(baseName(argv0.split(' ')[0] ?? '').replace(/^-/, ''));
  return names;
}

function isBusyboxApplet(p: ProcessInfo, applet: RegExp): boolean {
  const names = processNames(p);
  if (!names.includes('busybox')) return false;
  const first = p.cmdline[0] ? baseName(p.cmdline[0]) : '';
  return applet.test(first) || applet.test(p.cmdline[1] ?? '');
}

export function isShell(p: ProcessInfo): boolean {
  if (SHELL_NAMES.has(p.comm)) return true;
  if (p.exe && SHELL_NAMES.has(baseName(p.exe))) return true;
  return isBusyboxApplet(p, /^(sh|ash|hush|bash)$/);
}

export function isInterpreter(p: ProcessInfo): boolean {
  if (INTERPRETER_RE.test(p.comm)) return true;
  if (p.exe && INTERPRETER_RE.test(baseName(p.exe))) return true;
  return isBusyboxApplet(p, /^awk$/);
}

export function isRelayTool(p: ProcessInfo): boolean {
  return RELAY_RE.test(p.comm) || (p.exe !== undefined && RELAY_RE.test(baseName(p.exe)));
}

export function isTerminalService(p: ProcessInfo, extraNames: ReadonlySet<string>): boolean {
  if (extraNames.has(p.comm)) return true;
  if (p.exe) {
    const exePath = p.exe.replace(/ \(deleted\)$/, '');
    return TERMINAL_SERVICE_RE.test(baseName(exePath)) && SYSTEM_EXE_RE.test(exePath);
  }
  return TERMINAL_SERVICE_RE.test(p.comm);
}

/**
 * Whether a shell reads its commands from stdin (interactive or `-s`), as opposed to running a
 * `-c` string or a script file. Only the former can be driven by whoever feeds its stdin.
 */
export function shellReadsStdin(argv: readonly string[]): boolean {
  let args = argv.slice(1);
  if (argv[0] && baseName(argv[0]) === 'busybox') args = args.slice(1);
  let interactiveOrStdin = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') return interactiveOrStdin || i + 1 >= args.length;
    if (a === '-c' || (/^[-+][a-zA-Z]+$/.test(a) && a.includes('c') && a.startsWith('-'))) return false;
    if (a === '-o' || a === '+o' || a === '-O' || a === '+O' || a === '--rcfile' || a === '--init-file') {
      i++;
      continue;
    }
    if (/^-[a-zA-Z]*[is][a-zA-Z]*$/.test(a)) interactiveOrStdin = true;
    if (a.startsWith('-') || a.startsWith('+')) continue;
    // First operand is a script file unless -s/-i said commands come from stdin.
    return interactiveOrStdin;
  }
  return true;
}
