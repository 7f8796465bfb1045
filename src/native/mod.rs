//! The native front ends: the TCP server ([`tcp`]) and the scenario player ([`play`]). Thin drivers of
//! [`crate::server::Server`], like the wasm one; not compiled for wasm32.

pub mod play;
pub mod probe;
pub mod tcp;
