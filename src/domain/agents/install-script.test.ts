import { describe, expect, it } from 'vitest';
import { installScript, refusalScript, safeServerUrl } from './install-script.js';

describe('install script', () => {
  it('only takes a plain host[:port] from the Host header (it ends up inside a shell script)', () => {
    expect(safeServerUrl('http', '127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(safeServerUrl('https', 'vigil.example.com')).toBe('https://vigil.example.com');
    expect(safeServerUrl('https', '[::1]:8443')).toBe('https://[::1]:8443');
    for (const bad of ["x';rm -rf /;'", 'a b', 'host$(id)', 'h`id`', undefined, '']) expect(safeServerUrl('http', bad)).toBeNull();
  });

  it('quotes the values and switches image mode', () => {
    const s = installScript({ serverUrl: 'http://h:1', code: 'AbC123', onlyImage: true });
    expect(s).toContain("VIGIL_SERVER='http://h:1'");
    expect(s).toContain("VIGIL_CODE='AbC123'");
    expect(s).toContain('VIGIL_IMAGE_MODE=1');
    expect(installScript({ serverUrl: 'http://h:1', code: 'x', onlyImage: false })).toContain('VIGIL_IMAGE_MODE=0');
  });

  it('a refusal script cannot be broken out of by the reason text', () => {
    expect(refusalScript("it's over $(id)\n")).toBe("#!/usr/bin/env bash\necho 'vigil-install: it’s over $(id)?' >&2\nexit 1\n");
  });
});
