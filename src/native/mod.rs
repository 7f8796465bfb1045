//! The native front ends: the TCP server ([`tcp`]) and command-line helpers. Thin drivers of
//! [`crate::server::Server`], like the wasm one; not compiled for wasm32.

pub mod tcp;
