//! Known answers for the encoder, one or more per RFC 3501 production.

use super::*;
use crate::protocol::types::{
    FetchModifiers, MultiPartExtension, SeqRange, SinglePartExtension, Tag,
};

fn resp(r: Response) -> String {
    response_to_string(&r)
}

fn data(d: Data) -> String {
    resp(Response::Data(d))
}

fn cmd(tag: &str, body: CommandBody) -> String {
    command_to_string(&Command {
        tag: Tag(tag.into()),
        body,
    })
}

fn status(tag: Option<&str>, kind: StatusKind, code: Option<Code>, text: &str) -> String {
    resp(Response::Status(StatusResponse {
        tag: tag.map(|t| Tag(t.into())),
        kind,
        code,
        text: text.into(),
    }))
}

fn with<F: FnOnce(&mut Vec<u8>)>(f: F) -> String {
    let mut out = Vec::new();
    f(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn mbox(s: &str) -> MailboxName {
    MailboxName(s.into())
}

fn set(ranges: &[(u32, Option<u32>)]) -> SequenceSet {
    let bound = |n: u32| {
        if n == 0 {
            SeqBound::Star
        } else {
            SeqBound::Num(n)
        }
    };
    SequenceSet(
        ranges
            .iter()
            .map(|&(a, b)| SeqRange {
                start: bound(a),
                end: bound(b.unwrap_or(a)),
            })
            .collect(),
    )
}

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn addr(name: Option<&str>, mailbox: &str, host: &str) -> Address {
    Address {
        name: name.map(b),
        adl: None,
        mailbox: Some(b(mailbox)),
        host: Some(b(host)),
    }
}

fn text_part(
    params: &[(&str, &str)],
    id: Option<&str>,
    desc: Option<&str>,
    enc: &str,
    size: u32,
    lines: u32,
) -> BodyStructure {
    BodyStructure::Single {
        basic: BasicFields {
            media_type: b("TEXT"),
            subtype: b("PLAIN"),
            params: params.iter().map(|(k, v)| (b(k), b(v))).collect(),
            id: id.map(b),
            description: desc.map(b),
            encoding: b(enc),
            size,
        },
        specific: SpecificFields::Text { lines },
        extension: None,
    }
}

// --- strings -------------------------------------------------------------------------

#[test]
fn astring_choice() {
    let a = |s: &[u8]| with(|o| write_astring(s, o));
    assert_eq!(a(b"SMITH"), "SMITH");
    assert_eq!(a(b"foo]bar"), "foo]bar"); // resp-specials are ASTRING-CHAR
    assert_eq!(a(b""), "\"\"");
    assert_eq!(a(b"two words"), "\"two words\"");
    assert_eq!(a(b"a\"b\\c"), "\"a\\\"b\\\\c\"");
    assert_eq!(a(b"50%"), "\"50%\"");
    assert_eq!(a(b"a*"), "\"a*\"");
    assert_eq!(a(b"(x)"), "\"(x)\"");
    assert_eq!(a(b"{3}"), "\"{3}\"");
    assert_eq!(a(b"NIL"), "NIL"); // an astring position: NIL is just a name
    assert_eq!(a(b"a\r\nb"), "{4}\r\na\r\nb");
    assert_eq!(a(b"a\0b"), "{3}\r\na\0b");
    assert_eq!(a("caf\u{e9}".as_bytes()), "{5}\r\ncaf\u{e9}");
    assert_eq!(a(b"tab\there"), "\"tab\there\""); // TAB is a TEXT-CHAR, not an ATOM-CHAR
}

#[test]
fn string_and_nstring_never_use_atoms() {
    assert_eq!(with(|o| write_string(b"", o)), "\"\"");
    assert_eq!(with(|o| write_string(b"SMITH", o)), "\"SMITH\"");
    assert_eq!(with(|o| write_string(b"\\", o)), "\"\\\\\"");
    assert_eq!(with(|o| write_string(b"line\n", o)), "{5}\r\nline\n");
    assert_eq!(with(|o| write_nstring(None, o)), "NIL");
    assert_eq!(with(|o| write_nstring(Some(b"NIL"), o)), "\"NIL\"");
    assert_eq!(with(|o| write_nstring(Some(b"nil"), o)), "\"nil\"");
    assert_eq!(with(|o| write_nstring(Some(b""), o)), "\"\"");
}

#[test]
fn mailbox_forms() {
    assert_eq!(with(|o| write_mailbox(&mbox("INBOX"), o)), "INBOX");
    assert_eq!(with(|o| write_mailbox(&mbox("inbox"), o)), "inbox");
    assert_eq!(
        with(|o| write_mailbox(&mbox("~/Mail/foo"), o)),
        "~/Mail/foo"
    );
    assert_eq!(with(|o| write_mailbox(&mbox(""), o)), "\"\"");
    assert_eq!(
        with(|o| write_mailbox(&mbox("Sent Items"), o)),
        "\"Sent Items\""
    );
    assert_eq!(with(|o| write_mailbox(&mbox("&U,BTFw-"), o)), "&U,BTFw-");
    // Wildcards are allowed bare only in list-mailbox.
    assert_eq!(with(|o| write_mailbox(&mbox("foo*"), o)), "\"foo*\"");
    assert_eq!(with(|o| write_list_mailbox(&mbox("foo*"), o)), "foo*");
    assert_eq!(with(|o| write_list_mailbox(&mbox("%"), o)), "%");
    assert_eq!(with(|o| write_list_mailbox(&mbox(""), o)), "\"\"");
}

#[test]
fn sequence_sets_flags_and_dates() {
    assert_eq!(
        with(|o| write_sequence_set(&set(&[(2, Some(4))]), o)),
        "2:4"
    );
    assert_eq!(
        with(|o| write_sequence_set(&set(&[(1, None), (3, Some(5)), (7, Some(0))]), o)),
        "1,3:5,7:*"
    );
    assert_eq!(with(|o| write_sequence_set(&set(&[(0, None)]), o)), "*");
    let flags = [
        Flag::Answered,
        Flag::Flagged,
        Flag::Deleted,
        Flag::Seen,
        Flag::Draft,
        Flag::Recent,
        Flag::Keyword("$Forwarded".into()),
        Flag::Extension("Important".into()),
    ];
    assert_eq!(
        with(|o| write_flag_list(&flags, o)),
        "(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\Recent $Forwarded \\Important)"
    );
    let dt = DateTime {
        date: Date {
            year: 1996,
            month: 7,
            day: 17,
        },
        hour: 2,
        minute: 44,
        second: 25,
        zone_minutes: -420,
    };
    assert_eq!(
        with(|o| write_date_time(&dt, o)),
        "\"17-Jul-1996 02:44:25 -0700\""
    );
    let dt = DateTime {
        date: Date {
            year: 2024,
            month: 2,
            day: 5,
        },
        hour: 23,
        minute: 0,
        second: 9,
        zone_minutes: 330,
    };
    // RFC 3501 §9 `date-day-fixed`: the day is space-padded.
    assert_eq!(
        with(|o| write_date_time(&dt, o)),
        "\" 5-Feb-2024 23:00:09 +0530\""
    );
    assert_eq!(
        with(|o| write_date(
            &Date {
                year: 1994,
                month: 2,
                day: 1
            },
            o
        )),
        "1-Feb-1994"
    );
    assert_eq!(
        with(|o| write_date(
            &Date {
                year: 2000,
                month: 12,
                day: 31
            },
            o
        )),
        "31-Dec-2000"
    );
    // Out-of-range months are clamped, never a panic.
    assert_eq!(
        with(|o| write_date(
            &Date {
                year: 2000,
                month: 0,
                day: 1
            },
            o
        )),
        "1-Jan-2000"
    );
    assert_eq!(
        with(|o| write_date(
            &Date {
                year: 2000,
                month: 13,
                day: 1
            },
            o
        )),
        "1-Dec-2000"
    );
    let extreme = DateTime {
        zone_minutes: i16::MIN,
        ..dt
    };
    assert!(with(|o| write_date_time(&extreme, o)).ends_with("-2359\""));
    let broken = DateTime {
        date: Date {
            year: 12345,
            month: 1,
            day: 0,
        },
        hour: 99,
        minute: 99,
        second: 99,
        zone_minutes: 0,
    };
    assert_eq!(
        with(|o| write_date_time(&broken, o)),
        "\"00-Jan-9999 23:59:60 +0000\""
    );
}

// --- status responses ----------------------------------------------------------------

#[test]
fn status_responses_from_rfc3501() {
    // RFC 3501 §8.
    assert_eq!(
        status(None, StatusKind::Ok, None, "IMAP4rev1 Service Ready"),
        "* OK IMAP4rev1 Service Ready\r\n"
    );
    assert_eq!(
        status(Some("a001"), StatusKind::Ok, None, "LOGIN completed"),
        "a001 OK LOGIN completed\r\n"
    );
    assert_eq!(
        status(
            None,
            StatusKind::Ok,
            Some(Code::Unseen(17)),
            "Message 17 is the first unseen message"
        ),
        "* OK [UNSEEN 17] Message 17 is the first unseen message\r\n"
    );
    assert_eq!(
        status(
            None,
            StatusKind::Ok,
            Some(Code::UidValidity(3857529045)),
            "UIDs valid"
        ),
        "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
    );
    assert_eq!(
        status(
            Some("a002"),
            StatusKind::Ok,
            Some(Code::ReadWrite),
            "SELECT completed"
        ),
        "a002 OK [READ-WRITE] SELECT completed\r\n"
    );
    assert_eq!(
        status(
            None,
            StatusKind::Bye,
            None,
            "IMAP4rev1 server terminating connection"
        ),
        "* BYE IMAP4rev1 server terminating connection\r\n"
    );
    // RFC 3501 §6.3.1.
    let perm = Code::PermanentFlags(vec![
        FlagPerm::Flag(Flag::Deleted),
        FlagPerm::Flag(Flag::Seen),
        FlagPerm::Wildcard,
    ]);
    assert_eq!(
        status(None, StatusKind::Ok, Some(perm), "Limited"),
        "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
    );
    // RFC 3501 §7.1.
    assert_eq!(
        status(
            Some("A044"),
            StatusKind::Bad,
            None,
            "No such command as \"BLURDYBLOOP\""
        ),
        "A044 BAD No such command as \"BLURDYBLOOP\"\r\n"
    );
    assert_eq!(
        status(
            None,
            StatusKind::PreAuth,
            None,
            "IMAP4rev1 server logged in as Smith"
        ),
        "* PREAUTH IMAP4rev1 server logged in as Smith\r\n"
    );
}

#[test]
fn status_text_is_never_empty_and_never_breaks_the_line() {
    assert_eq!(status(Some("a1"), StatusKind::Ok, None, ""), "a1 OK OK\r\n");
    assert_eq!(
        status(Some("a1"), StatusKind::No, Some(Code::InUse), ""),
        "a1 NO [INUSE] NO\r\n"
    );
    assert_eq!(
        status(Some("a1"), StatusKind::No, None, "\r\n"),
        "a1 NO NO\r\n"
    );
    assert_eq!(
        status(Some("a1"), StatusKind::Bad, None, "bad\r\na2 OK forged"),
        "a1 BAD bada2 OK forged\r\n"
    );
    // RFC 3501 §7.1.5: BYE is untagged even if the value carries a tag.
    assert_eq!(
        status(Some("a1"), StatusKind::Bye, None, "bye"),
        "* BYE bye\r\n"
    );
}

#[test]
fn every_response_code() {
    let cases: Vec<(Code, &str)> = vec![
        (Code::Alert, "ALERT"),
        (Code::BadCharset(vec![]), "BADCHARSET"),
        (
            Code::BadCharset(vec!["UTF-8".into(), "US-ASCII".into()]),
            "BADCHARSET (UTF-8 US-ASCII)",
        ),
        (
            Code::Capability(vec!["IMAP4rev1".into(), "IDLE".into()]),
            "CAPABILITY IMAP4rev1 IDLE",
        ),
        (Code::Parse, "PARSE"),
        (Code::PermanentFlags(vec![]), "PERMANENTFLAGS ()"),
        (Code::ReadOnly, "READ-ONLY"),
        (Code::ReadWrite, "READ-WRITE"),
        (Code::TryCreate, "TRYCREATE"),
        (Code::UidNext(4392), "UIDNEXT 4392"),
        (Code::UidValidity(3857529045), "UIDVALIDITY 3857529045"),
        (Code::Unseen(12), "UNSEEN 12"),
        // RFC 4315 §3 examples.
        (
            Code::AppendUid {
                uid_validity: 38505,
                uids: set(&[(3955, None)]),
            },
            "APPENDUID 38505 3955",
        ),
        (
            Code::CopyUid {
                uid_validity: 38505,
                source: set(&[(304, None), (319, Some(320))]),
                destination: set(&[(3956, Some(3958))]),
            },
            "COPYUID 38505 304,319:320 3956:3958",
        ),
        (Code::UidNotSticky, "UIDNOTSTICKY"),
        (
            Code::NewName {
                old: mbox("foo"),
                new: mbox("bar baz"),
            },
            "NEWNAME foo \"bar baz\"",
        ),
        (Code::AlreadyExists, "ALREADYEXISTS"),
        (Code::AuthenticationFailed, "AUTHENTICATIONFAILED"),
        (Code::AuthorizationFailed, "AUTHORIZATIONFAILED"),
        (Code::Cannot, "CANNOT"),
        (Code::ClientBug, "CLIENTBUG"),
        (Code::Closed, "CLOSED"),
        (Code::ContactAdmin, "CONTACTADMIN"),
        (Code::Corruption, "CORRUPTION"),
        (Code::ExpungeIssued, "EXPUNGEISSUED"),
        (Code::Expired, "EXPIRED"),
        (Code::HasChildren, "HASCHILDREN"),
        (Code::InUse, "INUSE"),
        (Code::Limit, "LIMIT"),
        (Code::Nonexistent, "NONEXISTENT"),
        (Code::NoPerm, "NOPERM"),
        (Code::NotSaved, "NOTSAVED"),
        (Code::OverQuota, "OVERQUOTA"),
        (Code::PrivacyRequired, "PRIVACYREQUIRED"),
        (Code::ServerBug, "SERVERBUG"),
        (Code::Unavailable, "UNAVAILABLE"),
        (Code::UnknownCte, "UNKNOWN-CTE"),
        (
            Code::Other {
                atom: "X-FOO".into(),
                text: None,
            },
            "X-FOO",
        ),
        (
            Code::Other {
                atom: "X-FOO".into(),
                text: Some("a b".into()),
            },
            "X-FOO a b",
        ),
        (
            Code::Other {
                atom: "X-FOO".into(),
                text: Some("a]b\r\n".into()),
            },
            "X-FOO ab",
        ),
        (
            Code::Other {
                atom: "X-FOO".into(),
                text: Some("]".into()),
            },
            "X-FOO",
        ),
    ];
    for (code, wire) in cases {
        assert_eq!(
            status(Some("t"), StatusKind::No, Some(code), "x"),
            format!("t NO [{wire}] x\r\n")
        );
    }
}

#[test]
fn continuation_requests() {
    // RFC 3501 §7.5.
    let text = Continue::Text {
        code: None,
        text: "Ready for additional command text".into(),
    };
    assert_eq!(
        resp(Response::Continue(text)),
        "+ Ready for additional command text\r\n"
    );
    let text = Continue::Text {
        code: Some(Code::Alert),
        text: "idling".into(),
    };
    assert_eq!(resp(Response::Continue(text)), "+ [ALERT] idling\r\n");
    let text = Continue::Text {
        code: None,
        text: String::new(),
    };
    assert_eq!(resp(Response::Continue(text)), "+ continue\r\n");
    // RFC 3501 §6.2.2 example challenge, and an empty challenge (RFC 4959 §3).
    let b64 = Continue::Base64("YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzmeTxqdpm49i".into());
    assert_eq!(
        resp(Response::Continue(b64)),
        "+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzmeTxqdpm49i\r\n"
    );
    assert_eq!(
        resp(Response::Continue(Continue::Base64(String::new()))),
        "+ \r\n"
    );
    let broken = Continue::Base64("AA\r\nBB".into());
    assert_eq!(resp(Response::Continue(broken)), "+ AABB\r\n");
}

// --- untagged data -------------------------------------------------------------------

#[test]
fn capability_enabled_and_counts() {
    // RFC 3501 §6.1.1.
    let caps = ["IMAP4rev1", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"];
    assert_eq!(
        data(Data::Capability(
            caps.iter().map(|c| c.to_string()).collect()
        )),
        "* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n"
    );
    // RFC 5161 §3.1.
    assert_eq!(
        data(Data::Enabled(vec!["CONDSTORE".into()])),
        "* ENABLED CONDSTORE\r\n"
    );
    assert_eq!(data(Data::Enabled(vec![])), "* ENABLED\r\n");
    // RFC 3501 §7.3.1, §7.3.2, §7.4.1.
    assert_eq!(data(Data::Exists(23)), "* 23 EXISTS\r\n");
    assert_eq!(data(Data::Recent(5)), "* 5 RECENT\r\n");
    assert_eq!(data(Data::Expunge(44)), "* 44 EXPUNGE\r\n");
}

#[test]
fn list_and_lsub() {
    let list = |attrs: Vec<NameAttribute>, d: Option<char>, m: &str| {
        data(Data::List(ListItem {
            attributes: attrs,
            delimiter: d,
            mailbox: mbox(m),
        }))
    };
    // RFC 3501 §6.3.8 / §7.2.2.
    assert_eq!(
        list(vec![], Some('/'), "blurdybloop"),
        "* LIST () \"/\" blurdybloop\r\n"
    );
    assert_eq!(
        list(vec![NameAttribute::Noselect], Some('/'), "~/Mail/foo"),
        "* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"
    );
    assert_eq!(
        list(vec![NameAttribute::Noselect], Some('/'), ""),
        "* LIST (\\Noselect) \"/\" \"\"\r\n"
    );
    assert_eq!(
        list(vec![], Some('.'), "INBOX.bar"),
        "* LIST () \".\" INBOX.bar\r\n"
    );
    assert_eq!(
        list(vec![NameAttribute::HasNoChildren], Some('/'), "INBOX"),
        "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
    );
    assert_eq!(list(vec![], None, "flat"), "* LIST () NIL flat\r\n");
    assert_eq!(
        list(vec![], Some('\\'), "a\\b"),
        "* LIST () \"\\\\\" \"a\\\\b\"\r\n"
    );
    assert_eq!(list(vec![], Some('"'), "x"), "* LIST () \"\\\"\" x\r\n");
    // Not a 7-bit QUOTED-CHAR: no IMAP4rev1 wire form, written as NIL.
    assert_eq!(list(vec![], Some('\u{e9}'), "x"), "* LIST () NIL x\r\n");
    let all = vec![
        NameAttribute::Noinferiors,
        NameAttribute::Noselect,
        NameAttribute::Marked,
        NameAttribute::Unmarked,
        NameAttribute::HasChildren,
        NameAttribute::HasNoChildren,
        NameAttribute::Subscribed,
        NameAttribute::Extension("Archive".into()),
    ];
    assert_eq!(
        list(all, Some('/'), "x"),
        "* LIST (\\Noinferiors \\Noselect \\Marked \\Unmarked \\HasChildren \\HasNoChildren \\Subscribed \\Archive) \"/\" x\r\n"
    );
    // RFC 3501 §7.2.3.
    let lsub = ListItem {
        attributes: vec![],
        delimiter: Some('.'),
        mailbox: mbox("#news.comp.mail.mime"),
    };
    assert_eq!(
        data(Data::Lsub(lsub)),
        "* LSUB () \".\" #news.comp.mail.mime\r\n"
    );
}

#[test]
fn status_search_flags() {
    // RFC 3501 §7.2.4.
    let st = Data::Status {
        mailbox: mbox("blurdybloop"),
        items: vec![StatusValue::Messages(231), StatusValue::UidNext(44292)],
    };
    assert_eq!(
        data(st),
        "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"
    );
    let st = Data::Status {
        mailbox: mbox("a b"),
        items: vec![
            StatusValue::Recent(1),
            StatusValue::UidValidity(2),
            StatusValue::Unseen(3),
        ],
    };
    assert_eq!(
        data(st),
        "* STATUS \"a b\" (RECENT 1 UIDVALIDITY 2 UNSEEN 3)\r\n"
    );
    // RFC 3501 §6.4.4 / §7.2.5.
    assert_eq!(
        data(Data::Search(vec![2, 84, 882], None)),
        "* SEARCH 2 84 882\r\n"
    );
    assert_eq!(data(Data::Search(vec![], None)), "* SEARCH\r\n");
    // RFC 3501 §7.2.6.
    let flags = vec![
        Flag::Answered,
        Flag::Flagged,
        Flag::Deleted,
        Flag::Seen,
        Flag::Draft,
    ];
    assert_eq!(
        data(Data::Flags(flags)),
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
    );
}

#[test]
fn namespace_rfc2342() {
    let ns = |p: &str, d: char| NamespaceDesc {
        prefix: b(p),
        delimiter: Some(d),
    };
    // RFC 2342 §5 examples.
    let d = Data::Namespace {
        personal: Some(vec![ns("", '/')]),
        other: None,
        shared: None,
    };
    assert_eq!(data(d), "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
    let d = Data::Namespace {
        personal: Some(vec![ns("", '/')]),
        other: Some(vec![ns("~", '/')]),
        shared: Some(vec![
            ns("#shared/", '/'),
            ns("#public/", '/'),
            ns("#ftp/", '/'),
            ns("#news.", '.'),
        ]),
    };
    assert_eq!(
        data(d),
        "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")(\"#ftp/\" \"/\")(\"#news.\" \".\"))\r\n"
    );
    let d = Data::Namespace {
        personal: Some(vec![NamespaceDesc {
            prefix: b(""),
            delimiter: None,
        }]),
        other: Some(vec![]),
        shared: None,
    };
    assert_eq!(data(d), "* NAMESPACE ((\"\" NIL)) NIL NIL\r\n");
}

#[test]
fn id_rfc2971() {
    assert_eq!(data(Data::Id(None)), "* ID NIL\r\n");
    // RFC 2971 §3.3 example.
    let params = [
        ("name", "Cyrus"),
        ("version", "1.5"),
        ("os", "sunos"),
        ("os-version", "5.5"),
        ("support-url", "mailto:cyrus-bugs+@andrew.cmu.edu"),
    ];
    let params = params.iter().map(|(k, v)| (b(k), Some(b(v)))).collect();
    assert_eq!(
        data(Data::Id(Some(params))),
        "* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" \"os-version\" \"5.5\" \"support-url\" \"mailto:cyrus-bugs+@andrew.cmu.edu\")\r\n"
    );
    assert_eq!(
        data(Data::Id(Some(vec![(b("vendor"), None)]))),
        "* ID (\"vendor\" NIL)\r\n"
    );
    assert_eq!(data(Data::Id(Some(vec![]))), "* ID ()\r\n");
}

// --- FETCH ---------------------------------------------------------------------------

#[test]
fn fetch_rfc3501_section8_full() {
    let gray = addr(Some("Terry Gray"), "gray", "cac.washington.edu");
    let env = Envelope {
        date: Some(b("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)")),
        subject: Some(b("IMAP4rev1 WG mtg summary and minutes")),
        from: vec![gray.clone()],
        sender: vec![gray.clone()],
        reply_to: vec![gray],
        to: vec![addr(None, "imap", "cac.washington.edu")],
        cc: vec![
            addr(None, "minutes", "CNRI.Reston.VA.US"),
            addr(Some("John Klensin"), "KLENSIN", "MIT.EDU"),
        ],
        bcc: vec![],
        in_reply_to: None,
        message_id: Some(b("<B27397-0100000@cac.washington.edu>")),
    };
    let items = vec![
        FetchValue::Flags(vec![Flag::Seen]),
        FetchValue::InternalDate(DateTime {
            date: Date {
                year: 1996,
                month: 7,
                day: 17,
            },
            hour: 2,
            minute: 44,
            second: 25,
            zone_minutes: -420,
        }),
        FetchValue::Rfc822Size(4286),
        FetchValue::Envelope(std::sync::Arc::new(env)),
        FetchValue::Body(Box::new(text_part(
            &[("CHARSET", "US-ASCII")],
            None,
            None,
            "7BIT",
            3028,
            92,
        ))),
    ];
    // The RFC breaks this line for editorial clarity; on the wire it is one line.
    assert_eq!(
        data(Data::Fetch { seq: 12, items }),
        concat!(
            "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" ",
            "RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" ",
            "\"IMAP4rev1 WG mtg summary and minutes\" ",
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
            "((NIL NIL \"imap\" \"cac.washington.edu\")) ",
            "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")",
            "(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL ",
            "\"<B27397-0100000@cac.washington.edu>\") ",
            "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
        )
    );
}

fn rfc3501_multipart(extension: Option<MultiPartExtension>) -> BodyStructure {
    BodyStructure::Multi {
        parts: vec![
            text_part(&[("CHARSET", "US-ASCII")], None, None, "7BIT", 1152, 23),
            text_part(
                &[("CHARSET", "US-ASCII"), ("NAME", "cc.diff")],
                Some("<960723163407.20117h@cac.washington.edu>"),
                Some("Compiler diff"),
                "BASE64",
                4554,
                73,
            ),
        ],
        subtype: b("MIXED"),
        extension,
    }
}

#[test]
fn fetch_body_multipart_rfc3501_7_4_2() {
    let body = rfc3501_multipart(Some(MultiPartExtension::default()));
    // BODY never carries extension data, even when the value has it.
    assert_eq!(
        data(Data::Fetch { seq: 1, items: vec![FetchValue::Body(Box::new(body))] }),
        concat!(
            "* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)",
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") ",
            "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n"
        )
    );
}

#[test]
fn fetch_bodystructure_with_extensions() {
    let pdf = BodyStructure::Single {
        basic: BasicFields {
            media_type: b("APPLICATION"),
            subtype: b("PDF"),
            params: vec![],
            id: None,
            description: None,
            encoding: b("BASE64"),
            size: 4,
        },
        specific: SpecificFields::Basic,
        extension: Some(SinglePartExtension {
            md5: Some(b("Q2hlY2s=")),
            disposition: Some(Disposition {
                kind: b("attachment"),
                params: vec![(b("filename"), b("a.pdf"))],
            }),
            language: vec![b("en")],
            location: None,
        }),
    };
    let text = BodyStructure::Single {
        basic: BasicFields {
            media_type: b("TEXT"),
            subtype: b("PLAIN"),
            params: vec![(b("CHARSET"), b("UTF-8"))],
            id: None,
            description: None,
            encoding: b("7BIT"),
            size: 10,
        },
        specific: SpecificFields::Text { lines: 1 },
        extension: Some(SinglePartExtension {
            md5: None,
            disposition: None,
            language: vec![b("en"), b("de")],
            location: Some(b("http://x/")),
        }),
    };
    let body = BodyStructure::Multi {
        parts: vec![text, pdf],
        subtype: b("MIXED"),
        extension: Some(MultiPartExtension {
            params: vec![(b("BOUNDARY"), b("xyz"))],
            disposition: None,
            language: vec![],
            location: None,
        }),
    };
    assert_eq!(
        data(Data::Fetch { seq: 3, items: vec![FetchValue::BodyStructure(Box::new(body))] }),
        concat!(
            "* 3 FETCH (BODYSTRUCTURE (",
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 10 1 NIL NIL (\"en\" \"de\") \"http://x/\")",
            "(\"APPLICATION\" \"PDF\" NIL NIL NIL \"BASE64\" 4 \"Q2hlY2s=\" (\"attachment\" (\"filename\" \"a.pdf\")) (\"en\") NIL)",
            " \"MIXED\" (\"BOUNDARY\" \"xyz\") NIL NIL NIL))\r\n"
        )
    );
    // Without extension values, BODYSTRUCTURE writes none.
    let plain = rfc3501_multipart(None);
    assert!(data(Data::Fetch {
        seq: 1,
        items: vec![FetchValue::BodyStructure(Box::new(plain))]
    })
    .ends_with("4554 73) \"MIXED\"))\r\n"));
}

#[test]
fn fetch_message_rfc822_part() {
    let inner = text_part(&[], None, None, "7BIT", 20, 2);
    let msg = |inner: BodyStructure| BodyStructure::Single {
        basic: BasicFields {
            media_type: b("MESSAGE"),
            subtype: b("RFC822"),
            params: vec![],
            id: None,
            description: None,
            encoding: b("7BIT"),
            size: 100,
        },
        specific: SpecificFields::Message {
            envelope: Box::new(Envelope {
                subject: Some(b("hi")),
                ..Envelope::default()
            }),
            body: Box::new(inner),
            lines: 5,
        },
        extension: Some(SinglePartExtension::default()),
    };
    let expected_body = concat!(
        "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 100 ",
        "(NIL \"hi\" NIL NIL NIL NIL NIL NIL NIL NIL) ",
        "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 20 2) 5"
    );
    assert_eq!(
        data(Data::Fetch {
            seq: 1,
            items: vec![FetchValue::Body(Box::new(msg(inner.clone())))]
        }),
        format!("* 1 FETCH (BODY {expected_body}))\r\n")
    );
    assert_eq!(
        data(Data::Fetch {
            seq: 1,
            items: vec![FetchValue::BodyStructure(Box::new(msg(inner)))]
        }),
        format!("* 1 FETCH (BODYSTRUCTURE {expected_body} NIL NIL NIL NIL))\r\n")
    );
}

#[test]
fn fetch_sections_uid_and_rfc822() {
    let section = |part: Vec<u32>, text: Option<SectionText>| Section { part, text };
    let header = "Subject: hi\r\n\r\n";
    let items = vec![
        FetchValue::Uid(4827313),
        FetchValue::BodySection {
            section: section(vec![], Some(SectionText::Header)),
            origin: None,
            data: Some(b(header)),
        },
        FetchValue::BodySection {
            section: section(vec![], None),
            origin: Some(0),
            data: Some(b("abc")),
        },
        FetchValue::BodySection {
            section: section(vec![1, 2], Some(SectionText::Mime)),
            origin: None,
            data: None,
        },
        FetchValue::BodySection {
            section: section(
                vec![],
                Some(SectionText::HeaderFields(vec![b("FROM"), b("TO")])),
            ),
            origin: None,
            data: Some(b("")),
        },
        FetchValue::BodySection {
            section: section(vec![2], Some(SectionText::HeaderFieldsNot(vec![b("X Y")]))),
            origin: None,
            data: Some(b("NIL")),
        },
        FetchValue::BodySection {
            section: section(vec![3], Some(SectionText::Text)),
            origin: None,
            data: None,
        },
        FetchValue::Rfc822(Some(b("x\r\n"))),
        FetchValue::Rfc822Header(None),
        FetchValue::Rfc822Text(Some(b("body"))),
    ];
    assert_eq!(
        data(Data::Fetch { seq: 12, items }),
        concat!(
            "* 12 FETCH (UID 4827313 BODY[HEADER] {15}\r\nSubject: hi\r\n\r\n ",
            "BODY[]<0> \"abc\" BODY[1.2.MIME] NIL BODY[HEADER.FIELDS (FROM TO)] \"\" ",
            "BODY[2.HEADER.FIELDS.NOT (\"X Y\")] \"NIL\" BODY[3.TEXT] NIL ",
            "RFC822 {3}\r\nx\r\n RFC822.HEADER NIL RFC822.TEXT \"body\")\r\n"
        )
    );
    // RFC 3501 §6.4.6 example.
    let items = vec![FetchValue::Flags(vec![Flag::Deleted, Flag::Seen])];
    assert_eq!(
        data(Data::Fetch { seq: 2, items }),
        "* 2 FETCH (FLAGS (\\Deleted \\Seen))\r\n"
    );
}

// --- commands ------------------------------------------------------------------------

#[test]
fn simple_commands() {
    for (body, wire) in [
        (CommandBody::Capability, "CAPABILITY"),
        (CommandBody::Noop, "NOOP"),
        (CommandBody::Logout, "LOGOUT"),
        (CommandBody::StartTls, "STARTTLS"),
        (CommandBody::Namespace, "NAMESPACE"),
        (CommandBody::Idle, "IDLE"),
        (CommandBody::Check, "CHECK"),
        (CommandBody::Close, "CLOSE"),
        (CommandBody::Expunge, "EXPUNGE"),
        (CommandBody::Unselect, "UNSELECT"),
    ] {
        assert_eq!(cmd("a1", body), format!("a1 {wire}\r\n"));
    }
}

#[test]
fn authentication_commands() {
    // RFC 3501 §6.2.3 and §8.
    let login = |u: &str, p: &str| CommandBody::Login {
        username: b(u),
        password: b(p),
    };
    assert_eq!(
        cmd("a001", login("SMITH", "SESAME")),
        "a001 LOGIN SMITH SESAME\r\n"
    );
    assert_eq!(cmd("a1", login("fred", "")), "a1 LOGIN fred \"\"\r\n");
    assert_eq!(
        cmd("a1", login("fred", "p\"w d")),
        "a1 LOGIN fred \"p\\\"w d\"\r\n"
    );
    assert_eq!(
        cmd("a1", login("fr\u{e9}d", "x")),
        "a1 LOGIN {5}\r\nfr\u{e9}d x\r\n"
    );
    // RFC 3501 §6.2.2; RFC 4959 §3 initial response.
    let auth = |ir: Option<&str>| CommandBody::Authenticate {
        mechanism: "PLAIN".into(),
        initial_response: ir.map(Into::into),
    };
    assert_eq!(cmd("a1", auth(None)), "a1 AUTHENTICATE PLAIN\r\n");
    assert_eq!(cmd("a1", auth(Some("="))), "a1 AUTHENTICATE PLAIN =\r\n");
    assert_eq!(
        cmd("a1", auth(Some("AGZyZWQAcGFzcw=="))),
        "a1 AUTHENTICATE PLAIN AGZyZWQAcGFzcw==\r\n"
    );
}

#[test]
fn mailbox_commands() {
    assert_eq!(
        cmd(
            "A142",
            CommandBody::Select {
                mailbox: mbox("INBOX"),
                params: vec![]
            }
        ),
        "A142 SELECT INBOX\r\n"
    );
    assert_eq!(
        cmd(
            "A932",
            CommandBody::Examine {
                mailbox: mbox("blurdybloop"),
                params: vec![]
            }
        ),
        "A932 EXAMINE blurdybloop\r\n"
    );
    assert_eq!(
        cmd(
            "A003",
            CommandBody::Create {
                mailbox: mbox("owatagusiam/"),
                special_use: None,
            }
        ),
        "A003 CREATE owatagusiam/\r\n"
    );
    assert_eq!(
        cmd(
            "A683",
            CommandBody::Delete {
                mailbox: mbox("blurdybloop")
            }
        ),
        "A683 DELETE blurdybloop\r\n"
    );
    assert_eq!(
        cmd(
            "A683",
            CommandBody::Rename {
                from: mbox("blurdybloop"),
                to: mbox("sarasoop")
            }
        ),
        "A683 RENAME blurdybloop sarasoop\r\n"
    );
    assert_eq!(
        cmd(
            "A002",
            CommandBody::Subscribe {
                mailbox: mbox("#news.comp.mail.mime")
            }
        ),
        "A002 SUBSCRIBE #news.comp.mail.mime\r\n"
    );
    assert_eq!(
        cmd(
            "A002",
            CommandBody::Unsubscribe {
                mailbox: mbox("#news.comp.mail.mime")
            }
        ),
        "A002 UNSUBSCRIBE #news.comp.mail.mime\r\n"
    );
    // RFC 3501 §6.3.8, §6.3.9.
    assert_eq!(
        cmd(
            "A101",
            CommandBody::List {
                reference: mbox(""),
                pattern: mbox("")
            }
        ),
        "A101 LIST \"\" \"\"\r\n"
    );
    assert_eq!(
        cmd(
            "A202",
            CommandBody::List {
                reference: mbox("~/Mail/"),
                pattern: mbox("%")
            }
        ),
        "A202 LIST ~/Mail/ %\r\n"
    );
    assert_eq!(
        cmd(
            "A002",
            CommandBody::Lsub {
                reference: mbox("#news."),
                pattern: mbox("comp.mail.*")
            }
        ),
        "A002 LSUB #news. comp.mail.*\r\n"
    );
    // RFC 3501 §6.3.10.
    assert_eq!(
        cmd(
            "A042",
            CommandBody::Status {
                mailbox: mbox("blurdybloop"),
                items: vec![StatusItem::UidNext, StatusItem::Messages]
            }
        ),
        "A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n"
    );
    assert_eq!(
        cmd(
            "a",
            CommandBody::Status {
                mailbox: mbox("x"),
                items: vec![
                    StatusItem::Recent,
                    StatusItem::UidValidity,
                    StatusItem::Unseen
                ]
            }
        ),
        "a STATUS x (RECENT UIDVALIDITY UNSEEN)\r\n"
    );
}

#[test]
fn append_enable_id() {
    let msg = b"Subject: hi\r\n\r\nbody\r\n".to_vec();
    let append = |flags: Vec<Flag>, date: Option<DateTime>| CommandBody::Append {
        mailbox: mbox("saved-messages"),
        flags,
        date,
        message: msg.clone(),
        more: vec![],
        catenate: None,
    };
    assert_eq!(
        cmd("A003", append(vec![], None)),
        "A003 APPEND saved-messages {21}\r\nSubject: hi\r\n\r\nbody\r\n\r\n"
    );
    let date = DateTime {
        date: Date {
            year: 1994,
            month: 2,
            day: 7,
        },
        hour: 21,
        minute: 52,
        second: 25,
        zone_minutes: -480,
    };
    assert_eq!(
        cmd("A003", append(vec![Flag::Seen], Some(date))),
        "A003 APPEND saved-messages (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {21}\r\nSubject: hi\r\n\r\nbody\r\n\r\n"
    );
    let empty = CommandBody::Append {
        mailbox: mbox("x"),
        flags: vec![],
        date: None,
        message: vec![],
        more: vec![],
        catenate: None,
    };
    assert_eq!(cmd("a", empty), "a APPEND x {0}\r\n\r\n");
    // RFC 3502 §6: MULTIAPPEND, the second message in the form of RFC 3502 §3's example.
    let multi = CommandBody::Append {
        mailbox: mbox("saved-messages"),
        flags: vec![Flag::Seen],
        date: None,
        message: b"a\r\n".to_vec(),
        more: vec![crate::protocol::types::AppendMessage {
            flags: vec![Flag::Seen],
            date: Some(date),
            message: b"b\r\n".to_vec(),
            catenate: None,
        }],
        catenate: None,
    };
    assert_eq!(
        cmd("A003", multi),
        "A003 APPEND saved-messages (\\Seen) {3}\r\na\r\n (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {3}\r\nb\r\n\r\n"
    );
    assert_eq!(
        cmd(
            "t",
            CommandBody::Enable {
                capabilities: vec!["CONDSTORE".into(), "X-GOOD-IDEA".into()]
            }
        ),
        "t ENABLE CONDSTORE X-GOOD-IDEA\r\n"
    );
    assert_eq!(
        cmd("a023", CommandBody::Id { parameters: None }),
        "a023 ID NIL\r\n"
    );
    let params = vec![(b("name"), Some(b("sodr"))), (b("version"), None)];
    assert_eq!(
        cmd(
            "a023",
            CommandBody::Id {
                parameters: Some(params)
            }
        ),
        "a023 ID (\"name\" \"sodr\" \"version\" NIL)\r\n"
    );
}

#[test]
fn selected_state_commands() {
    // RFC 4315 §2.1.
    assert_eq!(
        cmd(
            "A003",
            CommandBody::UidExpunge {
                set: set(&[(3000, Some(3002))])
            }
        ),
        "A003 UID EXPUNGE 3000:3002\r\n"
    );
    // RFC 3501 §6.4.6.
    let store = |kind, silent, uid| CommandBody::Store {
        set: set(&[(2, Some(4))]),
        kind,
        silent,
        flags: vec![Flag::Deleted],
        uid,
        unchanged_since: None,
    };
    assert_eq!(
        cmd("A003", store(StoreKind::Add, false, false)),
        "A003 STORE 2:4 +FLAGS (\\Deleted)\r\n"
    );
    assert_eq!(
        cmd("A003", store(StoreKind::Add, true, false)),
        "A003 STORE 2:4 +FLAGS.SILENT (\\Deleted)\r\n"
    );
    assert_eq!(
        cmd("A003", store(StoreKind::Remove, true, true)),
        "A003 UID STORE 2:4 -FLAGS.SILENT (\\Deleted)\r\n"
    );
    assert_eq!(
        cmd("A003", store(StoreKind::Replace, false, false)),
        "A003 STORE 2:4 FLAGS (\\Deleted)\r\n"
    );
    // RFC 3501 §6.4.7; RFC 6851 §3.3.
    assert_eq!(
        cmd(
            "A003",
            CommandBody::Copy {
                set: set(&[(2, Some(4))]),
                mailbox: mbox("MEETING"),
                uid: false
            }
        ),
        "A003 COPY 2:4 MEETING\r\n"
    );
    assert_eq!(
        cmd(
            "a",
            CommandBody::Copy {
                set: set(&[(1, Some(0))]),
                mailbox: mbox("a b"),
                uid: true
            }
        ),
        "a UID COPY 1:* \"a b\"\r\n"
    );
    assert_eq!(
        cmd(
            "a",
            CommandBody::Move {
                set: set(&[(42, Some(69))]),
                mailbox: mbox("foo"),
                uid: true
            }
        ),
        "a UID MOVE 42:69 foo\r\n"
    );
    assert_eq!(
        cmd(
            "a",
            CommandBody::Move {
                set: set(&[(1, None)]),
                mailbox: mbox("foo"),
                uid: false
            }
        ),
        "a MOVE 1 foo\r\n"
    );
}

#[test]
fn fetch_commands() {
    let fetch = |items, uid| CommandBody::Fetch {
        set: set(&[(2, Some(4))]),
        items,
        uid,
        modifiers: FetchModifiers::default(),
    };
    assert_eq!(
        cmd("a", fetch(FetchItems::All, false)),
        "a FETCH 2:4 ALL\r\n"
    );
    assert_eq!(
        cmd("a", fetch(FetchItems::Fast, false)),
        "a FETCH 2:4 FAST\r\n"
    );
    assert_eq!(
        cmd("a003", fetch(FetchItems::Full, false)),
        "a003 FETCH 2:4 FULL\r\n"
    );
    let list = |items: Vec<FetchAtt>, parenthesized| FetchItems::List {
        items,
        parenthesized,
    };
    assert_eq!(
        cmd("A999", fetch(list(vec![FetchAtt::Flags], false), true)),
        "A999 UID FETCH 2:4 FLAGS\r\n"
    );
    assert_eq!(
        cmd("a", fetch(list(vec![FetchAtt::Flags], true), false)),
        "a FETCH 2:4 (FLAGS)\r\n"
    );
    // RFC 3501 §6.4.5 example.
    let header_fields = FetchAtt::BodySection {
        peek: false,
        section: Section {
            part: vec![],
            text: Some(SectionText::HeaderFields(vec![b("DATE"), b("FROM")])),
        },
        partial: None,
    };
    assert_eq!(
        cmd(
            "A654",
            fetch(list(vec![FetchAtt::Flags, header_fields], false), false)
        ),
        "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n"
    );
    let all = vec![
        FetchAtt::Envelope,
        FetchAtt::Flags,
        FetchAtt::InternalDate,
        FetchAtt::Rfc822,
        FetchAtt::Rfc822Header,
        FetchAtt::Rfc822Size,
        FetchAtt::Rfc822Text,
        FetchAtt::Body,
        FetchAtt::BodyStructure,
        FetchAtt::Uid,
        FetchAtt::BodySection {
            peek: true,
            section: Section::default(),
            partial: None,
        },
        FetchAtt::BodySection {
            peek: true,
            section: Section {
                part: vec![1, 2],
                text: Some(SectionText::Mime),
            },
            partial: Some((0, 100)),
        },
        FetchAtt::BodySection {
            peek: false,
            section: Section {
                part: vec![],
                text: Some(SectionText::Header),
            },
            partial: None,
        },
        FetchAtt::BodySection {
            peek: false,
            section: Section {
                part: vec![1],
                text: Some(SectionText::Text),
            },
            partial: Some((10, 5)),
        },
        FetchAtt::BodySection {
            peek: false,
            section: Section {
                part: vec![],
                text: Some(SectionText::HeaderFieldsNot(vec![b("X-A")])),
            },
            partial: None,
        },
    ];
    assert_eq!(
        cmd("a", fetch(list(all, true), true)),
        concat!(
            "a UID FETCH 2:4 (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT ",
            "BODY BODYSTRUCTURE UID BODY.PEEK[] BODY.PEEK[1.2.MIME]<0.100> BODY[HEADER] BODY[1.TEXT]<10.5> ",
            "BODY[HEADER.FIELDS.NOT (X-A)])\r\n"
        )
    );
}

#[test]
fn search_commands() {
    let search = |charset: Option<&str>, criteria, uid| CommandBody::Search {
        charset: charset.map(Into::into),
        criteria,
        uid,
        ret: None,
    };
    let d = |day, month, year| Date { year, month, day };
    // RFC 3501 §6.4.4 examples.
    assert_eq!(
        cmd(
            "A282",
            search(
                None,
                vec![
                    SearchKey::Flagged,
                    SearchKey::Since(d(1, 2, 1994)),
                    SearchKey::Not(Box::new(SearchKey::From(b("Smith"))))
                ],
                false
            )
        ),
        "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n"
    );
    assert_eq!(
        cmd(
            "A283",
            search(
                None,
                vec![SearchKey::Text(b("string not in mailbox"))],
                false
            )
        ),
        "A283 SEARCH TEXT \"string not in mailbox\"\r\n"
    );
    let xyz = "XXXXXX\u{f9}";
    assert_eq!(
        cmd(
            "A284",
            search(Some("UTF-8"), vec![SearchKey::Text(b(xyz))], true)
        ),
        "A284 UID SEARCH CHARSET UTF-8 TEXT {8}\r\nXXXXXX\u{f9}\r\n"
    );
    let every = vec![
        SearchKey::All,
        SearchKey::Answered,
        SearchKey::Bcc(b("a")),
        SearchKey::Before(d(31, 12, 2000)),
        SearchKey::Body(b("b c")),
        SearchKey::Cc(b("")),
        SearchKey::Deleted,
        SearchKey::Draft,
        SearchKey::Flagged,
        SearchKey::From(b("f")),
        SearchKey::Header(b("X-Spam"), b("yes")),
        SearchKey::Keyword("$Junk".into()),
        SearchKey::Larger(100),
        SearchKey::New,
        SearchKey::Not(Box::new(SearchKey::Seen)),
        SearchKey::Old,
        SearchKey::On(d(5, 3, 2001)),
        SearchKey::Or(
            Box::new(SearchKey::Recent),
            Box::new(SearchKey::And(vec![SearchKey::Seen, SearchKey::Unseen])),
        ),
        SearchKey::Recent,
        SearchKey::Seen,
        SearchKey::SentBefore(d(1, 1, 2001)),
        SearchKey::SentOn(d(2, 1, 2001)),
        SearchKey::SentSince(d(3, 1, 2001)),
        SearchKey::Since(d(4, 1, 2001)),
        SearchKey::Smaller(7),
        SearchKey::Subject(b("NIL")),
        SearchKey::Text(b("t")),
        SearchKey::To(b("u")),
        SearchKey::Uid(set(&[(1, Some(0))])),
        SearchKey::Unanswered,
        SearchKey::Undeleted,
        SearchKey::Undraft,
        SearchKey::Unflagged,
        SearchKey::Unkeyword("$Junk".into()),
        SearchKey::Unseen,
        SearchKey::SequenceSet(set(&[(1, None), (3, Some(4))])),
        SearchKey::And(vec![SearchKey::Old]),
    ];
    assert_eq!(
        cmd("a", search(None, every, false)),
        concat!(
            "a SEARCH ALL ANSWERED BCC a BEFORE 31-Dec-2000 BODY \"b c\" CC \"\" DELETED DRAFT FLAGGED ",
            "FROM f HEADER X-Spam yes KEYWORD $Junk LARGER 100 NEW NOT SEEN OLD ON 5-Mar-2001 ",
            "OR RECENT (SEEN UNSEEN) RECENT SEEN SENTBEFORE 1-Jan-2001 SENTON 2-Jan-2001 ",
            "SENTSINCE 3-Jan-2001 SINCE 4-Jan-2001 SMALLER 7 SUBJECT NIL TEXT t TO u UID 1:* ",
            "UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD $Junk UNSEEN 1,3:4 (OLD)\r\n"
        )
    );
}

/// RFC 5256 §3 and §4 examples (RFC 5957 §5 for DISPLAYFROM): each line parses, encodes back to
/// the same octets, and the value is the one written here. The THREAD examples of §3 are
/// printed folded "for editorial clarity"; they are joined here.
#[test]
#[cfg(feature = "sort-thread")]
fn sort_and_thread_rfc5256() {
    use crate::protocol::parse::{parse_command, parse_response};
    use crate::protocol::types::{SortCriterion, SortKey, Thread, ThreadAlgorithm};
    let d = |day, month, year| Date { year, month, day };
    let key = |reverse, key| SortCriterion { reverse, key };
    let commands = [
        (
            "A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n",
            CommandBody::Sort {
                criteria: vec![key(false, SortKey::Subject)],
                charset: "UTF-8".into(),
                search: vec![SearchKey::Since(d(1, 2, 1994))],
                uid: false,
                ret: None,
            },
        ),
        (
            "A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n",
            CommandBody::Sort {
                criteria: vec![key(false, SortKey::Subject), key(true, SortKey::Date)],
                charset: "UTF-8".into(),
                search: vec![SearchKey::All],
                uid: false,
                ret: None,
            },
        ),
        (
            "A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"\r\n",
            CommandBody::Sort {
                criteria: vec![key(false, SortKey::Subject)],
                charset: "US-ASCII".into(),
                search: vec![SearchKey::Text(b("not in mailbox"))],
                uid: false,
                ret: None,
            },
        ),
        (
            "A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-Mar-2000\r\n",
            CommandBody::Thread {
                algorithm: ThreadAlgorithm::OrderedSubject,
                charset: "UTF-8".into(),
                search: vec![SearchKey::Since(d(5, 3, 2000))],
                uid: false,
            },
        ),
        (
            "A284 THREAD ORDEREDSUBJECT US-ASCII TEXT gewp\r\n",
            CommandBody::Thread {
                algorithm: ThreadAlgorithm::OrderedSubject,
                charset: "US-ASCII".into(),
                search: vec![SearchKey::Text(b("gewp"))],
                uid: false,
            },
        ),
        (
            "A285 UID THREAD REFERENCES UTF-8 SINCE 5-Mar-2000 UID 1:*\r\n",
            CommandBody::Thread {
                algorithm: ThreadAlgorithm::References,
                charset: "UTF-8".into(),
                search: vec![SearchKey::Since(d(5, 3, 2000)), SearchKey::Uid(set(&[(1, Some(0))]))],
                uid: true,
            },
        ),
        (
            "a UID SORT (ARRIVAL CC DATE FROM SIZE SUBJECT TO DISPLAYFROM REVERSE DISPLAYTO) \"UTF-8\" ALL\r\n",
            CommandBody::Sort {
                criteria: vec![
                    key(false, SortKey::Arrival),
                    key(false, SortKey::Cc),
                    key(false, SortKey::Date),
                    key(false, SortKey::From),
                    key(false, SortKey::Size),
                    key(false, SortKey::Subject),
                    key(false, SortKey::To),
                    key(false, SortKey::DisplayFrom),
                    key(true, SortKey::DisplayTo),
                ],
                charset: "UTF-8".into(),
                search: vec![SearchKey::All],
                uid: true,
                ret: None,
            },
        ),
        (
            "b THREAD X-NEW UTF-8 ALL\r\n",
            CommandBody::Thread {
                algorithm: ThreadAlgorithm::Other("X-NEW".into()),
                charset: "UTF-8".into(),
                search: vec![SearchKey::All],
                uid: false,
            },
        ),
    ];
    for (line, body) in commands {
        let parsed = parse_command(line.as_bytes()).unwrap();
        assert_eq!(parsed.body, body, "{line}");
        // The charset is written as an atom where the client quoted it.
        let again = line.replace("\"UTF-8\"", "UTF-8");
        assert_eq!(cmd(&parsed.tag.0, body), again);
    }
    for bad in [
        "a SORT SUBJECT UTF-8 ALL\r\n",
        "a SORT () UTF-8 ALL\r\n",
        "a SORT (SUBJECT) ALL\r\n",
        "a SORT (SUBJECT) UTF-8\r\n",
        "a SORT (REVERSE) UTF-8 ALL\r\n",
        "a SORT (SIZE BOGUS) UTF-8 ALL\r\n",
        "a THREAD UTF-8 ALL\r\n",
        "a THREAD REFERENCES UTF-8\r\n",
        "a UID THREAD\r\n",
    ] {
        assert!(parse_command(bad.as_bytes()).is_err(), "{bad}");
    }

    let leaf = |n: u32| Thread {
        members: vec![n],
        children: vec![],
    };
    let node = |members: &[u32], children: Vec<Thread>| Thread {
        members: members.to_vec(),
        children,
    };
    let responses = [
        ("* SORT 2 84 882\r\n", Data::Sort(vec![2, 84, 882], None)),
        (
            "* SORT 5 3 4 1 2\r\n",
            Data::Sort(vec![5, 3, 4, 1, 2], None),
        ),
        ("* SORT\r\n", Data::Sort(vec![], None)),
        ("* SORT 2 3 6\r\n", Data::Sort(vec![2, 3, 6], None)),
        // RFC 7162 §3.1.9: the highest mod-sequence after a non-empty SORT result.
        (
            "* SORT 2 84 882 (MODSEQ 917162500)\r\n",
            Data::Sort(vec![2, 84, 882], Some(917_162_500)),
        ),
        (
            "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
            Data::Thread(vec![
                leaf(2),
                node(
                    &[3, 6],
                    vec![node(&[4, 23], vec![]), node(&[44, 7, 96], vec![])],
                ),
            ]),
        ),
        (
            "* THREAD ((3)(5))\r\n",
            Data::Thread(vec![node(&[], vec![leaf(3), leaf(5)])]),
        ),
        ("* THREAD\r\n", Data::Thread(vec![])),
    ];
    for (line, want) in responses {
        let (parsed, used) = parse_response(line.as_bytes()).unwrap();
        assert_eq!(used, line.len());
        assert_eq!(parsed, Response::Data(want.clone()), "{line}");
        assert_eq!(data(want), line);
    }
    // The three folded examples of §3, joined.
    for line in [
        "* THREAD (166)(167)(168)(169)(172)(170)(171)(173)(174 (175)(176)(178)(181)(180))(179)\
         (177 (183)(182)(188)(184)(185)(186)(187)(189))(190)(191)(192)(193)(194 195)\
         (196 (197)(198))(199)(200 202)(201)(203)(204)(205)(206 207)(208)\r\n",
        "* THREAD (166)(167)(168)(169)(172)((170)(179))(171)(173)((174)(175)(176)(178)(181)(180))\
         ((177)(183)(182)(188 (184)(189))(185 186)(187))(190)(191)(192)(193)((194)(195 196))\
         (197 198)(199)(200 202)(201)(203)(204)(205 206 207)(208)\r\n",
    ] {
        let (parsed, _) = parse_response(line.as_bytes()).unwrap();
        assert_eq!(resp(parsed), line);
    }
    for bad in [
        "* THREAD ()\r\n",
        "* THREAD (1)x\r\n",
        "* SORT 0\r\n",
        "* SORT a\r\n",
    ] {
        assert!(parse_response(bad.as_bytes()).is_err(), "{bad}");
    }
}

/// ESORT (RFC 5267 §3, §5 `extended-sort`): RETURN options after the command name, parsed to
/// their values and written back; an extended SORT's ESEARCH keeps the order of its set (§3.2:
/// `23765,23764` is not a range). Malformed forms do not parse, so the command gets BAD.
#[test]
#[cfg(feature = "sort-thread")]
fn extended_sort_rfc5267() {
    use crate::protocol::parse::{parse_command, parse_response};
    use crate::protocol::types::{SortCriterion, SortKey};
    let key = |reverse, key| SortCriterion { reverse, key };
    let commands = [
        (
            "E01 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk\r\n",
            CommandBody::Sort {
                criteria: vec![key(true, SortKey::Date)],
                charset: "UTF-8".into(),
                search: vec![SearchKey::Undeleted, SearchKey::Unkeyword("$Junk".into())],
                uid: true,
                ret: Some(vec![]),
            },
        ),
        (
            "a sort return (min max partial 9:2 update context save count) (size) utf-8 all\r\n",
            CommandBody::Sort {
                criteria: vec![key(false, SortKey::Size)],
                charset: "utf-8".into(),
                search: vec![SearchKey::All],
                uid: false,
                ret: Some(vec![
                    SearchReturnOpt::Min,
                    SearchReturnOpt::Max,
                    SearchReturnOpt::Partial(9, 2),
                    SearchReturnOpt::Update(vec![]),
                    SearchReturnOpt::Context,
                    SearchReturnOpt::Save,
                    SearchReturnOpt::Count,
                ]),
            },
        ),
    ];
    for (line, body) in commands {
        let parsed = parse_command(line.as_bytes()).unwrap();
        assert_eq!(parsed.body, body, "{line}");
        let again = cmd(&parsed.tag.0, body);
        assert_eq!(parse_command(again.as_bytes()).unwrap(), parsed);
        assert!(again.eq_ignore_ascii_case(line), "{again}");
    }
    for bad in [
        // RFC 5267 §4.3 and §4.3.1 as printed: no sort criteria, no charset.
        "B01 SORT RETURN (UPDATE) FLAGGED\r\n",
        "B02 UID SORT RETURN (UPDATE COUNT) UTF-8 KEYWORD $Junk\r\n",
        "a SORT RETURN (MIN)(DATE) UTF-8 ALL\r\n",
        "a SORT RETURN MIN (DATE) UTF-8 ALL\r\n",
        "a SORT RETURN (BOGUS) (DATE) UTF-8 ALL\r\n",
        "a SORT RETURN (PARTIAL 1:*) (DATE) UTF-8 ALL\r\n",
        "a SORT RETURN (PARTIAL 0:1) (DATE) UTF-8 ALL\r\n",
        "a SORT (DATE) RETURN (ALL) UTF-8 ALL\r\n",
        "a SORT RETURN () UTF-8 ALL\r\n",
    ] {
        assert!(parse_command(bad.as_bytes()).is_err(), "{bad}");
    }
    let line = "* ESEARCH (TAG \"E01\") UID ALL 23765,23764,23763,23761,5:7,1\r\n";
    let (parsed, _) = parse_response(line.as_bytes()).unwrap();
    let Response::Data(Data::ESearch { data, .. }) = &parsed else {
        panic!("{parsed:?}");
    };
    assert_eq!(
        data,
        &vec![SearchReturnData::All(set(&[
            (23765, None),
            (23764, None),
            (23763, None),
            (23761, None),
            (5, Some(7)),
            (1, None)
        ]))]
    );
    assert_eq!(resp(parsed), line);
}

/// A thread nested far deeper than any parser budget is written without recursion.
#[test]
fn deep_thread_is_encoded_iteratively() {
    use crate::protocol::types::Thread;
    let mut t = Thread {
        members: vec![1],
        children: vec![],
    };
    for n in 2..100_000u32 {
        t = Thread {
            members: vec![n],
            children: vec![
                t,
                Thread {
                    members: vec![n + 200_000],
                    children: vec![],
                },
            ],
        };
    }
    let out = data(Data::Thread(vec![t]));
    assert!(out.starts_with("* THREAD (99999 (99998 (99997 "));
    assert!(out.ends_with("(299999))\r\n"));
}

#[test]
fn numbers_are_written_in_decimal_as_to_string_writes_them() {
    for n in [
        0,
        1,
        9,
        10,
        99,
        100,
        4_294_967_295,
        10_000_000_000_000_000_000,
        u64::MAX,
    ] {
        assert_eq!(with(|out| write_number64(n, out)), n.to_string());
    }
}
