// Loads the benchmark build of the wasm package (pkg-bench/: cargo feature `bench`, which the
// page's pkg/ leaves out) and exposes the engine's benchmarks (`bench` in src/wasm.rs) to the
// driver (run.mjs), which calls window.imapBench.* through playwright.
import init, { bench, Sandbox } from '/pkg-bench/imap_sandbox.js';
import { lines } from '/engine.js';

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
  // Issue 14's rows through the page's own API: `Sandbox.send`, then the page's `lines()`
  // (www/engine.js), timed from the call to the lines in hand and the tagged reply read (with
  // `every`, each line's text read as well: what the lazy list saves, shown beside it).
  // `rounds` fresh worlds of `messages` synthetic messages (every tenth \Deleted), 3 sessions
  // selected, the third acting;
  // a second world per round for SEARCH BODY's first run (the first SEARCH parses every
  // message's MIME structure, which the next one reuses). Returns { label: [ms per round] }.
  boundary(messages, rounds) {
    const sandbox = new Sandbox();
    const times = {};
    const send = (client, command, label, every = false) => {
      const t = performance.now();
      const out = lines(sandbox.send(client, `b ${command}\r\n`));
      if (every) {
        let units = 0;
        for (const l of out) units += l.text.length;
        if (units === 0) throw new Error(`${command}: no text`);
      }
      // The tagged reply is the acting client's last line: found from the end, as the list
      // builds a line when it is looked at.
      let tagged;
      for (let i = out.length - 1; i >= 0 && !tagged; i -= 1) {
        const l = out.at(i);
        if (l.client === client && l.kind === 'tagged') tagged = l;
      }
      const ms = performance.now() - t;
      if (!tagged || tagged.status !== 'OK') throw new Error(`${command}: ${tagged ? tagged.text : 'no reply'}`);
      if (label) (times[label] ||= []).push(ms);
    };
    const world = () => {
      sandbox.benchWorld(messages);
      const clients = [0, 1, 2].map(() => sandbox.connect());
      sandbox.take();
      clients.forEach((c, i) => {
        const user = ['alice', 'bob', 'carol'][i];
        send(c, `LOGIN ${user} ${user}`);
        send(c, 'SELECT BENCH');
      });
      return clients;
    };
    for (let r = 0; r < rounds; r += 1) {
      const searcher = world()[2];
      send(searcher, 'SEARCH TEXT needle', 'SEARCH TEXT (first)');
      send(searcher, 'SEARCH TEXT needle', 'SEARCH TEXT (repeated)');
      const [s1, s2, actor] = world();
      send(actor, 'SEARCH BODY needle', 'SEARCH BODY (first)');
      send(actor, 'SEARCH BODY needle', 'SEARCH BODY (repeated)');
      send(actor, 'FETCH 1:* (FLAGS)', 'FETCH 1:* (FLAGS)');
      send(actor, 'FETCH 1:* (FLAGS)', 'FETCH 1:* (FLAGS), again, every line\'s text read', true);
      send(actor, 'STORE 1:* +FLAGS (\\Flagged)', 'STORE 1:* +FLAGS (\\Flagged)');
      send(s1, 'NOOP', 'NOOP of session 1 after the STORE');
      send(s2, 'NOOP', 'NOOP of session 2 after the STORE');
      send(actor, 'EXPUNGE', 'EXPUNGE (10%)');
      send(s1, 'NOOP', 'NOOP of session 1 after the EXPUNGE');
      send(s2, 'NOOP', 'NOOP of session 2 after the EXPUNGE');
    }
    sandbox.free();
    return times;
  },
  // The hostile 64 KB lines on 20,000 messages, and the wasm memory afterwards (it never
  // shrinks, so it is the peak of the whole run).
  hostile() {
    const steps = bench('hostile', 0, 1);
    return { steps, memoryBytes: wasm.memory.buffer.byteLength };
  },
};
document.body.dataset.ready = 'true';
