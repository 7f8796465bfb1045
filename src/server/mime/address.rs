//! RFC 5322 §3.4 address lists and the RFC 3501 §7.4.2 ENVELOPE built from a header block.
//! Lenient like a mature server: whatever cannot be parsed is skipped, never an error.
//!
//! One pass over the field's octets and no token vector: the lexer looks one token ahead (a
//! token is a span of the field; nothing is copied) and the parser writes each address straight
//! in its RFC 3501 §9 wire form, which is what FETCH ENVELOPE sends and the engine keeps. The
//! [`Envelope`] and [`Address`] values (BODYSTRUCTURE, SORT, SEARCH) are read back from those
//! octets, so the two forms cannot differ.

use std::borrow::Cow;

use super::header::{collapse_wsp, fields, unfold_cow};
use crate::protocol::encode::{write_nstring, write_string};
use crate::protocol::types::{Address, Envelope};

/// Dovecot 2.3.19.1 writes these where an address lacks its local part or domain (`<>`,
/// `To: user`), so that a missing host is never mistaken for a group marker (RFC 3501 §7.4.2:
/// NIL host means group syntax). We follow it.
const MISSING_MAILBOX: &[u8] = b"MISSING_MAILBOX";
const MISSING_DOMAIN: &[u8] = b"MISSING_DOMAIN";

#[derive(Debug, Clone, Copy)]
enum Tok {
    /// A run of atext (RFC 5322 §3.2.3); 8-bit octets are accepted as atext.
    Atom,
    /// A quoted string, quotes included (RFC 5322 §3.2.4).
    Quoted,
    /// A domain literal including its brackets (RFC 5322 §3.4.1).
    Literal,
    /// A comment, parentheses included (RFC 5322 §3.2.2).
    Comment,
    /// One of `<>:;@,.` (and stray `)` `]` `\`).
    Special(u8),
}

/// A run of the field's octets, `from..to`; empty when they are equal.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    from: usize,
    to: usize,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    tok: Tok,
    span: Span,
    /// Whitespace (RFC 5322 §3.2.2 FWS) between this token and the one before it.
    space_before: bool,
}

/// Whitespace, controls and RFC 5322 §3.2.3 specials end an atom (a `match`, which compiles to
/// a bit test: the hot loop of FETCH ENVELOPE).
fn ends_atom(c: u8) -> bool {
    c <= b' '
        || matches!(
            c,
            b'(' | b')'
                | b'<'
                | b'>'
                | b'['
                | b']'
                | b':'
                | b';'
                | b'@'
                | b'\\'
                | b','
                | b'.'
                | b'"'
        )
}

/// The token at octet `i` of `s` (after any whitespace), or None at the end.
fn lex(s: &[u8], mut i: usize) -> Option<Token> {
    let mut space_before = false;
    while let Some(b' ' | b'\t' | b'\r' | b'\n') = s.get(i) {
        space_before = true;
        i = i.saturating_add(1);
    }
    let from = i;
    let &b = s.get(i)?;
    i = i.saturating_add(1);
    let tok = match b {
        // RFC 5322 §3.2.4 quoted-string: to the closing DQUOTE, a quoted-pair skipped whole.
        b'"' => {
            while let Some(&c) = s.get(i) {
                i = i.saturating_add(1);
                match c {
                    b'"' => break,
                    b'\\' if i < s.len() => i = i.saturating_add(1),
                    _ => {}
                }
            }
            Tok::Quoted
        }
        b'(' => {
            i = walk_comment(s, i, |_, _| {});
            Tok::Comment
        }
        // RFC 5322 §3.4.1 domain-literal, kept as written.
        b'[' => {
            while let Some(&c) = s.get(i) {
                i = i.saturating_add(1);
                if c == b']' {
                    break;
                }
            }
            Tok::Literal
        }
        b'<' | b'>' | b':' | b';' | b'@' | b',' | b'.' | b')' | b']' | b'\\' => Tok::Special(b),
        // RFC 5322 §3.2.3 atom; the first octet is taken whatever it is, so a control
        // character cannot stop the lexer.
        _ => {
            while let Some(&c) = s.get(i) {
                if ends_atom(c) {
                    break;
                }
                i = i.saturating_add(1);
            }
            Tok::Atom
        }
    };
    Some(Token {
        tok,
        span: Span { from, to: i },
        space_before,
    })
}

