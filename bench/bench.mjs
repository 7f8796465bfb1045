// Loads the benchmark build of the wasm package (pkg-bench/: cargo feature `bench`, which the
// page's pkg/ leaves out) and exposes the engine's benchmarks (`bench` in src/wasm.rs) to the
// driver (run.mjs), which calls window.imapBench.* through playwright.
import init, { bench } from '/pkg-bench/imap_sandbox.js';

const wasm = await init();

window.imapBench = {
  // Runs the mixed workload repeatedly for about `budgetMs`; returns commands and seconds.
  workload(iterations, budgetMs) {
    bench('workload', iterations, 3); // warm-up
    let commands = 0;
    const start = performance.now();
    while (performance.now() - start < budgetMs) {
      commands += bench('workload', iterations, 3);
    }
    return { commands, seconds: (performance.now() - start) / 1000 };
  },
  scale(messages, sessions) {
    return bench('scale', messages, sessions);
  },
  // The hostile 64 KB lines on 20,000 messages, and the wasm memory afterwards (it never
  // shrinks, so it is the peak of the whole run).
  hostile() {
    const steps = bench('hostile', 0, 1);
    return { steps, memoryBytes: wasm.memory.buffer.byteLength };
  },
};
document.body.dataset.ready = 'true';
