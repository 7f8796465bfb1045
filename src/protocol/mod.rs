//! IMAP syntax only: the values of commands and responses ([`types`]), framing of the byte stream
//! into complete commands ([`framer`]), nom parsers named after the RFC 3501 §9 ABNF rules
//! ([`parse`]), the encoder ([`encode`]) and modified UTF-7 mailbox names ([`utf7`]).
//! Nothing here knows about mailboxes, messages or sessions.

pub mod encode;
pub mod framer;
pub mod hint;
pub mod parse;
pub mod types;
pub mod utf7;