/// The field's tokens one at a time, one token of lookahead. Copying it saves a position to
/// come back to (RFC 5322 §4.4 obs-route is only known to be one at its `:`).
#[derive(Clone, Copy)]
struct Lexer<'a> {
    s: &'a [u8],
    cur: Option<Token>,
}

impl<'a> Lexer<'a> {
    fn new(s: &'a [u8]) -> Lexer<'a> {
        Lexer { s, cur: lex(s, 0) }
    }

    fn peek(&self) -> Option<Tok> {
        self.cur.map(|t| t.tok)
    }

    fn bump(&mut self) {
        if let Some(t) = self.cur {
            self.cur = lex(self.s, t.span.to);
        }
    }

    /// Where the next token starts (the end of the field when there is none).
    fn at(&self) -> usize {
        self.cur.map_or(self.s.len(), |t| t.span.from)
    }
}

/// A display name as it was given.
#[derive(Debug, Clone, Copy)]
enum Name {
    None,
    /// RFC 5322 §3.2.5 phrase: the words of the span, one space where they had whitespace.
    Phrase(Span),
    /// The text of the last comment (one token, parentheses included), which mature servers
    /// report as the name of `user@host (Name)`.
    Comment(Span),
}

/// One RFC 5322 §3.4 `mailbox`, as spans of the field.
#[derive(Debug, Clone, Copy)]
struct Mailbox {
    name: Name,
    /// RFC 5322 §4.4 obs-route without its `:` (RFC 3501 §7.4.2 at-domain-list).
    adl: Option<Span>,
    /// The local part's words, joined without spaces; empty is MISSING_MAILBOX.
    local: Span,
    /// The domain's words; absent or empty is MISSING_DOMAIN.
    host: Option<Span>,
}

/// The words of `span` joined as RFC 3501 §7.4.2 reports them: atoms, literals and specials as
/// written, quoted strings unquoted (RFC 5322 §3.2.4), comments left out; with `spaces`, one
/// space before each word after the first that had whitespace before it (a phrase), else none
/// (a local part, domain or route).
fn join(s: &[u8], span: Span, spaces: bool, out: &mut Vec<u8>) {
    // The span ends where a token ended, so lexing it alone gives the same tokens.
    let s = s.get(..span.to).unwrap_or_default();
    let mut next = lex(s, span.from);
    let mut first = true;
    while let Some(t) = next {
        next = lex(s, t.span.to);
        let text = s.get(t.span.from..t.span.to).unwrap_or_default();
        if matches!(t.tok, Tok::Comment) {
            continue;
        }
        if spaces && !first && t.space_before {
            out.push(b' ');
        }
        first = false;
        match t.tok {
            Tok::Quoted => unquote(text, out),
            _ => out.extend_from_slice(text),
        }
    }
}

/// RFC 5322 §3.2.4: the content of a quoted string, each quoted-pair as its octet; line breaks
/// left by unfolding are dropped.
fn unquote(quoted: &[u8], out: &mut Vec<u8>) {
    let mut i = 1;
    while let Some(&c) = quoted.get(i) {
        i += 1;
        match c {
            b'"' => break,
            b'\\' => {
                out.extend(quoted.get(i).copied());
                i += 1;
            }
            b'\r' | b'\n' => {}
            _ => out.push(c),
        }
    }
}

/// RFC 5322 §3.2.2 comment, from octet `from` of `s` (just after its `(`): nested comments are
/// counted, not recursed (ccontent), and a quoted-pair is its octet. Calls `each` with every
/// octet inside the outer parentheses (`true` for a quoted-pair's) and returns the index after
/// the closing `)`, or the end of `s` when there is none.
fn walk_comment(s: &[u8], from: usize, mut each: impl FnMut(u8, bool)) -> usize {
    let (mut depth, mut i) = (1usize, from);
    while let Some(&c) = s.get(i) {
        i = i.saturating_add(1);
        match c {
            b'(' => depth = depth.saturating_add(1),
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            b'\\' => {
                if let Some(&quoted) = s.get(i) {
                    each(quoted, true);
                    i = i.saturating_add(1);
                }
                continue;
            }
            _ => {}
        }
        each(c, false);
    }
    i
}

/// RFC 5322 §3.2.2: the text of a comment without its outer parentheses, nested ones kept,
/// each quoted-pair as its octet, line breaks dropped.
fn comment_text(comment: &[u8], out: &mut Vec<u8>) {
    walk_comment(comment, 1, |c, quoted| {
        if quoted || !matches!(c, b'\r' | b'\n') {
            out.push(c);
        }
    });
}

/// The joined words of `span` ([`join`]): the span itself when joining would give the same
/// octets (no quoted string, comment or line break in it, and, for a phrase, no whitespace but
/// single spaces; for the rest no whitespace at all), as almost every address's parts are;
/// else joined into `scratch`.
fn text<'a>(s: &'a [u8], span: Span, spaces: bool, scratch: &'a mut Vec<u8>) -> &'a [u8] {
    let raw = s.get(span.from..span.to).unwrap_or_default();
    let mut prev = 0u8;
    let verbatim = raw.iter().all(|&b| {
        let ok = match b {
            b'"' | b'(' | b'\t' | b'\r' | b'\n' => false,
            b' ' => spaces && prev != b' ',
            _ => true,
        };
        prev = b;
        ok
    });
    if verbatim {
        return raw;
    }
    scratch.clear();
    join(s, span, spaces, scratch);
    scratch
}

/// The display name's text, if there is one.
fn name_text<'a>(s: &'a [u8], name: Name, scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
    match name {
        Name::None => None,
        Name::Phrase(span) => Some(text(s, span, true, scratch)),
        Name::Comment(span) => {
            scratch.clear();
            comment_text(s.get(span.from..span.to).unwrap_or_default(), scratch);
            Some(scratch)
        }
    }
}

