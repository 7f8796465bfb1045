//! Mailbox names (RFC 3501 §5.1, §9).

use nom::bytes::complete::take_while1;
use nom::Parser;

use super::core::{astring, string};
use super::{expect, fail, PResult};
use crate::protocol::framer::is_atom_char;
use crate::protocol::types::MailboxName;

fn name(input: &[u8], bytes: Vec<u8>) -> PResult<'_, MailboxName> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok((input, MailboxName(s))),
        Err(_) => fail(input, "Expected mailbox name (invalid UTF-8)"),
    }
}

/// `mailbox = "INBOX" / astring` (RFC 3501 §9): "INBOX is case-insensitive", so any case of it
/// becomes `INBOX`. Names are modified UTF-7 (RFC 3501 §5.1.3); UTF-8 is accepted, other 8-bit
/// octets are not.
pub fn mailbox(input: &[u8]) -> PResult<'_, MailboxName> {
    let (rest, bytes) = expect("mailbox name", astring).parse(input)?;
    let (rest, m) = name(rest, bytes)?;
    if m.is_inbox() {
        return Ok((rest, MailboxName("INBOX".to_string())));
    }
    Ok((rest, m))
}

/// A mailbox inside a response code (RFC 2180 §3.4 `NEWNAME`): as [`mailbox`], but an
/// unquoted name stops at `]`, which closes the code.
pub(crate) fn mailbox_in_code(input: &[u8]) -> PResult<'_, MailboxName> {
    if matches!(input.first(), Some(b'"' | b'{')) {
        return mailbox(input);
    }
    let (rest, chars) = expect("mailbox name", take_while1(is_atom_char)).parse(input)?;
    let (rest, m) = name(rest, chars.to_vec())?;
    if m.is_inbox() {
        return Ok((rest, MailboxName("INBOX".to_string())));
    }
    Ok((rest, m))
}

/// `list-mailbox = 1*list-char / string` (RFC 3501 §9), with
/// `list-char = ATOM-CHAR / list-wildcards / resp-specials`.
pub fn list_mailbox(input: &[u8]) -> PResult<'_, MailboxName> {
    let (rest, bytes) = match input.first() {
        Some(b'"' | b'{') => string(input)?,
        _ => {
            let (rest, chars) = expect(
                "mailbox pattern",
                take_while1(|b: u8| is_atom_char(b) || matches!(b, b'%' | b'*' | b']')),
            )
            .parse(input)?;
            (rest, chars.to_vec())
        }
    };
    name(rest, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxes() {
        assert_eq!(mailbox(b"inbox").unwrap().1 .0, "INBOX");
        assert_eq!(mailbox(b"\"InBoX\"").unwrap().1 .0, "INBOX");
        assert_eq!(mailbox(b"INBOX.Sent").unwrap().1 .0, "INBOX.Sent");
        assert_eq!(mailbox(b"{3}\r\na b").unwrap().1 .0, "a b");
        assert!(mailbox(b"a*").unwrap().0 == b"*");
        assert!(mailbox(b"(").is_err());
        assert!(mailbox(b"\"\xff\"").is_err());
        assert_eq!(list_mailbox(b"%/*]").unwrap().1 .0, "%/*]");
        assert_eq!(list_mailbox(b"\"\"").unwrap().1 .0, "");
        assert!(list_mailbox(b"(").is_err());
    }
}
