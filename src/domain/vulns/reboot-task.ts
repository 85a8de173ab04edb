/** Agent task kind of RebootMachine (server queues it, src/agent/reboot-feature.ts runs it). */
export const REBOOT_TASK_KIND = 'host.reboot';