/// `text` or, when it is empty, `missing`.
fn or_missing<'a>(text: &'a [u8], missing: &'static [u8]) -> &'a [u8] {
    if text.is_empty() {
        missing
    } else {
        text
    }
}

/// An RFC 5322 §3.4 `address-list` (also `mailbox-list`), with the obsolete forms of §4.4
/// tolerated, written by `sink`. Encoded words stay as written (RFC 3501 §7.4.2 returns header
/// text undecoded).
fn parse(s: &[u8], sink: &mut Wire<'_>) {
    let mut lx = Lexer::new(s);
    while let Some(t) = lx.peek() {
        // Empty list elements (RFC 5322 §4.4 obs-addr-list) and stray `;`.
        if matches!(t, Tok::Special(b',' | b';')) {
            lx.bump();
            continue;
        }
        item(&mut lx, sink, false);
    }
}

/// The words (atoms, quoted strings and dots) at the lexer, with the comments among them
/// (the last one kept in `comment`): a phrase or an obs-local-part (RFC 5322 §4.1, §4.4).
/// Returns their span (first word to last) and how many there were.
fn words(lx: &mut Lexer<'_>, comment: &mut Option<Span>) -> (Span, usize) {
    let at = lx.at();
    let (mut span, mut count) = (Span { from: at, to: at }, 0usize);
    while let Some(t) = lx.cur {
        match t.tok {
            Tok::Atom | Tok::Quoted | Tok::Special(b'.') => {
                if count == 0 {
                    span.from = t.span.from;
                }
                span.to = t.span.to;
                count = count.saturating_add(1);
            }
            Tok::Comment => *comment = Some(t.span),
            _ => break,
        }
        lx.bump();
    }
    (span, count)
}

