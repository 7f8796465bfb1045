//! imap-sandbox: an in-memory IMAP4rev1 server core (RFC 3501) whose behaviour for
//! multi-accessed mailboxes (RFC 2180, RFC 2683) is switchable, driven sans-IO by three thin
//! front ends: the browser page (`wasm`), the native TCP server (`native`) and the tests.
//!
//! - [`protocol`]: IMAP syntax only (types, framing, parsing, encoding).
//! - [`server`]: the engine (store, sessions, policies, command handlers).
//! - [`scenario`]: executable transcripts in RFC notation, shared by tests, CLI and page.
//! - `bench` (cargo feature `bench`): benchmark workloads, measured natively and in the browser.

#[cfg(feature = "bench")]
pub mod bench;
pub mod protocol;
mod quoted;
pub mod scenario;
pub mod server;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
