/**
 * The OSV ecosystem of a host, from what the asset store keeps of its OS: PRETTY_NAME of
 * /etc/os-release ("AlmaLinux 9.4 (Seafoam Ocelot)", "Debian GNU/Linux 12 (bookworm)",
 * "Ubuntu 22.04.4 LTS", "Alpine Linux v3.19", "Rocky Linux 9.3 (Blue Onyx)").
 */
const RULES: ReadonlyArray<{ re: RegExp; eco: (m: RegExpExecArray) => string }> = [
  { re: /^AlmaLinux\s+(\d+)/i, eco: (m) => `AlmaLinux:${m[1]}` },
  { re: /^Rocky\s+Linux\s+(\d+)/i, eco: (m) => `Rocky Linux:${m[1]}` },
  { re: /^Debian\s+GNU\/Linux\s+(\d+)/i, eco: (m) => `Debian:${m[1]}` },
  { re: /^Ubuntu\s+(\d+\.\d+)/i, eco: (m) => `Ubuntu:${m[1]}` },
  { re: /^Alpine\s+Linux\s+v(\d+\.\d+)/i, eco: (m) => `Alpine:v${m[1]}` },
];

export function ecosystemOfOsName(osName: string): string | undefined {
  const name = osName.trim();
  for (const r of RULES) {
    const m = r.re.exec(name);
    if (m) return r.eco(m);
  }
  return undefined;
}

/** Package managers whose packages are OS packages matched against the host's OS ecosystem. */
export const OS_PACKAGE_SOURCES = ['dpkg', 'rpm', 'apk'] as const;