/// One `address` (or `mailbox` inside a group) at the lexer; always consumes a token.
fn item(lx: &mut Lexer<'_>, sink: &mut Wire<'_>, in_group: bool) {
    let start = lx.at();
    let mut comment = None;
    let (phrase, words_read) = words(lx, &mut comment);
    let comment_name = |c: Option<Span>| c.map_or(Name::None, Name::Comment);
    match lx.peek() {
        // RFC 5322 §3.4 `group = display-name ":" [group-list] ";"`.
        Some(Tok::Special(b':')) if !in_group => {
            lx.bump();
            sink.group_start(lx.s, phrase);
            while let Some(t) = lx.peek() {
                match t {
                    Tok::Special(b';') => {
                        lx.bump();
                        break;
                    }
                    Tok::Special(b',') | Tok::Comment => lx.bump(),
                    _ => item(lx, sink, true),
                }
            }
            sink.group_end();
        }
        // RFC 5322 §3.4 `name-addr = [display-name] angle-addr`.
        Some(Tok::Special(b'<')) => {
            lx.bump();
            let adl = route(lx);
            // Comments inside the angle brackets (`<user (x)@ (y) example.org>`) are not a
            // display name; dovecot 2.3.19.1 drops them too.
            let (local, _) = words(lx, &mut None);
            let host = matches!(lx.peek(), Some(Tok::Special(b'@'))).then(|| {
                lx.bump();
                domain(lx, &mut None)
            });
            if matches!(lx.peek(), Some(Tok::Special(b'>'))) {
                lx.bump();
            }
            while let Some(Token {
                tok: Tok::Comment,
                span,
                ..
            }) = lx.cur
            {
                comment = Some(span);
                lx.bump();
            }
            let name = if words_read == 0 {
                comment_name(comment)
            } else {
                Name::Phrase(phrase)
            };
            sink.mailbox(
                lx.s,
                &Mailbox {
                    name,
                    adl,
                    local,
                    host,
                },
            );
        }
        // RFC 5322 §3.4.1 `addr-spec`: the words read so far were the local part.
        Some(Tok::Special(b'@')) => {
            lx.bump();
            let host = domain(lx, &mut comment);
            sink.mailbox(
                lx.s,
                &Mailbox {
                    name: comment_name(comment),
                    adl: None,
                    local: phrase,
                    host: Some(host),
                },
            );
        }
        _ => {
            if words_read > 0 {
                // A bare local part (`To: user`).
                sink.mailbox(
                    lx.s,
                    &Mailbox {
                        name: comment_name(comment),
                        adl: None,
                        local: phrase,
                        host: None,
                    },
                );
            }
            // Skip whatever stopped us (a stray `>`, a nested `:`, a literal) unless it ends
            // the item, so every call makes progress.
            if lx.at() == start || !matches!(lx.peek(), None | Some(Tok::Special(b',' | b';'))) {
                lx.bump();
            }
        }
    }
}

/// RFC 5322 §4.4 `obs-route = obs-domain-list ":"`, kept as written without spaces
/// (`@relay.example,@other.example`), which is what RFC 3501 §7.4.2 calls the at-domain-list.
fn route(lx: &mut Lexer<'_>) -> Option<Span> {
    if !matches!(lx.peek(), Some(Tok::Special(b'@'))) {
        return None;
    }
    let mut q = *lx;
    let from = q.at();
    let mut to = from;
    while let Some(t) = q.cur {
        match t.tok {
            Tok::Special(b':') => {
                q.bump();
                *lx = q;
                return Some(Span { from, to });
            }
            Tok::Atom | Tok::Literal | Tok::Special(b'@' | b',' | b'.') => to = t.span.to,
            Tok::Comment => {}
            _ => break,
        }
        q.bump();
    }
    // Not a route after all: the tokens are left for the addr-spec.
    None
}

/// RFC 5322 §3.4.1 `domain = dot-atom / domain-literal / obs-domain`, written without spaces;
/// comments among its words go to `comment`.
fn domain(lx: &mut Lexer<'_>, comment: &mut Option<Span>) -> Span {
    let from = lx.at();
    let mut to = from;
    while let Some(t) = lx.cur {
        match t.tok {
            Tok::Atom | Tok::Literal | Tok::Special(b'.') => to = t.span.to,
            Tok::Comment => *comment = Some(t.span),
            _ => break,
        }
        lx.bump();
    }
    Span { from, to }
}

/// Writes the parsed list as RFC 3501 §9 `env-from` (and friends): `"(" 1*address ")"`, no
/// spaces between the addresses, each `"(" addr-name SP addr-adl SP addr-mailbox SP addr-host
/// ")"`; NIL when there are none (`any` stays false).
struct Wire<'o> {
    out: &'o mut Vec<u8>,
    /// Where a part that is not written as it stands is joined.
    scratch: Vec<u8>,
    any: bool,
}

