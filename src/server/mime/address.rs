//! RFC 5322 §3.4 address lists and the RFC 3501 §7.4.2 ENVELOPE built from a header block.
//! Lenient like a mature server: whatever cannot be parsed is skipped, never an error.

use super::header::{collapse_wsp, fields, unfold};
use crate::protocol::types::{Address, Envelope};

/// Dovecot 2.3.19.1 writes these where an address lacks its local part or domain (`<>`,
/// `To: user`), so that a missing host is never mistaken for a group marker (RFC 3501 §7.4.2:
/// NIL host means group syntax). We follow it.
const MISSING_MAILBOX: &[u8] = b"MISSING_MAILBOX";
const MISSING_DOMAIN: &[u8] = b"MISSING_DOMAIN";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok<'a> {
    /// A run of atext (RFC 5322 §3.2.3); 8-bit octets are accepted as atext.
    Atom(&'a [u8]),
    /// A quoted string, unquoted (RFC 5322 §3.2.4).
    Quoted(Vec<u8>),
    /// A domain literal including its brackets (RFC 5322 §3.4.1).
    Literal(&'a [u8]),
    /// The text of a comment (RFC 5322 §3.2.2).
    Comment(Vec<u8>),
    /// One of `<>:;@,.` (and stray `)` `]`).
    Special(u8),
}

struct Token<'a> {
    tok: Tok<'a>,
    space_before: bool,
}

fn lex(s: &[u8]) -> Vec<Token<'_>> {
    // `Name <user@host>` is seven tokens: room for that at once, not four reallocations.
    let mut out = Vec::with_capacity(8);
    let mut i = 0usize;
    let mut space = false;
    while let Some(&b) = s.get(i) {
        let start = i;
        i = i.saturating_add(1);
        let tok = match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                space = true;
                continue;
            }
            b'"' => {
                let mut q = Vec::new();
                while let Some(&c) = s.get(i) {
                    i = i.saturating_add(1);
                    match c {
                        b'"' => break,
                        b'\\' => {
                            if let Some(&e) = s.get(i) {
                                q.push(e);
                                i = i.saturating_add(1);
                            }
                        }
                        b'\r' | b'\n' => {}
                        _ => q.push(c),
                    }
                }
                Tok::Quoted(q)
            }
            b'(' => {
                // Nested comments are counted, not recursed (RFC 5322 §3.2.2 ccontent).
                let mut depth = 1usize;
                let mut c = Vec::new();
                while let Some(&x) = s.get(i) {
                    i = i.saturating_add(1);
                    match x {
                        b'(' => depth = depth.saturating_add(1),
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        b'\\' => {
                            if let Some(&e) = s.get(i) {
                                c.push(e);
                                i = i.saturating_add(1);
                            }
                            continue;
                        }
                        b'\r' | b'\n' => continue,
                        _ => {}
                    }
                    c.push(x);
                }
                Tok::Comment(c)
            }
            b'[' => {
                while let Some(&x) = s.get(i) {
                    i = i.saturating_add(1);
                    if x == b']' {
                        break;
                    }
                }
                Tok::Literal(s.get(start..i).unwrap_or_default())
            }
            b'<' | b'>' | b':' | b';' | b'@' | b',' | b'.' | b')' | b']' | b'\\' => Tok::Special(b),
            _ => {
                while let Some(&x) = s.get(i) {
                    if x <= b' ' || b"()<>[]:;@\\,.\"".contains(&x) {
                        break;
                    }
                    i = i.saturating_add(1);
                }
                Tok::Atom(s.get(start..i).unwrap_or_default())
            }
        };
        out.push(Token {
            tok,
            space_before: std::mem::take(&mut space),
        });
    }
    out
}

/// An RFC 5322 §3.4 `address-list` (also `mailbox-list`), with the obsolete forms of §4.4
/// tolerated. A group becomes a start marker (NIL NIL name NIL), its members and an end marker
/// (NIL NIL NIL NIL), RFC 3501 §7.4.2. Encoded words stay as written (RFC 3501 §7.4.2 returns
/// header text undecoded).
pub(crate) fn address_list(value: &[u8]) -> Vec<Address> {
    let toks = lex(value);
    let mut p = 0usize;
    let mut out = Vec::new();
    while p < toks.len() {
        if matches!(toks.get(p).map(|t| &t.tok), Some(Tok::Special(b',' | b';'))) {
            p = p.saturating_add(1);
            continue;
        }
        item(&toks, &mut p, &mut out, false);
    }
    out
}

