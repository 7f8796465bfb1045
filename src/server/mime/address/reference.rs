//! The address-list parser as it was before the one-pass parser replaced it (a lexer making a
//! token vector, then recursive descent over it), kept unchanged for the tests only: the
//! differential test in `super::tests` holds the new parser to its results, and its ENVELOPE
//! to this one's, over generated address lists.

use super::super::header::{fields, unfold};
use super::{subject, MISSING_DOMAIN, MISSING_MAILBOX};
use crate::protocol::types::{Address, Envelope};

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
pub(super) fn address_list(value: &[u8]) -> Vec<Address> {
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

/// The ENVELOPE of the entity whose header block is `header` (RFC 3501 §7.4.2). The first
/// occurrence of each field is used. Unstructured fields are unfolded but otherwise as written.
pub(super) fn envelope(header: &[u8]) -> Envelope {
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
