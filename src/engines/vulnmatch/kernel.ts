/**
 * Kernel packages are judged against the running kernel (`uname -r`), not against whatever kernel
 * happens to be installed: several kernels sit side by side, and an upgraded one only counts after
 * a reboot.
 */
import type { VersionScheme } from './ecosystem.js';
import { parseRpmEvr } from './rpm-version.js';

export interface KernelPackageRef {
  name: string;
  version: string;
  arch?: string;
}

export interface KernelTie {
  /** Packages of one kind replace each other across kernel versions: "linux-image", "kernel-core", "linux-lts". */
  kind: string;
  /** The `uname -r` this package belongs to; undefined for metapackages such as linux-image-amd64. */
  release?: string;
}

const DEB_KERNEL_RE = /^linux-(image|modules|headers)-(?:unsigned-|extra-)?(.+)$/;
// kernel, kernel-core, kernel-rt-64k-debug-modules-extra, kernel-devel, ... (one set per installed kernel)
const RPM_KERNEL_RE =
  /^kernel(?:-(?:rt|64k|debug|uek|lt|ml|zfcpdump))*(?:-(?:core|modules|modules-core|modules-extra|devel|devel-matched|uki-virt))?$/;
const APK_KERNEL_RE = /^linux-(lts|virt|edge|rpi|rpi2|rpi4|stable)$/;
const RPM_ARCH_RE = /\.(x86_64|aarch64|ppc64le|s390x|i686|armv7hl|noarch)$/;

function rpmVersionRelease(version: string): string {
  const evr = parseRpmEvr(version);
  return evr.release !== undefined ? `${evr.version}-${evr.release}` : evr.version;
}

/** Whether a package is a kernel package tied to one kernel release, and which. */
export function kernelTie(scheme: VersionScheme, pkg: KernelPackageRef): KernelTie | undefined {
  if (scheme === 'dpkg') {
    const m = DEB_KERNEL_RE.exec(pkg.name);
    if (!m) return undefined;
    const rest = m[2] ?? '';
    return /^\d/.test(rest) ? { kind: `linux-${m[1]}`, release: rest } : { kind: `linux-${m[1]}` };
  }
  if (scheme === 'rpm') {
    if (!RPM_KERNEL_RE.test(pkg.name)) return undefined;
    const vr = rpmVersionRelease(pkg.version);
    return { kind: pkg.name, release: pkg.arch ? `${vr}.${pkg.arch}` : vr };
  }
  if (scheme === 'apk') {
    const m = APK_KERNEL_RE.exec(pkg.name);
    if (!m) return undefined;
    // linux-lts 6.6.14-r0 boots as 6.6.14-0-lts.
    const r = /^(.*)-r(\d+)$/.exec(pkg.version);
    return { kind: pkg.name, release: r ? `${r[1]}-${r[2]}-${m[1]}` : `${pkg.version}-0-${m[1]}` };
  }
  return undefined;
}

/** `uname -r` without a variant suffix such as "+debug" or "+rt". */
export function normalizeKernelRelease(release: string): string {
  return release.trim().replace(/\+.*$/, '');
}

export function isRunningKernel(scheme: VersionScheme, tie: KernelTie, kernelRelease: string): boolean {
  if (tie.release === undefined) return false;
  const running = normalizeKernelRelease(kernelRelease);
  if (tie.release === running) return true;
  // An rpm inventory without arch still matches "5.14.0-427.el9.x86_64".
  return scheme === 'rpm' && !RPM_ARCH_RE.test(tie.release) && tie.release === running.replace(RPM_ARCH_RE, '');
}

/**
 * The package version of the running kernel, derived from `uname -r`, for when that kernel's package
 * is no longer installed (Alpine replaces it in place). Debian's release names an ABI, not a version.
 */
export function runningKernelVersion(scheme: VersionScheme, tie: KernelTie, kernelRelease: string): string | undefined {
  const running = normalizeKernelRelease(kernelRelease);
  if (scheme === 'rpm') return running.replace(RPM_ARCH_RE, '');
  if (scheme === 'apk') {
    const m = /^(.*)-(\d+)-([a-z0-9]+)$/.exec(running);
    return m && tie.kind === `linux-${m[3]}` ? `${m[1]}-r${m[2]}` : undefined;
  }
  return undefined;
}