impl Wire<'_> {
    /// The list's `(` before its first address, then the address's own `(`.
    fn open(&mut self) {
        if !self.any {
            self.any = true;
            self.out.push(b'(');
        }
        self.out.push(b'(');
    }

    fn group_start(&mut self, s: &[u8], name: Span) {
        self.open();
        self.out.extend_from_slice(b"NIL NIL ");
        write_string(text(s, name, true, &mut self.scratch), self.out);
        self.out.extend_from_slice(b" NIL)");
    }

    fn group_end(&mut self) {
        self.open();
        self.out.extend_from_slice(b"NIL NIL NIL NIL)");
    }

    fn mailbox(&mut self, s: &[u8], m: &Mailbox) {
        // RFC 3501 §9: `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"`.
        self.open();
        let (out, scratch) = (&mut *self.out, &mut self.scratch);
        write_nstring(name_text(s, m.name, scratch), out);
        out.push(b' ');
        write_nstring(m.adl.map(|span| text(s, span, false, scratch)), out);
        out.push(b' ');
        let local = text(s, m.local, false, scratch);
        write_string(or_missing(local, MISSING_MAILBOX), out);
        out.push(b' ');
        let host = m.host.map_or(&[][..], |span| text(s, span, false, scratch));
        write_string(or_missing(host, MISSING_DOMAIN), out);
        out.push(b')');
    }
}

/// The address list `value` written as [`Wire`] writes it; `scratch` is working space.
/// Returns whether it held an address (false: NIL was written).
fn write_address_list(value: &[u8], scratch: &mut Vec<u8>, out: &mut Vec<u8>) -> bool {
    let mut wire = Wire {
        out,
        scratch: std::mem::take(scratch),
        any: false,
    };
    parse(value, &mut wire);
    let any = wire.any;
    *scratch = wire.scratch;
    out.extend_from_slice(if any { b")" } else { b"NIL" });
    any
}

/// Reads back the octets [`write_envelope`] and [`write_address_list`] write (and nothing
/// else: it trusts them): RFC 3501 §9 `nstring`s as `write_string` writes them (NIL, a quoted
/// string with `\` before `"` and `\`, or a literal), in parenthesised lists.
struct Reader<'a> {
    s: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = self.s.get(self.i).copied();
        self.i = self.i.saturating_add(1);
        b
    }

    /// One nstring and the separator (SP or `)`) after it.
    fn nstring(&mut self) -> Option<Vec<u8>> {
        let mut v = Vec::new();
        match self.byte()? {
            // NIL
            b'N' => {
                self.i = self.i.saturating_add(3);
                return None;
            }
            b'"' => {
                // The run before the first `"` or `\` at once (most strings have no escape).
                let rest = self.s.get(self.i..).unwrap_or_default();
                let run = rest.iter().position(|&b| b == b'"' || b == b'\\');
                let run = run.unwrap_or(rest.len());
                v.extend_from_slice(rest.get(..run).unwrap_or_default());
                self.i = self.i.saturating_add(run);
                loop {
                    match self.byte() {
                        Some(b'"') | None => break,
                        Some(b'\\') => v.extend(self.byte()),
                        Some(b) => v.push(b),
                    }
                }
            }
            // `{n}` CRLF and n octets
            _ => {
                let mut n = 0usize;
                while let Some(d @ b'0'..=b'9') = self.byte() {
                    n = n.saturating_mul(10).saturating_add(usize::from(d - b'0'));
                }
                let from = self.i.saturating_add(2);
                self.i = from.saturating_add(n);
                v.extend_from_slice(self.s.get(from..self.i).unwrap_or_default());
            }
        }
        self.i = self.i.saturating_add(1);
        Some(v)
    }

    /// An address list (NIL or `(` addresses `)`) and the separator after it.
    fn list(&mut self) -> Vec<Address> {
        let mut list = Vec::new();
        if self.byte() == Some(b'(') {
            while self.byte() == Some(b'(') {
                list.push(Address {
                    name: self.nstring(),
                    adl: self.nstring(),
                    mailbox: self.nstring(),
                    host: self.nstring(),
                });
            }
        } else {
            self.i = self.i.saturating_add(2);
        }
        self.i = self.i.saturating_add(1);
        list
    }
}