/// One `address` (or `mailbox` inside a group) starting at `*p`; always advances `*p`.
fn item(toks: &[Token<'_>], p: &mut usize, out: &mut Vec<Address>, in_group: bool) {
    let start = *p;
    let mut phrase: Vec<&Token<'_>> = Vec::new();
    let mut comment: Option<Vec<u8>> = None;
    while let Some(t) = toks.get(*p) {
        match &t.tok {
            Tok::Atom(_) | Tok::Quoted(_) | Tok::Special(b'.') => phrase.push(t),
            Tok::Comment(c) => comment = Some(c.clone()),
            _ => break,
        }
        *p = p.saturating_add(1);
    }
    let stop = toks.get(*p).map(|t| &t.tok);
    match stop {
        // RFC 5322 §3.4 `group = display-name ":" [group-list] ";"`.
        Some(Tok::Special(b':')) if !in_group => {
            *p = p.saturating_add(1);
            out.push(Address {
                mailbox: Some(join_phrase(&phrase)),
                ..Address::default()
            });
            while let Some(t) = toks.get(*p) {
                match t.tok {
                    Tok::Special(b';') => {
                        *p = p.saturating_add(1);
                        break;
                    }
                    Tok::Special(b',') | Tok::Comment(_) => *p = p.saturating_add(1),
                    _ => item(toks, p, out, true),
                }
            }
            out.push(Address::default());
        }
        // RFC 5322 §3.4 `name-addr = [display-name] angle-addr`.
        Some(Tok::Special(b'<')) => {
            *p = p.saturating_add(1);
            let adl = route(toks, p);
            // Comments inside the angle brackets (`<user (x)@ (y) example.org>`) are not a
            // display name; dovecot 2.3.19.1 drops them too.
            let (mailbox, host) = addr_spec(toks, p, &mut None, b">");
            if matches!(toks.get(*p).map(|t| &t.tok), Some(Tok::Special(b'>'))) {
                *p = p.saturating_add(1);
            }
            trailing_comments(toks, p, &mut comment);
            let name = if phrase.is_empty() {
                comment
            } else {
                Some(join_phrase(&phrase))
            };
            out.push(address(name, adl, mailbox, host));
        }
        // `addr-spec`: the words read so far were the local part.
        Some(Tok::Special(b'@')) => {
            *p = p.saturating_add(1);
            let host = domain(toks, p, &mut comment, &[]);
            out.push(address(comment, None, Some(join_local(&phrase)), host));
        }
        _ => {
            if !phrase.is_empty() {
                // A bare local part (`To: user`).
                out.push(address(comment, None, Some(join_local(&phrase)), None));
            }
            // Skip whatever stopped us (a stray `>`, a nested `:`, a literal) unless it ends
            // the item, so every call makes progress.
            if *p == start
                || !matches!(
                    toks.get(*p).map(|t| &t.tok),
                    None | Some(Tok::Special(b',' | b';'))
                )
            {
                *p = p.saturating_add(1);
            }
        }
    }
}

fn address(
    name: Option<Vec<u8>>,
    adl: Option<Vec<u8>>,
    mailbox: Option<Vec<u8>>,
    host: Option<Vec<u8>>,
) -> Address {
    Address {
        name,
        adl,
        mailbox: Some(
            mailbox
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| MISSING_MAILBOX.to_vec()),
        ),
        host: Some(
            host.filter(|h| !h.is_empty())
                .unwrap_or_else(|| MISSING_DOMAIN.to_vec()),
        ),
    }
}

