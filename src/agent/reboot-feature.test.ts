import { describe, expect, it } from 'vitest';
import { rebootCommand } from './reboot-feature.js';

describe('rebootCommand', () => {
  it('uses the host shutdown one minute ahead by default', () => {
    const c = rebootCommand({});
    expect(c[0]).toMatch(/shutdown$|systemctl$/);
    if (c[0]?.endsWith('shutdown')) expect(c.slice(1, 3)).toEqual(['-r', '+1']);
  });
  it('takes a JSON array override and refuses anything else with a clear message', () => {
    expect(rebootCommand({ VIGIL_REBOOT_COMMAND: '["/sbin/shutdown","-r","+5"]' })).toEqual(['/sbin/shutdown', '-r', '+5']);
    for (const bad of ['shutdown -r now', '[]', '[1,2]', '{"a":1}']) expect(() => rebootCommand({ VIGIL_REBOOT_COMMAND: bad })).toThrow(/JSON array of strings/);
  });
});