/// An RFC 5322 §3.4 `address-list` (also `mailbox-list`), with the obsolete forms of §4.4
/// tolerated. A group becomes a start marker (NIL NIL name NIL), its members and an end marker
/// (NIL NIL NIL NIL), RFC 3501 §7.4.2. Encoded words stay as written (RFC 3501 §7.4.2 returns
/// header text undecoded).
pub(crate) fn address_list(value: &[u8]) -> Vec<Address> {
    let mut wire = Vec::new();
    write_address_list(value, &mut Vec::new(), &mut wire);
    Reader { s: &wire, i: 0 }.list()
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

/// The ten ENVELOPE fields in the order RFC 3501 §7.4.2 lists them.
const ENVELOPE_FIELDS: [&[u8]; 10] = [
    b"date",
    b"subject",
    b"from",
    b"sender",
    b"reply-to",
    b"to",
    b"cc",
    b"bcc",
    b"in-reply-to",
    b"message-id",
];

/// The ENVELOPE of the entity whose header block is `header`, written as RFC 3501 §9
/// `envelope` (`"(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP
/// env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"`): what the engine
/// keeps and copies into every FETCH ENVELOPE. The first occurrence of each field is used;
/// unstructured fields are unfolded but otherwise as written (RFC 3501 §7.4.2).
pub(crate) fn write_envelope(header: &[u8], out: &mut Vec<u8>) {
    let mut values: [Option<Cow<'_, [u8]>>; 10] = Default::default();
    for f in fields(header) {
        let slot = ENVELOPE_FIELDS
            .iter()
            .position(|n| f.name.eq_ignore_ascii_case(n));
        if let Some(v @ None) = slot.and_then(|slot| values.get_mut(slot)) {
            *v = Some(unfold_cow(f.value));
        }
    }
    let mut scratch = Vec::new();
    let mut from = 0..0;
    out.push(b'(');
    for (slot, value) in values.iter().enumerate() {
        if slot > 0 {
            out.push(b' ');
        }
        let at = out.len();
        match (slot, value.as_deref()) {
            (2..=7, Some(v)) if write_address_list(v, &mut scratch, out) => {}
            (2..=7, _) => {
                out.truncate(at);
                // RFC 3501 §7.4.2: "If the Sender or Reply-To lines are absent in the
                // [RFC-2822] header, or are present but empty, the server sets the
                // corresponding member of the envelope to be the same value as the from
                // member".
                if slot == 3 || slot == 4 {
                    let from = out.get(from.clone()).unwrap_or_default().to_vec();
                    out.extend_from_slice(&from);
                } else {
                    out.extend_from_slice(b"NIL");
                }
            }
            (1, Some(v)) => write_string(&subject(v), out),
            (_, v) => write_nstring(v, out),
        }
        if slot == 2 {
            from = at..out.len();
        }
    }
    out.push(b')');
}

/// The ENVELOPE of the entity whose header block is `header` (RFC 3501 §7.4.2), read back from
/// what [`write_envelope`] writes.
pub(crate) fn envelope(header: &[u8]) -> Envelope {
    let mut wire = Vec::new();
    write_envelope(header, &mut wire);
    read_envelope(&wire)
}

/// The [`Envelope`] whose wire form [`write_envelope`] wrote.
pub(crate) fn read_envelope(wire: &[u8]) -> Envelope {
    let mut r = Reader { s: wire, i: 1 };
    // Struct fields are evaluated in the order written: the wire's order.
    Envelope {
        date: r.nstring(),
        subject: r.nstring(),
        from: r.list(),
        sender: r.list(),
        reply_to: r.list(),
        to: r.list(),
        cc: r.list(),
        bcc: r.list(),
        in_reply_to: r.nstring(),
        message_id: r.nstring(),
    }
}

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::EncodedEnvelope;

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

    /// A small deterministic generator (xorshift64), so a failure names its case.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Pieces an address list is made of: whole addresses of every RFC 5322 §3.4 / §4.4 form
    /// and the tokens they are made of, broken ones among them.
    const PIECES: &[&[u8]] = &[
        b"john@example.com",
        b"Jane Q. Public <jane@example.org>",
        b"\"Smith, Jane\" <jane@example.com>",
        b"\"a\\\"b\\\\c\" <x@y>",
        b"\"quoted local\"@example.com",
        b"<@relay.example,@other.example:bob@example.net>",
        b"<@relay.example bob@x>",
        b"Friends: ann@example.com, Ben <ben@example.com>;",
        b"undisclosed-recipients:;",
        b"=?utf-8?Q?J=C3=B6rg?= <j@example.de>",
        b"\xc3\xa9t\xc3\xa9 <\xff@h\xe9>",
        b"<>",
        b"@example.com",
        b"user",
        b"a@[192.0.2.1]",
        b"<user (comment)@ (comment) example.org>",
        b"a@b (c) (d)",
        b"(lead) x@y",
        b"x(y)z@w",
        b"john",
        b"a.b.",
        b"\"unterminated",
        b"\"\"",
        b"\"esc\\\r\\\n\"",
        b"(nested (x) y)",
        b"(esc \\) here)",
        b"(",
        b"()",
        b"[1.2.3.4]",
        b"[",
        b"<",
        b">",
        b":",
        b";",
        b"@",
        b",",
        b".",
        b")",
        b"]",
        b"\\",
        b" ",
        b"\t",
        b"\r\n ",
        b"\n",
        b"\r",
        b"\x00",
        b"\x01",
        b"\xff",
        b"",
    ];

    fn generated(rng: &mut Rng) -> Vec<u8> {
        let mut v = Vec::new();
        for _ in 0..rng.below(10) {
            v.extend_from_slice(PIECES[rng.below(PIECES.len())]);
            v.extend_from_slice([&b""[..], b" ", b", ", b",", b"  "][rng.below(5)]);
        }
        v
    }

    /// The one-pass parser gives what the token-vector parser it replaced gave, address for
    /// address, over generated lists (groups, quoted strings with escapes, comments, routes,
    /// encoded words, missing domains and local parts, bare CR and LF, 8-bit, empty, broken).
    #[test]
    fn the_one_pass_parser_agrees_with_the_token_parser() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for case in 0..30_000 {
            let v = generated(&mut rng);
            assert_eq!(
                address_list(&v),
                reference::address_list(&v),
                "case {case}: {:?}",
                String::from_utf8_lossy(&v)
            );
        }
        for v in [&b""[..], b" ", b",,,", b"a:b:c:d;e;", b"<<<>>>:::;;;@@@,,,"] {
            assert_eq!(address_list(v), reference::address_list(v));
        }
    }

    /// The ENVELOPE the engine keeps (written straight from the header) is, octet for octet,
    /// what the protocol encoder writes for the envelope the old parser built, and the
    /// envelope value equals the old one: fields in any order, repeated, empty or absent
    /// (RFC 3501 §7.4.2's Sender / Reply-To from From), folded.
    #[test]
    fn the_envelope_written_straight_is_the_encoders_envelope() {
        let names: [&[u8]; 12] = [
            b"From",
            b"Sender",
            b"Reply-To",
            b"To",
            b"Cc",
            b"Bcc",
            b"Subject",
            b"Date",
            b"In-Reply-To",
            b"Message-ID",
            b"from",
            b"X-Other",
        ];
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for case in 0..6_000 {
            let mut h = Vec::new();
            for _ in 0..rng.below(9) {
                h.extend_from_slice(names[rng.below(names.len())]);
                h.extend_from_slice(b": ");
                let v = generated(&mut rng);
                // Folding (RFC 5322 §2.2.3) in some; a value may also carry bare CR / LF.
                let fold = rng.below(4) == 0 && v.len() > 2;
                let (a, b) = v.split_at(if fold { v.len() / 2 } else { v.len() });
                h.extend_from_slice(a);
                if fold {
                    h.extend_from_slice(b"\r\n\t");
                }
                h.extend_from_slice(b);
                h.extend_from_slice(b"\r\n");
            }
            h.extend_from_slice(b"\r\n");
            let old = reference::envelope(&h);
            assert_eq!(
                envelope(&h),
                old,
                "case {case}: {:?}",
                String::from_utf8_lossy(&h)
            );
            let mut wire = Vec::new();
            write_envelope(&h, &mut wire);
            assert_eq!(
                wire,
                EncodedEnvelope::new(&old).as_bytes(),
                "case {case}: {:?}",
                String::from_utf8_lossy(&h)
            );
        }
    }
}
