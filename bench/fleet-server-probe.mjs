// Loaded into the Vigil server by bench/agent-fleet.ts (`node --import ./bench/fleet-server-probe.mjs
// bin/vigil.js server …`): measures the server's event-loop delay over the bench's steady window and,
// with FLEET_PROBE_CPU=1, takes a V8 CPU profile of that window. The bench sends SIGUSR2 at the start
// and at the end of the window; at the end the probe writes FLEET_PROBE_DIR/probe.json (and
// server.cpuprofile, openable in Chrome DevTools or summarised by bench/fleet-profile-top.mjs).
// Plain JS (the server runs from dist/ without a TypeScript loader).
import process from 'node:process';
import console from 'node:console';
import { setInterval } from 'node:timers';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const dir = process.env.FLEET_PROBE_DIR;
const withCpu = process.env.FLEET_PROBE_CPU === '1';

if (dir) {
  const hist = monitorEventLoopDelay({ resolution: 5 });
  /** Timer ticks every TICK ms; a tick later than that by more than STALL ms is a stall (an event-loop block). */
  const TICK = 20;
  const STALL = 30;
  const stalls = [];
  let on = false;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - TICK;
    if (on && late > STALL) stalls.push(Math.round(late));
    last = now;
  }, TICK).unref();

  let session = null;
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));

  process.on('SIGUSR2', () => {
    if (!on) {
      on = true;
      stalls.length = 0;
      hist.reset();
      hist.enable();
      if (withCpu) {
        session = new Session();
        session.connect();
        void post('Profiler.enable')
          .then(() => post('Profiler.setSamplingInterval', { interval: 500 }))
          .then(() => post('Profiler.start'))
          .catch((err) => console.error(`probe: profiler start failed: ${err}`));
      }
      return;
    }
    on = false;
    hist.disable();
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    stalls.sort((a, b) => a - b);
    const out = {
      eventLoopDelayMs: { p50: ms(hist.percentile(50)), p99: ms(hist.percentile(99)), max: ms(hist.max), mean: ms(hist.mean) },
      stalls: { count: stalls.length, over100: stalls.filter((s) => s > 100).length, over200: stalls.filter((s) => s > 200).length, top: stalls.slice(-10).reverse() },
    };
    const finish = () => writeFileSync(join(dir, 'probe.json'), JSON.stringify(out, null, 2));
    if (!session) return finish();
    void post('Profiler.stop')
      .then((r) => writeFileSync(join(dir, 'server.cpuprofile'), JSON.stringify(r.profile)))
      .catch((err) => console.error(`probe: profiler stop failed: ${err}`))
      .finally(() => {
        session.disconnect();
        session = null;
        finish();
      });
  });
}
