//! nom parsers for IMAP commands and responses: one function per ABNF rule of RFC 3501 §9 (and
//! the extension RFCs), named after the rule and quoting it. Parsers work on complete input
//! (a framed command, or a response whose end [`parse_response`] found first), never panic,
//! check their arithmetic and carry a depth budget on recursive rules.
//!
//! This module knows syntax only; it builds the values of [`crate::protocol::types`].

mod body;
mod command;
mod core;
mod datetime;
mod fetch;
mod flag;
mod mailbox;
mod response;
mod search;
mod sequence;

use std::borrow::Cow;

use nom::{IResult, Parser};

use super::framer::{complete_length, is_tag_char, Limits};
use super::types::{Command, Response, Tag};

pub use self::body::{address, body, envelope};
pub use self::command::command;
pub use self::core::{
    astring, atom, literal, nil, nstring, number, nz_number, quoted, string, tag, text,
};
pub use self::datetime::{date, date_time};
pub use self::fetch::{fetch_att, section};
pub use self::flag::{flag, flag_fetch, flag_list, flag_perm, mbx_list_flags};
pub use self::mailbox::{list_mailbox, mailbox};
pub use self::response::{resp_text_code, response};
pub use self::search::search_key;
pub use self::sequence::{sequence_set, uid_set};

/// Why a parser stopped: where, and what it expected there. Kept small on purpose; only the
/// public entry points turn it into [`CommandError`] or [`ResponseError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError<'a> {
    /// The input left where the failure happened.
    pub input: &'a [u8],
    /// A sentence for the client, e.g. `Expected sequence set`.
    pub message: Cow<'static, str>,
}

impl<'a> nom::error::ParseError<&'a [u8]> for ParseError<'a> {
    fn from_error_kind(input: &'a [u8], kind: nom::error::ErrorKind) -> Self {
        ParseError {
            input,
            message: Cow::Owned(format!("Unexpected input ({})", kind.description())),
        }
    }

    fn append(_: &'a [u8], _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }

    /// Of two alternatives, keep the one that got further: its message is the more precise.
    fn or(self, other: Self) -> Self {
        if other.input.len() <= self.input.len() {
            other
        } else {
            self
        }
    }
}

/// The result of every parser here.
pub type PResult<'a, O> = IResult<&'a [u8], O, ParseError<'a>>;

/// A recoverable failure at `input` (an alternative may still match).
pub(crate) fn fail<'a, O>(
    input: &'a [u8],
    message: impl Into<Cow<'static, str>>,
) -> PResult<'a, O> {
    Err(nom::Err::Error(ParseError {
        input,
        message: message.into(),
    }))
}

/// An unrecoverable failure (too deep, number out of range): no alternative is tried.
pub(crate) fn cut_fail<'a, O>(
    input: &'a [u8],
    message: impl Into<Cow<'static, str>>,
) -> PResult<'a, O> {
    Err(nom::Err::Failure(ParseError {
        input,
        message: message.into(),
    }))
}

/// Runs `parser`; if it fails without getting past the start, the message becomes
/// `Expected <what>`. Failures further in keep their own, more precise, message.
pub(crate) fn expect<'a, O, P>(
    what: &'static str,
    mut parser: P,
) -> impl FnMut(&'a [u8]) -> PResult<'a, O>
where
    P: Parser<&'a [u8], Output = O, Error = ParseError<'a>>,
{
    move |input: &'a [u8]| match parser.parse(input) {
        Err(nom::Err::Error(e)) if e.input.len() >= input.len() => {
            fail(input, format!("Expected {what}"))
        }
        other => other,
    }
}

/// One level deeper into a recursive rule: fails cleanly once the budget is spent.
pub(crate) fn deeper(input: &[u8], depth: usize) -> Result<usize, nom::Err<ParseError<'_>>> {
    match depth.checked_sub(1) {
        Some(d) => Ok(d),
        None => Err(nom::Err::Failure(ParseError {
            input,
            message: Cow::Borrowed("Too deeply nested"),
        })),
    }
}

/// A command that could not be parsed: the tag when the line started with a valid one (so the
/// server can answer `tag BAD text`), and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    pub tag: Option<Tag>,
    pub text: String,
}

/// Why [`parse_response`] returned no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseError {
    /// The input ends before the response does.
    Incomplete,
    /// The input is not a valid response.
    Failed(String),
}

/// Parses one framed command line (CRLF or bare LF included, literals inline; a missing line
/// ending is tolerated), with the default nesting budget.
pub fn parse_command(line: &[u8]) -> Result<Command, CommandError> {
    parse_command_with(line, &Limits::default())
}

/// [`parse_command`] with the nesting budget of `limits`.
pub fn parse_command_with(line: &[u8], limits: &Limits) -> Result<Command, CommandError> {
    match command(limits.max_nesting).parse(line) {
        Ok((_, c)) => Ok(c),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => Err(CommandError {
            tag: recover_tag(line),
            text: command_error_text(&e),
        }),
        Err(nom::Err::Incomplete(_)) => Err(CommandError {
            tag: recover_tag(line),
            text: "Incomplete command".to_string(),
        }),
    }
}

/// "Missing argument" when the failure is at the end of the line, otherwise the parser's
/// message.
fn command_error_text(e: &ParseError<'_>) -> String {
    let at_end = matches!(e.input, b"" | b"\r\n" | b"\n" | b"\r");
    let wants_more = e.message.starts_with("Expected") && e.message != "Expected CRLF";
    if at_end && wants_more {
        "Missing argument".to_string()
    } else {
        e.message.clone().into_owned()
    }
}

/// The tag of a line that starts with `tag SP` (RFC 3501 §9 `tag`).
fn recover_tag(line: &[u8]) -> Option<Tag> {
    let end = line.iter().position(|&b| !is_tag_char(b))?;
    if end == 0 || line.get(end) != Some(&b' ') {
        return None;
    }
    let tag = line.get(..end)?;
    Some(Tag(tag.iter().map(|&b| char::from(b)).collect()))
}

/// Parses one complete response from the start of `input`, returning it with the number of
/// octets it used. Literals are followed, so a response may span several lines.
pub fn parse_response(input: &[u8]) -> Result<(Response, usize), ResponseError> {
    let len = complete_length(input).ok_or(ResponseError::Incomplete)?;
    let one = input.get(..len).ok_or(ResponseError::Incomplete)?;
    match response(Limits::default().max_nesting).parse(one) {
        Ok((b"", r)) => Ok((r, len)),
        Ok(_) => Err(ResponseError::Failed("Expected CRLF".to_string())),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
            let at = len.saturating_sub(e.input.len());
            Err(ResponseError::Failed(format!(
                "{} at octet {at}",
                e.message
            )))
        }
        Err(nom::Err::Incomplete(_)) => Err(ResponseError::Incomplete),
    }
}

/// RFC 2177 §3: the client ends IDLE with `DONE` (case-insensitive) on a line of its own.
/// A bare LF is accepted as for every other line.
pub fn is_idle_done(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.eq_ignore_ascii_case(b"DONE")
}
