//! The native front ends: the TCP server ([`tcp`], with [`tls`]), the scenario player ([`play`]), the probe of a
//! live server ([`probe`]) and the table of its findings ([`probe_table`]). Thin drivers of
//! [`crate::server::Server`], like the wasm one; not compiled for wasm32.

pub mod compare;
pub mod http_control;
pub mod play;
pub mod probe;
pub mod probe_table;
pub mod tcp;
pub mod tls;
pub mod world_file;
