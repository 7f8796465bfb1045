//! The engine: store, sessions, policies and command handlers. Sans-IO: bytes in for a client,
//! bytes out for every client affected.

pub mod mime;
