// A JavaScript IMAP client's test against the in-page server (README, "Testing a JavaScript
// client in the browser"): the world is arranged with `sandbox.control`, and the client talks
// IMAP over the byte streams of `connectStreams`, as it would over a socket. Needs the wasm
// package built with its default features into pkg-control/:
//   wasm-pack build --dev --target web --out-dir pkg-control --no-pack
// tests/page/run.mjs runs it in Chromium.
import init, { Sandbox, connectStreams } from '../pkg-control/imap_sandbox.js';

export async function example() {
  await init();
  const sandbox = new Sandbox();
  sandbox.control({ verb: 'add_user', name: 'tester', password: 'secret' });
  const { uid } = sandbox.control({
    verb: 'deliver', mailbox: 'INBOX', raw: 'Subject: hello\r\n\r\nfrom the test\r\n',
  });

  const { readable, writable } = connectStreams(sandbox);
  const reader = readable.getReader();
  const writer = writable.getWriter();
  let received = '';
  const until = async (text) => {
    while (!received.includes(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`closed before ${JSON.stringify(text)}:\n${received}`);
      received += new TextDecoder().decode(value);
    }
  };
  const send = (line) => writer.write(new TextEncoder().encode(`${line}\r\n`));

  await until('\r\n'); // the greeting
  await send('a1 LOGIN tester secret');
  await until('a1 OK');
  await send('a2 SELECT INBOX');
  await until('a2 OK');
  await send(`a3 UID FETCH ${uid} BODY[]`);
  await until('a3 OK');
  // Another client flags the message while this one is in IDLE: the server pushes it.
  await send('a4 IDLE');
  await until('+ ');
  sandbox.control({ verb: 'set_flags', mailbox: 'INBOX', uid, change: 'add', flags: ['\\Flagged'] });
  await until('\\Flagged');
  await send('DONE');
  await until('a4 OK');
  await send('a5 LOGOUT');
  await until('a5 OK');
  await writer.close();
  return received;
}
