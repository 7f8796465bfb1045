//! The control API and a stream transport for tests of JavaScript IMAP clients in the browser
//! (cargo feature `js-control`, on by default, off in the page's build):
//!
//! - `sandbox.control({verb, ...})` runs one control verb ([`crate::server::control::Verb`],
//!   the verbs of the native HTTP endpoint) and returns its answer;
//! - `connectStreams(sandbox)` connects a client as a pair of WHATWG streams: a
//!   `ReadableStream` of `Uint8Array` with everything the server sends it (the greeting first;
//!   another client's change as soon as the server sends it), and a `WritableStream` taking the
//!   client's bytes in chunks of any size (the engine's framer reassembles lines and literals).
//!   Closing the writable ends the session as a severed connection does.
//!
//! The streams are a dozen lines of JavaScript (below) over three byte-level methods,
//! `streamOpen`, `streamWrite` and `streamClose`: they need the `Sandbox` object to call back
//! into, which only JavaScript holds. Whatever the server sends a stream's client is routed to
//! its readable by [`Sandbox::take_output`], whichever call produced it.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::Sandbox;
use crate::server::control::{Answer, Verb};
use crate::server::{ClientId, Output, OutputKind};

#[wasm_bindgen(inline_js = r#"
export function streams(sandbox) {
  if (!sandbox || typeof sandbox.streamOpen !== 'function') {
    throw new TypeError('connectStreams(sandbox): not a Sandbox');
  }
  let id = 0;
  const readable = new ReadableStream({
    start(controller) { id = sandbox.streamOpen(controller); },
    cancel() { sandbox.streamClose(id); },
  });
  const writable = new WritableStream({
    write(chunk) { sandbox.streamWrite(id, chunk); },
    close() { sandbox.streamClose(id); },
    abort() { sandbox.streamClose(id); },
  });
  return { readable, writable };
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn streams(sandbox: &JsValue) -> Result<JsValue, JsValue>;

    /// A `ReadableStreamDefaultController` (WHATWG Streams §4.6).
    pub type Controller;
    #[wasm_bindgen(method, catch)]
    fn enqueue(this: &Controller, chunk: &Uint8Array) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn close(this: &Controller) -> Result<(), JsValue>;
}

/// A client connected through `connectStreams`, and the readable its output goes to.
pub(super) struct Link {
    client: ClientId,
    readable: Controller,
}

/// Connects a client to `sandbox` as `{ readable, writable }`: see the module's documentation.
#[wasm_bindgen(
    js_name = connectStreams,
    unchecked_return_type = "{ readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> }"
)]
pub fn connect_streams(
    #[wasm_bindgen(unchecked_param_type = "Sandbox")] sandbox: &JsValue,
) -> Result<JsValue, JsValue> {
    streams(sandbox)
}

#[wasm_bindgen]
impl Sandbox {
    /// Runs one control verb, `{verb: NAME, ...}` with the fields of the native HTTP endpoint's
    /// (README, "Testing a JavaScript client in the browser"), and returns its answer (`{uid}`
    /// for `deliver`, `{expunged}` for `expunge`, `{snapshot}` for `snapshot`, `{}` otherwise).
    /// An unknown verb or a bad argument throws an `Error` saying what is wrong; nothing is
    /// changed then.
    #[wasm_bindgen(
        unchecked_return_type = "{ uid?: number; expunged?: number; snapshot?: Snapshot }"
    )]
    pub fn control(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "{ verb: string; [field: string]: unknown }")]
        request: JsValue,
    ) -> Result<JsValue, JsError> {
        let verb: Verb = serde_wasm_bindgen::from_value(request)
            .map_err(|e| JsError::new(&format!("control: {e}")))?;
        let answer: Answer = self
            .seeded()
            .control(verb)
            .map_err(|e| JsError::new(&format!("control: {e}")))?;
        let out = self.take_output();
        self.held.extend(out);
        Ok(super::to_js(&answer))
    }

    /// For `connectStreams`: connects a client whose output goes to `readable` (the stream's
    /// controller), the greeting at once. Returns the client's id.
    #[wasm_bindgen(js_name = streamOpen)]
    pub fn stream_open(&mut self, readable: Controller) -> u32 {
        let client = self.server.connect();
        self.links.push(Link { client, readable });
        let out = self.take_output();
        self.held.extend(out);
        client.0
    }

    /// For `connectStreams`: bytes the client sent (any part of a command, or several), a
    /// `Uint8Array`.
    #[wasm_bindgen(js_name = streamWrite)]
    pub fn stream_write(&mut self, client: u32, chunk: JsValue) -> Result<(), JsError> {
        let Some(bytes) = chunk.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec) else {
            return Err(JsError::new(
                "connectStreams: the writable takes Uint8Array chunks (encode text with TextEncoder)",
            ));
        };
        let client = ClientId(client);
        if !self.links.iter().any(|l| l.client == client) {
            return Err(JsError::new(
                "the connection is closed: the server ended it, or its stream was closed",
            ));
        }
        self.seeded().receive(client, &bytes);
        let out = self.take_output();
        self.held.extend(out);
        Ok(())
    }

    /// For `connectStreams`: the client closed its writable (or cancelled its readable): the
    /// session ends as a severed connection does (no expunge, RFC 2683 §3.1.2), and its
    /// readable is closed.
    #[wasm_bindgen(js_name = streamClose)]
    pub fn stream_close(&mut self, client: u32) {
        let client = ClientId(client);
        if let Some(at) = self.links.iter().position(|l| l.client == client) {
            let link = self.links.swap_remove(at);
            // An error only says the readable was closed or cancelled already.
            let _ = link.readable.close();
            self.seeded().disconnect(client);
            let out = self.take_output();
            self.held.extend(out);
        }
    }
}

impl Sandbox {
    /// Sends every stream client its part of `out`, one chunk a client, and closes the
    /// readables of those the server closed; returns the rest, after what earlier calls held
    /// back for the page's `take`.
    pub(super) fn route(&mut self, out: Vec<Output>) -> Vec<Output> {
        let mut rest = std::mem::take(&mut self.held);
        if self.links.is_empty() {
            rest.extend(out);
            return rest;
        }
        let mut chunks: Vec<(ClientId, Vec<u8>)> = Vec::new();
        let mut closed = Vec::new();
        for o in out {
            if !self.links.iter().any(|l| l.client == o.client) {
                rest.push(o);
            } else if o.kind == OutputKind::Closed {
                closed.push(o.client);
            } else {
                match chunks.iter_mut().find(|(c, _)| *c == o.client) {
                    Some((_, bytes)) => bytes.extend_from_slice(&o.bytes),
                    None => chunks.push((o.client, o.bytes)),
                }
            }
        }
        for (client, bytes) in chunks {
            if let Some(link) = self.links.iter().find(|l| l.client == client) {
                // An error only says the reader cancelled the readable: the bytes have nowhere
                // to go.
                let _ = link.readable.enqueue(&Uint8Array::from(bytes.as_slice()));
            }
        }
        for client in closed {
            self.links.retain(|l| {
                if l.client == client {
                    let _ = l.readable.close();
                }
                l.client != client
            });
        }
        rest
    }

    /// Closes every stream's readable: the server they were connected to is being replaced.
    pub(super) fn end_streams(&mut self) {
        for link in self.links.drain(..) {
            let _ = link.readable.close();
        }
        self.held.clear();
    }
}
