//! nom parsers for IMAP commands and responses: one function per ABNF rule of RFC 3501 §9 (and
//! the extension RFCs), named after the rule and quoting it. Parsers work on complete input
//! (a framed command, or a response whose end [`parse_response`] found first), never panic,
//! check their arithmetic and carry a depth budget on recursive rules.
//!
//! This module knows syntax only; it builds the values of [`crate::protocol::types`].

mod body;
#[cfg(feature = "catenate")]
mod catenate;
mod command;
mod core;
mod datetime;
mod fetch;
mod flag;
mod list;
mod mailbox;
mod notify;
#[cfg(feature = "quota")]
mod quota;
mod response;
mod search;
mod sequence;
mod sort;

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
            message: Cow::Borrowed(unexpected(kind)),
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

/// The message of a nom parser's own failure: `Unexpected input (NAME)`, NAME as nom's
/// `ErrorKind::description` has it, for the kinds the nom parsers used here fail with
/// (`nom::bytes::complete`'s `tag` and `tag_no_case`, `take_while1`, `take_while_m_n` and
/// `take`; `alt` and `opt` add none). Written out instead of calling `description`, whose table
/// of all seventy kinds' names would be linked into the page for these four (564 bytes gzipped,
/// measured on 2026-12-02). A kind of a nom parser not used here gets no name.
fn unexpected(kind: nom::error::ErrorKind) -> &'static str {
    use nom::error::ErrorKind;
    match kind {
        ErrorKind::Tag => "Unexpected input (Tag)",
        ErrorKind::TakeWhile1 => "Unexpected input (TakeWhile1)",
        ErrorKind::TakeWhileMN => "Unexpected input (TakeWhileMN)",
        ErrorKind::Eof => "Unexpected input (End of file)",
        _ => "Unexpected input",
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

/// The tag of a line that starts with a valid `tag` (RFC 3501 §9) followed by SP, the line
/// ending or nothing, so that even `a1` alone can be answered with `a1 BAD`.
fn recover_tag(line: &[u8]) -> Option<Tag> {
    let end = line
        .iter()
        .position(|&b| !is_tag_char(b))
        .unwrap_or(line.len());
    if end == 0 || !matches!(line.get(end), None | Some(b' ' | b'\r' | b'\n')) {
        return None;
    }
    let tag = line.get(..end)?;
    Some(Tag(tag.iter().map(|&b| char::from(b)).collect()))
}

/// Parses one complete response from the start of `input`, returning it with the number of
/// octets it used. Literals are followed, so a response may span several lines. The end is found
/// as the framer finds it: a line ending in `{n}` continues after n octets, even if the `{n}`
/// was the end of a status text (a server should not end a text that way).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unexpected_names_a_kind_as_nom_does() {
        use nom::error::ErrorKind;
        for kind in [
            ErrorKind::Tag,
            ErrorKind::TakeWhile1,
            ErrorKind::TakeWhileMN,
            ErrorKind::Eof,
        ] {
            assert_eq!(
                unexpected(kind),
                format!("Unexpected input ({})", kind.description())
            );
        }
        // What the parsers here fail with: nom's own kinds, through `from_error_kind`.
        let tag = nom::bytes::complete::tag::<_, _, ParseError<'_>>("A")(&b"B"[..]);
        let Err(nom::Err::Error(e)) = tag else {
            panic!("{tag:?}")
        };
        assert_eq!(e.message, "Unexpected input (Tag)");
        let take = nom::bytes::complete::take::<_, _, ParseError<'_>>(2usize)(&b"B"[..]);
        let Err(nom::Err::Error(e)) = take else {
            panic!("{take:?}")
        };
        assert_eq!(e.message, "Unexpected input (End of file)");
    }
    use crate::protocol::types::*;

    fn cmd(line: &[u8]) -> CommandBody {
        match parse_command(line) {
            Ok(c) => c.body,
            Err(e) => panic!("{:?}: {e:?}", String::from_utf8_lossy(line)),
        }
    }

    fn err(line: &[u8]) -> CommandError {
        match parse_command(line) {
            Ok(c) => panic!("{:?} parsed as {c:?}", String::from_utf8_lossy(line)),
            Err(e) => e,
        }
    }

    fn mbx(s: &str) -> MailboxName {
        MailboxName(s.to_string())
    }

    #[test]
    fn simple_commands() {
        assert_eq!(cmd(b"a capability\r\n"), CommandBody::Capability);
        assert_eq!(cmd(b"a NOOP\n"), CommandBody::Noop);
        assert_eq!(cmd(b"a NOOP"), CommandBody::Noop);
        assert_eq!(cmd(b"a IDLE\r\n"), CommandBody::Idle);
        assert_eq!(cmd(b"a UNSELECT\r\n"), CommandBody::Unselect);
        assert_eq!(
            cmd(b"a select inbox\r\n"),
            CommandBody::Select {
                mailbox: mbx("INBOX"),
                params: vec![]
            }
        );
        assert_eq!(
            cmd(b"a RENAME \"a b\" {1}\r\nc\r\n"),
            CommandBody::Rename {
                from: mbx("a b"),
                to: mbx("c")
            }
        );
        assert_eq!(
            cmd(b"a LIST \"\" %\r\n"),
            CommandBody::List {
                reference: mbx(""),
                pattern: mbx("%")
            }
        );
        assert_eq!(
            cmd(b"a LOGIN \"al\\\\ice\" {2+}\r\npw\r\n"),
            CommandBody::Login {
                username: b"al\\ice".to_vec(),
                password: b"pw".to_vec()
            }
        );
        assert_eq!(
            cmd(b"a AUTHENTICATE plain =\r\n"),
            CommandBody::Authenticate {
                mechanism: "plain".into(),
                initial_response: Some("=".into())
            }
        );
        assert_eq!(
            cmd(b"a ENABLE A B\r\n"),
            CommandBody::Enable {
                capabilities: vec!["A".into(), "B".into()]
            }
        );
        assert_eq!(
            cmd(b"a ID ()\r\n"),
            CommandBody::Id {
                parameters: Some(vec![])
            }
        );
        assert_eq!(
            cmd(b"a STATUS x (UNSEEN MESSAGES)\r\n"),
            CommandBody::Status {
                mailbox: mbx("x"),
                items: vec![StatusItem::Unseen, StatusItem::Messages]
            }
        );
    }

    #[test]
    fn append_forms() {
        let CommandBody::Append {
            flags,
            date,
            message,
            ..
        } = cmd(b"a APPEND x (\\Seen) \" 7-Jul-1996 02:44:25 +0000\" {2}\r\nhi\r\n")
        else {
            panic!("not APPEND")
        };
        assert_eq!((flags, message), (vec![Flag::Seen], b"hi".to_vec()));
        assert_eq!(date.map(|d| d.date.day), Some(7));
        assert!(matches!(
            cmd(b"a APPEND x \"hi\"\r\n"),
            CommandBody::Append { .. }
        ));
        // RFC 3502 §3's example, shortened: a second message with its own flags and date.
        let CommandBody::Append { message, more, .. } = cmd(
            b"A003 APPEND saved-messages (\\Seen) {3}\r\none (\\Seen) \" 7-Feb-1994 22:43:04 -0800\" {3}\r\ntwo\r\n",
        ) else {
            panic!("not APPEND")
        };
        assert_eq!(message, b"one");
        assert_eq!(more.len(), 1);
        assert_eq!(
            (&more[0].flags, &more[0].message),
            (&vec![Flag::Seen], &b"two".to_vec())
        );
        assert_eq!(more[0].date.map(|d| d.zone_minutes), Some(-480));
        assert_eq!(
            err(b"a APPEND x {1}\r\na (\\Seen)\r\n").text,
            "Missing argument"
        );
        assert_eq!(
            err(b"a APPEND x {1}\r\na b\r\n").text,
            "Expected message literal"
        );
        assert_eq!(err(b"a APPEND x (\\Seen)\r\n").text, "Missing argument");
        assert_eq!(err(b"a APPEND x hi\r\n").text, "Expected message literal");
    }

    #[test]
    fn selected_commands() {
        let one = SequenceSet(vec![SeqRange {
            start: SeqBound::Num(1),
            end: SeqBound::Num(1),
        }]);
        assert_eq!(
            cmd(b"a UID STORE 1 -FLAGS.SILENT (\\Seen)\r\n"),
            CommandBody::Store {
                set: one.clone(),
                kind: StoreKind::Remove,
                silent: true,
                flags: vec![Flag::Seen],
                uid: true,
                unchanged_since: None
            }
        );
        assert_eq!(
            cmd(b"a FETCH 1 fast\r\n"),
            CommandBody::Fetch {
                set: one.clone(),
                items: FetchItems::Fast,
                uid: false,
                modifiers: FetchModifiers::default()
            }
        );
        assert_eq!(
            cmd(b"a FETCH 1 UID\r\n"),
            CommandBody::Fetch {
                set: one.clone(),
                items: FetchItems::List {
                    items: vec![FetchAtt::Uid],
                    parenthesized: false
                },
                uid: false,
                modifiers: FetchModifiers::default()
            }
        );
        assert_eq!(
            cmd(b"a UID EXPUNGE 1\r\n"),
            CommandBody::UidExpunge { set: one.clone() }
        );
        assert_eq!(
            cmd(b"a UID MOVE 1 inbox\r\n"),
            CommandBody::Move {
                set: one.clone(),
                mailbox: mbx("INBOX"),
                uid: true
            }
        );
        assert_eq!(
            cmd(b"a SEARCH CHARSET us-ascii SEEN 1\r\n"),
            CommandBody::Search {
                charset: Some("us-ascii".into()),
                criteria: vec![SearchKey::Seen, SearchKey::SequenceSet(one)],
                uid: false,
                ret: None
            }
        );
    }

    #[test]
    fn error_texts_and_tags() {
        let e = err(b"a1 FOO\r\n");
        assert_eq!(
            (e.tag, e.text.as_str()),
            (Some(Tag("a1".into())), "Unknown command FOO")
        );
        assert_eq!(err(b"a1 UID FOO 1\r\n").text, "Unknown command UID FOO");
        assert_eq!(
            err(b"a1 SELECT(x)\r\n").text,
            "Expected SP after command name"
        );
        assert_eq!(err(b"a1 SELECT\r\n").text, "Missing argument");
        assert_eq!(err(b"a1 SELECT \r\n").text, "Missing argument");
        assert_eq!(err(b"a1 FETCH x FLAGS\r\n").text, "Expected sequence set");
        assert_eq!(err(b"a1 NOOP x\r\n").text, "Expected CRLF");
        assert_eq!(err(b"a1 FETCH 1 FOO\r\n").text, "Expected fetch attribute");
        assert_eq!(err(b"a1 SEARCH FOO\r\n").text, "Expected search key");
        assert_eq!(
            err(b"a1 STORE 1 FLAGZ x\r\n").text,
            "Expected FLAGS, +FLAGS or -FLAGS"
        );
        assert_eq!(
            err(b"a1 FETCH 99999999999 FLAGS\r\n").text,
            "Number out of range"
        );
        let e = err(b"+x NOOP\r\n");
        assert_eq!(e.tag, None);
        assert_eq!(err(b"\r\n").tag, None);
        let e = err(b"a1\r\n");
        assert_eq!(
            (e.tag, e.text.as_str()),
            (Some(Tag("a1".into())), "Missing command")
        );
        assert_eq!(err(b"a1 \r\n").text, "Missing command");
        assert_eq!(err(b"a1(\r\n").tag, None);
        assert_eq!(err(b"a1 \r\n").tag, Some(Tag("a1".into())));
        assert_eq!(
            err(b"a1 LOGIN {5}\r\nab\r\n").text,
            "Literal shorter than announced"
        );
    }

    /// RFC 7162 §7: the modifiers and parameters, and what is refused.
    #[test]
    fn condstore_and_qresync_syntax() {
        assert_eq!(
            cmd(b"a select foo (condstore)\r\n"),
            CommandBody::Select {
                mailbox: mbx("foo"),
                params: vec![SelectParam::CondStore]
            }
        );
        let CommandBody::Fetch { modifiers, .. } =
            cmd(b"a UID FETCH 1:* FLAGS (vanished changedsince 5)\r\n")
        else {
            panic!("a FETCH");
        };
        assert_eq!(
            modifiers,
            FetchModifiers {
                changed_since: Some(5),
                vanished: true
            }
        );
        let CommandBody::Store {
            unchanged_since, ..
        } = cmd(b"a STORE 1 (unchangedsince 0) FLAGS ()\r\n")
        else {
            panic!("a STORE");
        };
        assert_eq!(unchanged_since, Some(0));
        for (line, text) in [
            (
                &b"a FETCH 1 FLAGS (CHANGEDSINCE 0)\r\n"[..],
                "Expected a positive mod-sequence (RFC 7162 §7)",
            ),
            (b"a FETCH 1 FLAGS (CHANGEDSINCE)\r\n", "Expected SP"),
            (b"a FETCH 1 FLAGS ()\r\n", "Expected list item"),
            (
                b"a FETCH 1 FLAGS (VANISHED VANISHED)\r\n",
                "A FETCH modifier is given twice",
            ),
            (
                b"a FETCH 1 FLAGS CHANGEDSINCE 1\r\n",
                "Expected ( before FETCH modifiers",
            ),
            (
                b"a STORE 1 (UNCHANGEDSINCE x) FLAGS ()\r\n",
                "Expected mod-sequence",
            ),
            (
                b"a STORE 1 (UNCHANGEDSINCE 1 UNCHANGEDSINCE 1) FLAGS ()\r\n",
                "Only one UNCHANGEDSINCE may be given (RFC 7162 §7)",
            ),
            (
                b"a STORE 1 (UNCHANGEDSINCE 9223372036854775808) FLAGS ()\r\n",
                "Mod-sequence out of range (at most 2^63 - 1)",
            ),
            (
                b"a SELECT x (QRESYNC (0 1))\r\n",
                "Expected non-zero number",
            ),
            (b"a SELECT x (QRESYNC (1 1 1:* ))\r\n", "Expected UID set"),
            (
                b"a SELECT x (QRESYNC (1 1 1:2 (1 2))\r\n",
                "Missing argument",
            ),
            (
                b"a SELECT x (CONDSTORE CONDSTORE)\r\n",
                "A SELECT parameter is given twice",
            ),
            (
                b"a SELECT x (FOO)\r\n",
                "Unknown SELECT parameter (CONDSTORE and QRESYNC are known)",
            ),
            (
                b"a SEARCH MODSEQ \"/flags/\" all 1\r\n",
                "Expected entry name \"/flags/<flag>\" (RFC 7162 §3.1.5)",
            ),
            (
                b"a SEARCH MODSEQ \"/x/seen\" all 1\r\n",
                "Expected entry name \"/flags/<flag>\" (RFC 7162 §3.1.5)",
            ),
        ] {
            assert_eq!(err(line).text, text, "{:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn nesting_budget() {
        let mut line = b"a SEARCH ".to_vec();
        line.extend(b"NOT ".repeat(40));
        line.extend_from_slice(b"SEEN\r\n");
        assert_eq!(err(&line).text, "Too deeply nested");
        let limits = Limits {
            max_nesting: 64,
            ..Limits::default()
        };
        assert!(parse_command_with(&line, &limits).is_ok());
    }

    #[test]
    fn idle_done() {
        assert!(is_idle_done(b"DONE\r\n"));
        assert!(is_idle_done(b"done\n"));
        assert!(!is_idle_done(b"DONE \r\n"));
        assert!(!is_idle_done(b"a DONE\r\n"));
    }

    fn resp(input: &[u8]) -> Response {
        match parse_response(input) {
            Ok((r, n)) if n == input.len() => r,
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(input)),
        }
    }

    fn bad(input: &[u8]) {
        assert!(
            matches!(parse_response(input), Err(ResponseError::Failed(_))),
            "{:?} accepted",
            String::from_utf8_lossy(input)
        );
    }

    #[test]
    fn status_responses() {
        assert_eq!(
            resp(b"a1 OK [UIDNEXT 5] done\r\n"),
            Response::Status(StatusResponse {
                tag: Some(Tag("a1".into())),
                kind: StatusKind::Ok,
                code: Some(Code::UidNext(5)),
                text: "done".into()
            })
        );
        let Response::Status(s) = resp(b"* OK [READ-WRITE]\r\n") else {
            panic!()
        };
        assert_eq!((s.code, s.text.as_str()), (Some(Code::ReadWrite), ""));
        let Response::Status(s) = resp(b"* NO [X-Y a b] t\r\n") else {
            panic!()
        };
        assert_eq!(
            s.code,
            Some(Code::Other {
                atom: "X-Y".into(),
                text: Some("a b".into())
            })
        );
        let Response::Status(s) = resp(b"* NO [UNKNOWN-CTE] t\r\n") else {
            panic!()
        };
        assert_eq!(s.code, Some(Code::UnknownCte));
        let Response::Status(s) = resp(b"* NO [OVERQUOTA] t\r\n") else {
            panic!()
        };
        assert_eq!(s.code, Some(Code::OverQuota));
        let Response::Status(s) = resp(b"* OK [BADCHARSET (UTF-8 X)] t\r\n") else {
            panic!()
        };
        assert_eq!(
            s.code,
            Some(Code::BadCharset(vec!["UTF-8".into(), "X".into()]))
        );
        bad(b"* OK\r\n");
        bad(b"* OK \r\n");
        bad(b"a1 PREAUTH x\r\n");
        bad(b"a1 OK [UIDNEXT 0] x\r\n");
        bad(b"a1 OK [COPYUID 1 2:* 3] x\r\n");
        bad(b"a1 OK [READ-WRITE x\r\n");
        bad(b"* CAPABILITY IDLE\r\n");
        bad(b"* FOO\r\n");
        bad(b"* 0 EXPUNGE\r\n");
        assert_eq!(parse_response(b"* OK x"), Err(ResponseError::Incomplete));
        assert_eq!(parse_response(b"* OK x\r"), Err(ResponseError::Incomplete));
        assert_eq!(
            parse_response(b"* OK x\r\n* OK y\r\n").map(|(_, n)| n),
            Ok(8)
        );
    }

    #[test]
    fn continuations() {
        assert_eq!(
            resp(b"+ \r\n"),
            Response::Continue(Continue::Base64(String::new()))
        );
        assert_eq!(
            resp(b"+ YWJj\r\n"),
            Response::Continue(Continue::Base64("YWJj".into()))
        );
        assert_eq!(
            resp(b"+ Ready for literal data\r\n"),
            Response::Continue(Continue::Text {
                code: None,
                text: "Ready for literal data".into()
            })
        );
        bad(b"+\r\n");
    }

    #[test]
    fn data_responses() {
        assert_eq!(resp(b"* 3 EXISTS\r\n"), Response::Data(Data::Exists(3)));
        assert_eq!(
            resp(b"* SEARCH\r\n"),
            Response::Data(Data::Search(vec![], None))
        );
        let Response::Data(Data::List(item)) = resp(b"* LIST (\\Noselect) \"\\\\\" inbox\r\n")
        else {
            panic!()
        };
        assert_eq!(item.delimiter, Some('\\'));
        assert_eq!(item.mailbox, mbx("INBOX"));
        let Response::Data(Data::Status { items, .. }) = resp(b"* STATUS x ()\r\n") else {
            panic!()
        };
        assert!(items.is_empty());
        let Response::Data(Data::Namespace {
            personal,
            other,
            shared,
        }) = resp(b"* NAMESPACE ((\"\" \"/\" \"X-EXT\" (\"a\"))) NIL NIL\r\n")
        else {
            panic!()
        };
        assert_eq!(personal.map(|p| p.len()), Some(1));
        assert_eq!((other, shared), (None, None));
        assert_eq!(resp(b"* ID NIL\r\n"), Response::Data(Data::Id(None)));
        bad(b"* LIST () \"ab\" x\r\n");
        bad(b"* STATUS x (FOO 1)\r\n");
        bad(b"* SEARCH 0\r\n");
    }

    #[test]
    fn fetch_responses() {
        let Response::Data(Data::Fetch { seq, items }) =
            resp(b"* 7 FETCH (UID 3 BODY[1.TEXT]<5> {3}\r\nabc FLAGS ())\r\n")
        else {
            panic!()
        };
        assert_eq!(seq, 7);
        assert_eq!(
            items,
            vec![
                FetchValue::Uid(3),
                FetchValue::BodySection {
                    section: Section {
                        part: vec![1],
                        text: Some(SectionText::Text)
                    },
                    origin: Some(5),
                    data: Some(b"abc".to_vec())
                },
                FetchValue::Flags(vec![])
            ]
        );
        assert_eq!(
            parse_response(b"* 7 FETCH (BODY[] {3}\r\nab"),
            Err(ResponseError::Incomplete)
        );
        bad(b"* 7 FETCH ()\r\n");
        bad(b"* 7 FETCH (UID 0)\r\n");
        bad(b"* 7 FETCH (FOO 1)\r\n");
        bad(b"* 7 FETCH (BODY[] )\r\n");
    }
}