/// RFC 5322 §4.4 `obs-route = obs-domain-list ":"`, kept as written without spaces
/// (`@relay.example,@other.example`), which is what RFC 3501 §7.4.2 calls the at-domain-list.
fn route(toks: &[Token<'_>], p: &mut usize) -> Option<Vec<u8>> {
    if !matches!(toks.get(*p).map(|t| &t.tok), Some(Tok::Special(b'@'))) {
        return None;
    }
    let mut adl = Vec::new();
    let mut q = *p;
    while let Some(t) = toks.get(q) {
        q = q.saturating_add(1);
        match &t.tok {
            Tok::Special(b':') => {
                *p = q;
                return Some(adl);
            }
            Tok::Atom(a) | Tok::Literal(a) => adl.extend_from_slice(a),
            Tok::Special(c @ (b'@' | b',' | b'.')) => adl.push(*c),
            Tok::Comment(_) => {}
            _ => break,
        }
    }
    // Not a route after all: leave the tokens for the addr-spec.
    None
}

/// `local-part "@" domain` inside angle brackets, stopping at any of `stops`.
fn addr_spec(
    toks: &[Token<'_>],
    p: &mut usize,
    comment: &mut Option<Vec<u8>>,
    stops: &[u8],
) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let mut local: Vec<&Token<'_>> = Vec::new();
    while let Some(t) = toks.get(*p) {
        match &t.tok {
            Tok::Atom(_) | Tok::Quoted(_) | Tok::Special(b'.') => local.push(t),
            Tok::Comment(c) => *comment = Some(c.clone()),
            _ => break,
        }
        *p = p.saturating_add(1);
    }
    let host = if matches!(toks.get(*p).map(|t| &t.tok), Some(Tok::Special(b'@'))) {
        *p = p.saturating_add(1);
        domain(toks, p, comment, stops)
    } else {
        None
    };
    (Some(join_local(&local)), host)
}

/// RFC 5322 §3.4.1 `domain = dot-atom / domain-literal / obs-domain`, written without spaces.
fn domain(
    toks: &[Token<'_>],
    p: &mut usize,
    comment: &mut Option<Vec<u8>>,
    stops: &[u8],
) -> Option<Vec<u8>> {
    let mut d = Vec::new();
    while let Some(t) = toks.get(*p) {
        match &t.tok {
            Tok::Special(c) if stops.contains(c) => break,
            Tok::Atom(a) | Tok::Literal(a) => d.extend_from_slice(a),
            Tok::Special(b'.') => d.push(b'.'),
            Tok::Comment(c) => *comment = Some(c.clone()),
            _ => break,
        }
        *p = p.saturating_add(1);
    }
    Some(d)
}

fn trailing_comments(toks: &[Token<'_>], p: &mut usize, comment: &mut Option<Vec<u8>>) {
    while let Some(Tok::Comment(c)) = toks.get(*p).map(|t| &t.tok) {
        *comment = Some(c.clone());
        *p = p.saturating_add(1);
    }
}

/// A display name: words separated by one space where the message had whitespace, quoted
/// strings unquoted (`"Smith, Jane"` gives `Smith, Jane`; `John Q. Public` stays as is).
fn join_phrase(words: &[&Token<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, t) in words.iter().enumerate() {
        if i > 0 && t.space_before {
            out.push(b' ');
        }
        push_word(&mut out, &t.tok);
    }
    out
}

/// A local part: words joined as written, without spaces (`x.y.` stays `x.y.`).
fn join_local(words: &[&Token<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for t in words {
        push_word(&mut out, &t.tok);
    }
    out
}

fn push_word(out: &mut Vec<u8>, tok: &Tok<'_>) {
    match tok {
        Tok::Atom(a) | Tok::Literal(a) => out.extend_from_slice(a),
        Tok::Quoted(q) => out.extend_from_slice(q),
        Tok::Special(c) => out.push(*c),
        Tok::Comment(_) => {}
    }
}

/// The subject as ENVELOPE reports it: unfolded, runs of whitespace as one space and none at
/// the end, so that a fold or trailing whitespace (`Subject: a \r\n \t\r\n`) leaves none
/// behind: `"a"`, as dovecot 2.3.19.1 reports it (RFC 3501 §7.4.2 only says "subject").
fn subject(unfolded: &[u8]) -> Vec<u8> {
    let mut s = collapse_wsp(unfolded);
    while s.last() == Some(&b' ') {
        s.pop();
    }
    s
}

/// The text FROM, TO, CC and BCC search (RFC 3501 §6.4.4): the parsed `address-list` written
/// back in one canonical form, `"Display Name" <local@domain>` for each mailbox (the name
/// quoted unless it is one atom, the address always in angle brackets) and `"Group": member,
/// ...;` for a group, joined by `, `; comments are left out. This is the form dovecot 2.3.19.1
/// searches, so a needle such as `user@example.org` finds `<user (x)@ (y) example.org>` and
/// `"Ben Bo" <ben` finds `Ben Bo <ben@...>` written either way. Encoded words are left for
/// the caller to decode.
pub(crate) fn search_form(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut in_group = false;
    let mut first_in_group = false;
    for a in address_list(value) {
        match (&a.mailbox, &a.host) {
            // RFC 3501 §7.4.2: NIL host with a mailbox name starts a group ...
            (Some(group), None) => {
                if !out.is_empty() {
                    out.extend_from_slice(b", ");
                }
                push_phrase(&mut out, group);
                out.extend_from_slice(b": ");
                in_group = true;
                first_in_group = true;
            }
            // ... and NIL mailbox and host ends it.
            (None, None) => {
                if in_group {
                    out.push(b';');
                }
                in_group = false;
            }
            (mailbox, host) => {
                if !out.is_empty() && !first_in_group {
                    out.extend_from_slice(b", ");
                }
                first_in_group = false;
                if let Some(name) = &a.name {
                    push_phrase(&mut out, name);
                    out.push(b' ');
                }
                out.push(b'<');
                if let Some(adl) = &a.adl {
                    out.extend_from_slice(adl);
                    out.push(b':');
                }
                if let Some(m) = mailbox.as_deref().filter(|m| *m != MISSING_MAILBOX) {
                    push_local(&mut out, m);
                }
                if let Some(h) = host.as_deref().filter(|h| *h != MISSING_DOMAIN) {
                    out.push(b'@');
                    out.extend_from_slice(h);
                }
                out.push(b'>');
            }
        }
    }
    out
}

/// RFC 5322 §3.2.3 atext; octets above 127 count as atext, as in [`lex`].
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b) || b >= 0x80
}

fn push_quoted(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// A display name: as is when it is one atom, else as a quoted string (RFC 5322 §3.2.5).
fn push_phrase(out: &mut Vec<u8>, name: &[u8]) {
    if !name.is_empty() && name.iter().all(|&b| is_atext(b)) {
        out.extend_from_slice(name);
    } else {
        push_quoted(out, name);
    }
}

/// A local part: as is when it is a dot-atom, else quoted (RFC 5322 §3.4.1).
fn push_local(out: &mut Vec<u8>, local: &[u8]) {
    let dot_atom = local
        .split(|&b| b == b'.')
        .all(|atom| !atom.is_empty() && atom.iter().all(|&b| is_atext(b)));
    if dot_atom {
        out.extend_from_slice(local);
    } else {
        push_quoted(out, local);
    }
}

/// The ENVELOPE of the entity whose header block is `header` (RFC 3501 §7.4.2). The first
/// occurrence of each field is used. Unstructured fields are unfolded but otherwise as written.
pub(crate) fn envelope(header: &[u8]) -> Envelope {
    let mut env = Envelope::default();
    let mut seen = [false; 10];
    for f in fields(header) {
        let slot = [
            &b"date"[..],
            b"subject",
            b"from",
            b"sender",
            b"reply-to",
            b"to",
            b"cc",
            b"bcc",
            b"in-reply-to",
            b"message-id",
        ]
        .iter()
        .position(|n| f.name.eq_ignore_ascii_case(n));
        let Some(slot) = slot else { continue };
        match seen.get_mut(slot) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        let v = unfold(f.value);
        match slot {
            0 => env.date = Some(v),
            1 => env.subject = Some(subject(&v)),
            2 => env.from = address_list(&v),
            3 => env.sender = address_list(&v),
            4 => env.reply_to = address_list(&v),
            5 => env.to = address_list(&v),
            6 => env.cc = address_list(&v),
            7 => env.bcc = address_list(&v),
            8 => env.in_reply_to = Some(v),
            _ => env.message_id = Some(v),
        }
    }
    // RFC 3501 §7.4.2: "If the Sender or Reply-To lines are absent in the [RFC-2822] header, or
    // are present but empty, the server sets the corresponding member of the envelope to be the
    // same value as the from member".
    if env.sender.is_empty() {
        env.sender = env.from.clone();
    }
    if env.reply_to.is_empty() {
        env.reply_to = env.from.clone();
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: Option<&str>, adl: Option<&str>, mb: Option<&str>, host: Option<&str>) -> Address {
        let v = |s: Option<&str>| s.map(|s| s.as_bytes().to_vec());
        Address {
            name: v(name),
            adl: v(adl),
            mailbox: v(mb),
            host: v(host),
        }
    }

    #[test]
    fn names_comments_routes_and_groups() {
        assert_eq!(
            address_list(b"john@example.com (John Doe), \"Smith, Jane\" <jane@example.com>"),
            vec![
                a(Some("John Doe"), None, Some("john"), Some("example.com")),
                a(Some("Smith, Jane"), None, Some("jane"), Some("example.com")),
            ]
        );
        assert_eq!(
            address_list(b"<@relay.example,@other.example:bob@example.net>"),
            vec![a(
                None,
                Some("@relay.example,@other.example"),
                Some("bob"),
                Some("example.net")
            )]
        );
        assert_eq!(
            address_list(b"Friends: ann@example.com, Ben <ben@example.com>;, nodomain"),
            vec![
                a(None, None, Some("Friends"), None),
                a(None, None, Some("ann"), Some("example.com")),
                a(Some("Ben"), None, Some("ben"), Some("example.com")),
                a(None, None, None, None),
                a(None, None, Some("nodomain"), Some("MISSING_DOMAIN")),
            ]
        );
        assert_eq!(
            address_list(b"<>, @example.com, a@b (c) (d)"),
            vec![
                a(None, None, Some("MISSING_MAILBOX"), Some("MISSING_DOMAIN")),
                a(None, None, Some("MISSING_MAILBOX"), Some("example.com")),
                a(Some("d"), None, Some("a"), Some("b")),
            ]
        );
    }

    #[test]
    fn comments_inside_angle_brackets_are_not_a_name() {
        assert_eq!(
            address_list(b"<user (comment)@ (comment) example.org>"),
            vec![a(None, None, Some("user"), Some("example.org"))]
        );
        assert_eq!(
            address_list(b"<a@b> (trailing)"),
            vec![a(Some("trailing"), None, Some("a"), Some("b"))]
        );
    }

    #[test]
    fn search_form_writes_one_canonical_list() {
        let s = |v: &[u8]| String::from_utf8(search_form(v)).unwrap();
        assert_eq!(
            s(b"<user (comment)@ (comment) example.org>"),
            "<user@example.org>"
        );
        assert_eq!(
            s(b"Team Alpha: ann@alpha.example, \"Ben Bo\" <ben@alpha.example>;, carl@example.com"),
            "\"Team Alpha\": <ann@alpha.example>, \"Ben Bo\" <ben@alpha.example>;, <carl@example.com>"
        );
        assert_eq!(
            s(b"=?utf-8?Q?J=C3=B6rg?= <j@example.de>, \"quoted local\"@example.com, Shop <s@x>"),
            "=?utf-8?Q?J=C3=B6rg?= <j@example.de>, <\"quoted local\"@example.com>, Shop <s@x>"
        );
        assert_eq!(s(b"undisclosed-recipients:;"), "undisclosed-recipients: ;");
        assert_eq!(s(b"\"Doe, Jane\" <jd@x> (Finance)"), "\"Doe, Jane\" <jd@x>");
    }

    #[test]
    fn envelope_subject_loses_folding_whitespace() {
        let env = envelope(b"Subject: folded  subject \r\n \t\r\nMessage-ID: <a@b> \r\n\r\n");
        assert_eq!(env.subject.as_deref(), Some(&b"folded subject"[..]));
        // Other fields keep what unfolding leaves, as dovecot reports them.
        assert_eq!(env.message_id.as_deref(), Some(&b"<a@b> "[..]));
    }

    #[test]
    fn hostile_address_lists_terminate() {
        for s in [
            &b"<<<>>>:::;;;@@@,,,"[..],
            b"(((unterminated",
            b"\"unterminated",
            b"a:b:c:d;e;",
            b"[",
            b"<@a,@b",
        ] {
            let _ = address_list(s);
        }
    }
}
