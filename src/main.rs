//! The `imap-sandbox` command: the native front end.

fn main() {}
