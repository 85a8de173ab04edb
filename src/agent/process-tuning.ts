/**
 * How the agent's own processes are started (supervisor restarts, the systemd unit, collection
 * children, the footprint benchmark): V8 flags on the command line and C-library settings in the
 * environment. Measured on the idle agent (bench/README.md "Agent footprint").
 *
 * - `--max-semi-space-size=1`: a 1 MB young generation instead of V8's default 16 MB (153 → 107 MB
 *   RSS with the detectors on, no measurable CPU cost).
 * - `--max-old-space-size=192`: a runaway allocation ends in a restart instead of growing into the
 *   host's memory.
 * - `--v8-pool-size=1`: one V8 worker thread instead of one per core; the idle agent's GC and
 *   compile jobs are small, and every thread that allocates gets a C-heap arena of its own.
 * - `--no-opt`: no TurboFan. The agent's JavaScript is short passes over /proc (interpreter and
 *   baseline code are enough; the CPU went unchanged within noise), while the optimizing compiler's
 *   zones, its code and the pages of the node binary it runs from cost ~4 MB of RSS.
 * - `--optimize-for-size`: V8 grows and keeps a smaller heap (old space ~9 instead of ~12 MB here).
 * `--jitless`/`--lite-mode` would save more but disable WebAssembly, which Node's built-in HTTP
 * client (undici) needs: the agent crashed at start with them.
 */
export const AGENT_V8_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=192', '--v8-pool-size=1', '--no-opt', '--optimize-for-size'];

/**
 * `MALLOC_ARENA_MAX=1`: glibc gives each thread that allocates (V8 workers, the libuv pool, koffi's
 * netlink reader) an arena of its own, and memory freed in one is not reused by another; with one
 * arena the idle agent's C heap stays at a few MB instead of 15–30 MB of fragments.
 */
export const AGENT_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };
