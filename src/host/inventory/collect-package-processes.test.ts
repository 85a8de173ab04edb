import { describe, expect, it } from 'vitest';
import { mappedPaths, packageOfList, pathAliases } from './collect-package-processes.js';

describe('related-process helpers', () => {
  it('reads file-backed mappings, strips " (deleted)" and skips anonymous and special ones', () => {
    const maps = [
      '55d0c0a00000-55d0c0a28000 r--p 00000000 fe:00 12 /usr/bin/bash',
      '7f33486b2000-7f33486d8000 r--p 00000000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6',
      '7f33486d8000-7f334882e000 r-xp 00026000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6',
      '7f3348900000-7f3348901000 r--p 00000000 fe:00 4242 /usr/lib/x86_64-linux-gnu/libssl.so.3 (deleted)',
      '7ffc1c5d1000-7ffc1c5f2000 rw-p 00000000 00:00 0                          [stack]',
      '7f0000000000-7f0000001000 rw-s 00000000 00:01 7 /memfd:wayland (deleted)',
      '7f0000002000-7f0000003000 rw-s 00000000 00:05 8 /dev/zero (deleted)',
      '7f0000004000-7f0000005000 rw-p 00000000 00:00 0 ',
    ].join('\n');
    expect(mappedPaths(maps)).toEqual(['/usr/bin/bash', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libssl.so.3']);
  });

  it('knows both names of a file on merged-/usr systems', () => {
    expect(pathAliases('/usr/lib/x86_64-linux-gnu/libc.so.6')).toEqual(['/usr/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6']);
    expect(pathAliases('/lib64/ld-linux-x86-64.so.2')).toEqual(['/lib64/ld-linux-x86-64.so.2', '/usr/lib64/ld-linux-x86-64.so.2']);
    expect(pathAliases('/opt/app/lib.so')).toEqual(['/opt/app/lib.so']);
  });

  it('takes the package name from a dpkg list file name', () => {
    expect(packageOfList('libc6:amd64.list')).toBe('libc6');
    expect(packageOfList('bash.list')).toBe('bash');
    expect(packageOfList('bash.md5sums')).toBeUndefined();
  });
});
