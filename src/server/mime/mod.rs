//! The MIME layer of the engine: the part tree of a stored message (RFC 2045, RFC 2046) and what
//! FETCH and SEARCH need from it: ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 §7.4.2), `BODY[section]`
//! (RFC 3501 §6.4.5), header values, the sent date and decoded body text.
//!
//! A [`MimeMessage`] holds only offsets into the message bytes, never copies; the store keeps the
//! bytes and passes them back in. Parsing is one pass per nesting level, bounded by
//! [`MAX_DEPTH`], and never fails: any octets give some tree. This module knows nothing of
//! mailboxes, sessions or the wire syntax.
//!
//! Known answers come from dovecot 2.3.19.1 (Debian 1:2.3.19.1+dfsg1-2.1+deb12u7) fetching the
//! same messages; see `testdata/dovecot-2.3.19.1-fetch.txt` and the tests at the end, and for
//! `BODY[section]` and SEARCH, `testdata/dovecot-2.3.19.1-sections.txt` and `-search.txt`
//! (recorded by `tests/dovecot/reference.py`, replayed by `tests/dovecot_kat.rs`).

mod address;
mod date;
pub(crate) mod decode;
mod header;
pub mod samples;

#[cfg(feature = "sort-thread")]
pub(crate) use date::days_from_civil;
pub use decode::decode_rfc2047;

use crate::protocol::types::{
    BasicFields, BodyStructure, Date, Disposition, Envelope, MultiPartExtension, Section,
    SectionText, SinglePartExtension, SpecificFields,
};
use header::Params;

/// How deep multiparts and message/rfc822 parts may nest before the rest is treated as an opaque
/// leaf, so that hostile input cannot make parsing or BODYSTRUCTURE recurse without bound.
pub const MAX_DEPTH: usize = 32;

/// The parsed MIME tree of one message, computed once per message and cached by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MimeMessage {
    root: Part,
}

/// One entity (RFC 2045 §2.4): a header block and a body, as offsets into the message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    /// The first header octet.
    start: usize,
    /// The first body octet: just after the empty line, or `end` when there is none.
    body: usize,
    /// Just after the last body octet.
    end: usize,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Any non-multipart, non-message part.
    Leaf,
    /// multipart/* (RFC 2046 §5.1); may be empty when no delimiter line was found.
    Multi(Vec<Part>),
    /// message/rfc822 (RFC 2046 §5.2.1): the encapsulated message is the body.
    Message(Box<Part>),
    /// A multipart or message/rfc822 below [`MAX_DEPTH`]: reported as application/octet-stream.
    TooDeep,
}

/// What a part without Content-Type is (RFC 2045 §5.2, RFC 2046 §5.1.5).
#[derive(Clone, Copy, PartialEq, Eq)]
enum DefaultType {
    /// `text/plain; charset=us-ascii`.
    Text,
    /// `message/rfc822`, inside multipart/digest.
    Message,
}

/// The media type of an entity as reported: type, subtype and parameters as written.
struct MediaType {
    media_type: Vec<u8>,
    subtype: Vec<u8>,
    params: Params,
}

impl MediaType {
    fn is(&self, t: &[u8], s: &[u8]) -> bool {
        self.media_type.eq_ignore_ascii_case(t) && self.subtype.eq_ignore_ascii_case(s)
    }
}

fn media_type(header: &[u8], default: DefaultType) -> MediaType {
    media_type_of(
        header::first(header, b"content-type").map(|f| f.value),
        default,
    )
}

/// [`media_type`] from the value of the first Content-Type field, if any.
fn media_type_of(content_type: Option<&[u8]>, default: DefaultType) -> MediaType {
    let parsed = content_type.and_then(header::content_type);
    let (media_type, subtype, mut params) = match (parsed, default) {
        (Some(t), _) => t,
        // RFC 2046 §5.1.5: in a digest, "the default Content-Type value for a body part is
        // changed from text/plain to message/rfc822".
        (None, DefaultType::Message) => (b"message".to_vec(), b"rfc822".to_vec(), Vec::new()),
        // RFC 2045 §5.2: "Content-type: text/plain; charset=us-ascii" is the default, also for
        // a syntactically invalid Content-Type. (Dovecot 2.3.19.1 reports `Content-Type: text`
        // as "text" "" instead; an empty subtype helps no client, so we differ.)
        (None, DefaultType::Text) => (b"text".to_vec(), b"plain".to_vec(), Vec::new()),
    };
    // A text part without a charset is US-ASCII (RFC 2045 §5.2, RFC 2046 §4.1.2); dovecot
    // 2.3.19.1 reports it explicitly, appended after the other parameters.
    if media_type.eq_ignore_ascii_case(b"text")
        && !params
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(b"charset"))
    {
        params.push((b"charset".to_vec(), b"us-ascii".to_vec()));
    }
    MediaType {
        media_type,
        subtype,
        params,
    }
}

fn param<'a>(params: &'a Params, name: &[u8]) -> Option<&'a [u8]> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
}

fn slice(raw: &[u8], from: usize, to: usize) -> &[u8] {
    raw.get(from..to).unwrap_or_default()
}

impl Part {
    fn parse(raw: &[u8], start: usize, end: usize, depth: usize, default: DefaultType) -> Part {
        let entity = slice(raw, start, end);
        let body = start.saturating_add(header::header_len(entity)).min(end);
        let header = slice(raw, start, body);
        let t = media_type(header, default);
        let nested = depth.saturating_add(1);
        let kind = if t.media_type.eq_ignore_ascii_case(b"multipart") {
            if nested > MAX_DEPTH {
                Kind::TooDeep
            } else {
                let child_default = if t.subtype.eq_ignore_ascii_case(b"digest") {
                    DefaultType::Message
                } else {
                    DefaultType::Text
                };
                let parts = match param(&t.params, b"boundary") {
                    Some(b) if !b.is_empty() => split_multipart(raw, body, end, b)
                        .into_iter()
                        .map(|(s, e)| Part::parse(raw, s, e, nested, child_default))
                        .collect(),
                    _ => Vec::new(),
                };
                Kind::Multi(parts)
            }
        } else if t.is(b"message", b"rfc822") {
            if nested > MAX_DEPTH {
                Kind::TooDeep
            } else {
                Kind::Message(Box::new(Part::parse(
                    raw,
                    body,
                    end,
                    nested,
                    DefaultType::Text,
                )))
            }
        } else {
            Kind::Leaf
        };
        Part {
            start,
            body,
            end,
            kind,
        }
    }

    fn header<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        slice(raw, self.start, self.body)
    }

    fn body<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        slice(raw, self.body, self.end)
    }

    /// The part numbered `n` below this one (RFC 3501 §6.4.5), and whether it was picked from
    /// the body parts of a multipart: a multipart's n-th body part; for message/rfc822, the n-th
    /// body part of the encapsulated message, or the encapsulated message itself as part 1 when
    /// it is not multipart. `None` for a leaf, which has no parts below it.
    fn child(&self, n: u32) -> Option<(&Part, bool)> {
        let index = usize::try_from(n).ok()?.checked_sub(1)?;
        match &self.kind {
            Kind::Multi(parts) => Some((parts.get(index)?, true)),
            Kind::Message(inner) => match &inner.kind {
                Kind::Multi(parts) => Some((parts.get(index)?, true)),
                _ => (index == 0).then_some((inner.as_ref(), false)),
            },
            Kind::Leaf | Kind::TooDeep => None,
        }
    }
}

/// The body parts of a multipart body `raw[body..end]` split on `--boundary` lines
/// (RFC 2046 §5.1.1). The line break before a delimiter belongs to the delimiter; the preamble and
/// epilogue are dropped; a missing close delimiter ends the last part at `end`.
fn split_multipart(raw: &[u8], body: usize, end: usize, boundary: &[u8]) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut current: Option<usize> = None;
    let mut line = body;
    while line < end {
        let next = header::line_end(slice(raw, line, end), 0).saturating_add(line);
        if let Some(close) = delimiter(slice(raw, line, next), boundary) {
            if let Some(s) = current.take() {
                parts.push((s, part_end(raw, s, line)));
            }
            if close {
                return parts;
            }
            current = Some(next);
        }
        line = next;
    }
    if let Some(s) = current {
        parts.push((s, end.max(s)));
    }
    parts
}

/// Whether `line` is a delimiter line for `boundary`: `Some(true)` for the close delimiter.
/// RFC 2046 §5.1.1: `"--" boundary` then optional transport padding (LWSP), or `"--" boundary
/// "--"` for the last one.
fn delimiter(line: &[u8], boundary: &[u8]) -> Option<bool> {
    let rest = line.strip_prefix(b"--")?.strip_prefix(boundary)?;
    if rest.starts_with(b"--") {
        return Some(true);
    }
    rest.iter()
        .all(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .then_some(false)
}

/// The end of a part whose delimiter line starts at `delim`: before the CRLF (or LF) that
/// precedes the delimiter (RFC 2046 §5.1.1: "the CRLF preceding the boundary delimiter line is
/// conceptually attached to the boundary").
fn part_end(raw: &[u8], start: usize, delim: usize) -> usize {
    let mut e = delim;
    if e > start && raw.get(e.saturating_sub(1)) == Some(&b'\n') {
        e = e.saturating_sub(1);
        if e > start && raw.get(e.saturating_sub(1)) == Some(&b'\r') {
            e = e.saturating_sub(1);
        }
    }
    e.max(start)
}

fn octets(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `body-fld-lines`: the number of LF in the body, as dovecot 2.3.19.1 counts them (a last line
/// without a line break is not counted; the CRLF before a boundary belongs to the boundary).
fn lines(body: &[u8]) -> u32 {
    octets(body.iter().filter(|&&b| b == b'\n').count())
}

fn field_value(header: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    header::first(header, name).map(|f| header::unfold(f.value))
}

/// `body-fld-dsp` from Content-Disposition (RFC 2183 §2).
fn disposition(header: &[u8]) -> Option<Disposition> {
    let f = header::first(header, b"content-disposition")?;
    let (kind, params) = header::disposition(f.value)?;
    Some(Disposition { kind, params })
}

/// `body-fld-lang` from Content-Language (RFC 3282).
fn language(header: &[u8]) -> Vec<Vec<u8>> {
    header::first(header, b"content-language")
        .map(|f| header::language_list(f.value))
        .unwrap_or_default()
}

fn structure(raw: &[u8], part: &Part, default: DefaultType) -> BodyStructure {
    let header = part.header(raw);
    let mut t = media_type(header, default);
    match &part.kind {
        Kind::Multi(parts) => {
            let child_default = if t.subtype.eq_ignore_ascii_case(b"digest") {
                DefaultType::Message
            } else {
                DefaultType::Text
            };
            let mut parts: Vec<BodyStructure> = parts
                .iter()
                .map(|p| structure(raw, p, child_default))
                .collect();
            if parts.is_empty() {
                // RFC 3501 §9 `body-type-mpart = 1*body SP media-subtype`: a multipart needs a
                // part. Like dovecot 2.3.19.1 we report one empty text/plain.
                parts.push(empty_text());
            }
            BodyStructure::Multi {
                parts,
                subtype: t.subtype,
                // RFC 3501 §7.4.2: "body parameter parenthesized list, body disposition, body
                // language, body location" for multipart extension data.
                extension: Some(MultiPartExtension {
                    params: t.params,
                    disposition: disposition(header),
                    language: language(header),
                    location: field_value(header, b"content-location"),
                }),
            }
        }
        kind => {
            let body = part.body(raw);
            let specific = match kind {
                Kind::Message(inner) => SpecificFields::Message {
                    envelope: Box::new(address::envelope(inner.header(raw))),
                    body: Box::new(structure(raw, inner, DefaultType::Text)),
                    lines: lines(body),
                },
                Kind::TooDeep => {
                    t.media_type = b"application".to_vec();
                    t.subtype = b"octet-stream".to_vec();
                    SpecificFields::Basic
                }
                _ if t.media_type.eq_ignore_ascii_case(b"text") => {
                    SpecificFields::Text { lines: lines(body) }
                }
                _ => SpecificFields::Basic,
            };
            BodyStructure::Single {
                basic: BasicFields {
                    media_type: t.media_type,
                    subtype: t.subtype,
                    params: t.params,
                    id: field_value(header, b"content-id"),
                    description: field_value(header, b"content-description"),
                    // RFC 2045 §6.1: "Content-Transfer-Encoding: 7BIT" is the default.
                    encoding: field_value(header, b"content-transfer-encoding")
                        .filter(|e| !e.is_empty())
                        .unwrap_or_else(|| b"7bit".to_vec()),
                    size: octets(body.len()),
                },
                specific,
                // RFC 3501 §7.4.2: "body MD5, body disposition, body language, body location".
                extension: Some(SinglePartExtension {
                    md5: field_value(header, b"content-md5"),
                    disposition: disposition(header),
                    language: language(header),
                    location: field_value(header, b"content-location"),
                }),
            }
        }
    }
}

fn empty_text() -> BodyStructure {
    BodyStructure::Single {
        basic: BasicFields {
            media_type: b"text".to_vec(),
            subtype: b"plain".to_vec(),
            params: vec![(b"charset".to_vec(), b"us-ascii".to_vec())],
            id: None,
            description: None,
            encoding: b"7bit".to_vec(),
            size: 0,
        },
        specific: SpecificFields::Text { lines: 0 },
        extension: Some(SinglePartExtension::default()),
    }
}

/// BODY is BODYSTRUCTURE without extension data (RFC 3501 §7.4.2), at every level.
pub fn without_extension(b: &BodyStructure) -> BodyStructure {
    match b {
        BodyStructure::Single {
            basic, specific, ..
        } => BodyStructure::Single {
            basic: basic.clone(),
            specific: match specific {
                SpecificFields::Message {
                    envelope,
                    body,
                    lines,
                } => SpecificFields::Message {
                    envelope: envelope.clone(),
                    body: Box::new(without_extension(body)),
                    lines: *lines,
                },
                other => other.clone(),
            },
            extension: None,
        },
        BodyStructure::Multi { parts, subtype, .. } => BodyStructure::Multi {
            parts: parts.iter().map(without_extension).collect(),
            subtype: subtype.clone(),
            extension: None,
        },
    }
}

/// HEADER.FIELDS / HEADER.FIELDS.NOT (RFC 3501 §6.4.5): the matching fields as written, in
/// message order, then the empty line. (Dovecot 2.3.19.1 omits the empty line when nothing is
/// left of a header that had no empty line itself; we always add it, as the RFC describes a
/// header with its delimiting blank line.)
fn header_fields(header: &[u8], names: &[Vec<u8>], keep_listed: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for f in header::fields(header) {
        let listed = names.iter().any(|n| n.eq_ignore_ascii_case(f.name));
        if listed == keep_listed {
            out.extend_from_slice(f.raw);
            if !f.raw.ends_with(b"\n") {
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn collect_text(raw: &[u8], part: &Part, default: DefaultType, out: &mut Vec<u8>) {
    let t = media_type(part.header(raw), default);
    match &part.kind {
        Kind::Multi(parts) => {
            let child_default = if t.subtype.eq_ignore_ascii_case(b"digest") {
                DefaultType::Message
            } else {
                DefaultType::Text
            };
            for p in parts {
                // RFC 3501 §6.4.4 BODY: "in the body of the message". The header lines of a body
                // part (its Content-Type name, Content-Disposition filename, ...) are in the
                // message body (RFC 5322 §2.1, RFC 2046 §5.1.1), so they are searched too.
                separate(out);
                out.extend_from_slice(p.header(raw));
                collect_text(raw, p, child_default, out);
            }
        }
        Kind::Message(inner) => {
            // The encapsulated header is text of the enclosing body too.
            separate(out);
            out.extend_from_slice(inner.header(raw));
            collect_text(raw, inner, DefaultType::Text, out);
        }
        Kind::TooDeep => {}
        Kind::Leaf => {
            if !t.media_type.eq_ignore_ascii_case(b"text") {
                return;
            }
            let body = part.body(raw);
            let encoding = field_value(part.header(raw), b"content-transfer-encoding")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let decoded = match encoding.as_slice() {
                b"quoted-printable" => decode::quoted_printable(body),
                b"base64" => decode::base64(body),
                _ => body.to_vec(),
            };
            let charset = param(&t.params, b"charset").unwrap_or(b"us-ascii");
            // Charsets we cannot convert are searched as raw octets.
            let text = decode::to_utf8(charset, decoded).unwrap_or_else(|raw| raw);
            separate(out);
            out.extend_from_slice(&text);
        }
    }
}

/// What [`MimeMessage::body_text`] of a message is, told from its top-level header alone: the
/// same decisions as [`collect_text`] makes for the top-level part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextShape {
    /// One text part in an identity encoding (7bit, 8bit, binary or none, RFC 2045 §6.2) and a
    /// charset that is not converted: the body text is the body as written
    /// ([`MimeMessage::text_bytes`]).
    AsWritten,
    /// One part that is not text: there is no body text.
    Empty,
    /// Anything else (multipart, message/rfc822, base64, quoted-printable, ISO-8859-1): only
    /// [`MimeMessage::body_text`] tells.
    Decoded,
}

/// The [`TextShape`] of a message: a scan of its top-level header, no part tree.
pub fn text_shape(raw: &[u8]) -> TextShape {
    // Only Content-Type and Content-Transfer-Encoding decide, and a field's name starts its
    // first line (RFC 5322 §2.2), so only lines starting with "content-" are parsed: the
    // first field at or after such a line is what `header::first` finds for its name. The
    // header ends at the first empty line, as `header::header_len` finds it.
    let (mut content_type, mut encoding) = (None, None);
    let line_starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', raw).map(|i| i + 1));
    for start in line_starts {
        let line = raw.get(start..).unwrap_or_default();
        if line.starts_with(b"\n") || line.starts_with(b"\r\n") {
            break;
        }
        if !line
            .get(..8)
            .is_some_and(|n| n.eq_ignore_ascii_case(b"content-"))
        {
            continue;
        }
        if let Some(f) = header::fields(line).next() {
            if f.name.eq_ignore_ascii_case(b"content-type") {
                content_type.get_or_insert(f.value);
            } else if f.name.eq_ignore_ascii_case(b"content-transfer-encoding") {
                encoding.get_or_insert(f.value);
            }
        }
    }
    // As `field_value`: the first field's value, unfolded.
    let encoding = encoding
        .map(header::unfold)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let decoded = matches!(encoding.as_slice(), b"quoted-printable" | b"base64");
    // RFC 2045 §5.2: no Content-Type is text/plain; charset=us-ascii.
    if !decoded && content_type.is_none_or(plain_text_type) {
        return TextShape::AsWritten;
    }
    let t = media_type_of(content_type, DefaultType::Text);
    if t.media_type.eq_ignore_ascii_case(b"multipart") || t.is(b"message", b"rfc822") {
        return TextShape::Decoded;
    }
    if !t.media_type.eq_ignore_ascii_case(b"text") {
        return TextShape::Empty;
    }
    let charset = param(&t.params, b"charset")
        .unwrap_or(b"us-ascii")
        .to_ascii_lowercase();
    if decoded || decode::converts(&charset) {
        TextShape::Decoded
    } else {
        TextShape::AsWritten
    }
}

/// Whether a Content-Type value is `text/<subtype>` with only simple `name=value` parameters
/// (letters, digits, `.`, `_`, `+`, `-`; no quotes, comments, folds or RFC 2231 forms) and at
/// most one charset, not one that [`decode::to_utf8`] converts: the common
/// `text/plain; charset=us-ascii`, told without the allocations of [`media_type`]. `false`
/// says only "ask [`media_type`]".
fn plain_text_type(value: &[u8]) -> bool {
    let simple = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-');
    let blank = |b: &u8| matches!(b, b' ' | b'\t');
    let start = value.iter().position(|b| !blank(b)).unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |e| e + 1);
    let value = value.get(start..end).unwrap_or_default();
    let Some((t, rest)) = value.split_at_checked(5) else {
        return false;
    };
    if !t.eq_ignore_ascii_case(b"text/") {
        return false;
    }
    let mut pieces = rest.split(|&b| b == b';');
    if !pieces
        .next()
        .is_some_and(|sub| !sub.is_empty() && sub.iter().all(simple))
    {
        return false;
    }
    let mut charsets = 0usize;
    for p in pieces {
        let p = p
            .get(p.iter().position(|b| !blank(b)).unwrap_or(p.len())..)
            .unwrap_or_default();
        let Some((name, value)) = p.iter().position(|&b| b == b'=').map(|eq| p.split_at(eq)) else {
            return false;
        };
        let value = value.get(1..).unwrap_or_default();
        let value = value
            .get(..value.iter().rposition(|b| !blank(b)).map_or(0, |e| e + 1))
            .unwrap_or_default();
        let ok = |t: &[u8]| !t.is_empty() && t.iter().all(simple);
        if !ok(name) || !ok(value) {
            return false;
        }
        if name.eq_ignore_ascii_case(b"charset") {
            charsets = charsets.saturating_add(1);
            if charsets > 1 || decode::converts(&value.to_ascii_lowercase()) {
                return false;
            }
        }
    }
    true
}

/// The top-level header block (including the empty line that ends it) and the body of a
/// message: [`MimeMessage::header_bytes`] and [`MimeMessage::text_bytes`] without a part tree.
pub fn split_header(raw: &[u8]) -> (&[u8], &[u8]) {
    raw.split_at(header::header_len(raw).min(raw.len()))
}

/// Ends the text collected so far with a line break, so that a match cannot span two pieces.
fn separate(out: &mut Vec<u8>) {
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
}

/// A part whose Content-Transfer-Encoding the server cannot decode (RFC 3516 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCte;

/// The Content-Transfer-Encodings BINARY decodes (RFC 2045 §6).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cte {
    /// 7bit, 8bit, binary: the data as it is (RFC 2045 §6.2).
    Identity,
    Base64,
    QuotedPrintable,
}

fn transfer_encoding(header: &[u8]) -> Result<Cte, UnknownCte> {
    // RFC 2045 §6.1: no Content-Transfer-Encoding is 7bit; the values are case-insensitive.
    let value = field_value(header, b"content-transfer-encoding").unwrap_or_default();
    match value.trim_ascii().to_ascii_lowercase().as_slice() {
        b"" | b"7bit" | b"8bit" | b"binary" => Ok(Cte::Identity),
        b"base64" => Ok(Cte::Base64),
        b"quoted-printable" => Ok(Cte::QuotedPrintable),
        // RFC 3516 §4.3: "If the server does not know how to decode the section's CTE, it
        // MUST fail the request".
        _ => Err(UnknownCte),
    }
}

/// A message appended with NUL octets (RFC 3516 §4.4 `literal8`), as the store keeps it: each
/// leaf body that holds NUL and has an identity encoding (7bit, 8bit, binary) re-encoded as
/// base64, its Content-Transfer-Encoding changed to say so, every other octet as sent. RFC 3516
/// §4.4: "The server MAY modify the CTE of the appended data, however any such transformation
/// MUST NOT result in a loss of data" (BINARY[part] gives back the octets sent). So BODY[] stays
/// a `string`, which may not hold NUL (RFC 3501 §9 `CHAR8`, RFC 9051 §4.3). `None` when a NUL
/// is anywhere else (a header, a base64 or quoted-printable body, a multipart's preamble):
/// nothing can carry it there.
pub fn nul_to_base64(raw: &[u8]) -> Option<Vec<u8>> {
    let tree = MimeMessage::parse(raw);
    let mut leaves = Vec::new();
    nul_leaves(raw, &tree.root, &mut leaves);
    let mut out = Vec::with_capacity(raw.len().saturating_mul(4) / 3);
    let mut at = 0usize;
    for leaf in leaves {
        out.extend_from_slice(slice(raw, at, leaf.start));
        if transfer_encoding(leaf.header(raw)).ok()? != Cte::Identity {
            return None;
        }
        // The header as written, less its Content-Transfer-Encoding fields and its empty
        // line, then the new field and the empty line.
        let head = leaf.header(raw);
        let mut from = 0usize;
        for f in header::fields(head) {
            if f.name.eq_ignore_ascii_case(b"content-transfer-encoding") {
                let start = (f.raw.as_ptr() as usize).saturating_sub(head.as_ptr() as usize);
                out.extend_from_slice(slice(head, from, start));
                from = start.saturating_add(f.raw.len());
            }
        }
        let rest = slice(head, from, head.len());
        let rest = rest.strip_suffix(b"\n").unwrap_or(rest);
        out.extend_from_slice(rest.strip_suffix(b"\r").unwrap_or(rest));
        out.extend_from_slice(b"Content-Transfer-Encoding: base64\r\n\r\n");
        decode::write_base64(leaf.body(raw), &mut out);
        at = leaf.end;
    }
    out.extend_from_slice(slice(raw, at, raw.len()));
    (!out.contains(&0)).then_some(out)
}

/// The leaf parts whose bodies hold NUL, in message order.
fn nul_leaves<'a>(raw: &[u8], part: &'a Part, out: &mut Vec<&'a Part>) {
    match &part.kind {
        Kind::Leaf if part.body(raw).contains(&0) => out.push(part),
        Kind::Leaf | Kind::TooDeep => {}
        Kind::Multi(parts) => parts.iter().for_each(|p| nul_leaves(raw, p, out)),
        Kind::Message(inner) => nul_leaves(raw, inner, out),
    }
}

/// Every line break a CRLF: a bare LF gets its CR (RFC 3516 §6, RFC 9051 §6.4.5 BINARY).
pub(crate) fn crlf_lines(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut previous = 0u8;
    for &b in data {
        if b == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        previous = b;
    }
    out
}

/// The ENVELOPE (RFC 3501 §7.4.2) of a message, from its header block alone: the same as
/// [`MimeMessage::envelope`] without parsing the MIME structure, which cost the first FETCH of
/// ENVELOPE over distinct messages about a fifth of its time (issue 11, BENCHMARKS.md).
pub fn envelope(raw: &[u8]) -> Envelope {
    address::envelope(raw.get(..header::header_len(raw)).unwrap_or(raw))
}

/// [`envelope`] written as RFC 3501 §9 `envelope` into `out`, without building it: the form
/// the engine keeps and copies into every FETCH ENVELOPE.
pub fn write_envelope(raw: &[u8], out: &mut Vec<u8>) {
    address::write_envelope(raw.get(..header::header_len(raw)).unwrap_or(raw), out);
}

/// The [`Envelope`] whose RFC 3501 §9 octets [`write_envelope`] wrote (the engine keeps them).
pub fn read_envelope(wire: &[u8]) -> Envelope {
    address::read_envelope(wire)
}

impl MimeMessage {
    /// Parses any octets; never panics. O(size × nesting depth), offsets only.
    pub fn parse(raw: &[u8]) -> MimeMessage {
        MimeMessage {
            root: Part::parse(raw, 0, raw.len(), 0, DefaultType::Text),
        }
    }

    /// The ENVELOPE (RFC 3501 §7.4.2) of the message.
    pub fn envelope(&self, raw: &[u8]) -> Envelope {
        address::envelope(self.root.header(raw))
    }

    /// BODYSTRUCTURE (RFC 3501 §7.4.2) with extension data at every level; BODY is
    /// [`without_extension`] of it.
    pub fn body_structure(&self, raw: &[u8]) -> BodyStructure {
        structure(raw, &self.root, DefaultType::Text)
    }

    /// The octets of `BODY[section]` (RFC 3501 §6.4.5), or `None` when the part does not exist
    /// or the text specifier does not apply to it (HEADER / TEXT / HEADER.FIELDS after a part
    /// number need a message/rfc822 part; MIME needs a part number). Dovecot 2.3.19.1 returns
    /// an empty string in those cases; the caller decides what to send.
    pub fn section(&self, raw: &[u8], section: &Section) -> Option<Vec<u8>> {
        // The message itself behaves like the body of a message/rfc822 part: its part 1 is its
        // body unless it is multipart (RFC 3501 §6.4.5: "Non-[MIME-IMB] messages, and
        // non-multipart [MIME-IMB] messages with no encapsulated message, only have a part 1").
        let part = self.locate(&section.part)?;
        // For HEADER / TEXT: the message whose header or text is meant.
        let message = || -> Option<&Part> {
            match (&part.kind, section.part.is_empty()) {
                (_, true) => Some(&self.root),
                (Kind::Message(inner), false) => Some(inner.as_ref()),
                _ => None,
            }
        };
        Some(match &section.text {
            None if section.part.is_empty() => raw.to_vec(),
            None => part.body(raw).to_vec(),
            // RFC 3501 §6.4.5: "The MIME part specifier refers to the [MIME-IMB] header for this
            // part." For a non-multipart message, part 1 is the message, so its header is meant.
            Some(SectionText::Mime) if section.part.is_empty() => return None,
            Some(SectionText::Mime) => part.header(raw).to_vec(),
            Some(SectionText::Header) => message()?.header(raw).to_vec(),
            Some(SectionText::Text) => message()?.body(raw).to_vec(),
            Some(SectionText::HeaderFields(names)) => {
                header_fields(message()?.header(raw), names, true)
            }
            Some(SectionText::HeaderFieldsNot(names)) => {
                header_fields(message()?.header(raw), names, false)
            }
        })
    }

    /// The part a `section-part` names (the whole message when empty), or `None`.
    fn locate(&self, part_numbers: &[u32]) -> Option<&Part> {
        let (top, mut numbered) = match &self.root.kind {
            Kind::Multi(parts) => (parts.as_slice(), true),
            _ => (std::slice::from_ref(&self.root), false),
        };
        let mut numbers = part_numbers.iter();
        let mut part = match numbers.next() {
            Some(&n) => top.get(usize::try_from(n).ok()?.checked_sub(1)?)?,
            None => &self.root,
        };
        for &n in numbers {
            match part.child(n) {
                Some((p, from_multipart)) => (part, numbered) = (p, from_multipart),
                // RFC 3501 §6.4.5: "Every message has at least one part number"; as a message
                // that is not multipart is its own part 1, so is a body part that is not: `n.1`
                // of a leaf n is n itself, as dovecot 2.3.19.1 answers. Only once, and only for
                // a part that has a number of its own in a multipart: `1.1.1` of a leaf 1 does
                // not exist, nor `1.1` of a non-multipart message or `n.1.1` of a message/rfc822
                // n holding one (dovecot answers "" for all of these).
                None if n == 1 && numbered && matches!(part.kind, Kind::Leaf | Kind::TooDeep) => {
                    numbered = false;
                }
                None => return None,
            }
        }
        Some(part)
    }

    /// The octets of `BINARY[part]` (RFC 3516 §4.2, RFC 9051 §6.4.5): a leaf part's body
    /// decoded from its Content-Transfer-Encoding, with the lines of a text/* part ending in
    /// CRLF (RFC 3516 §6); `None` when the part does not exist (the caller sends an empty
    /// string, as for `BODY[section]`), `Err` for an encoding this server cannot decode.
    /// `[]` and multipart and message/rfc822 parts are sent as `BODY[]` sends them: their
    /// own encoding is an identity one (RFC 2045 §6.4) and RFC 9051 §6.4.5 asks for BINARY of
    /// leaf parts only. (Dovecot 2.3.19.1 decodes every leaf inside them instead,
    /// `tests/servers/transcripts/dovecot-2.3.19.1/extra-rfc3516-binary.txt`.)
    pub fn binary(&self, raw: &[u8], part: &[u32]) -> Option<Result<Vec<u8>, UnknownCte>> {
        let found = self.locate(part)?;
        if part.is_empty() {
            return Some(Ok(raw.to_vec()));
        }
        let body = found.body(raw);
        if !matches!(found.kind, Kind::Leaf) {
            return Some(Ok(body.to_vec()));
        }
        let header = found.header(raw);
        let decoded = match transfer_encoding(header) {
            Err(e) => return Some(Err(e)),
            Ok(Cte::Identity) => body.to_vec(),
            Ok(Cte::Base64) => decode::base64(body),
            Ok(Cte::QuotedPrintable) => decode::quoted_printable(body),
        };
        if media_type(header, DefaultType::Text)
            .media_type
            .eq_ignore_ascii_case(b"text")
        {
            return Some(Ok(crlf_lines(&decoded)));
        }
        Some(Ok(decoded))
    }

    /// Whether [`Self::binary`] of this part would be `Err`, found without decoding anything.
    pub fn binary_unknown_cte(&self, raw: &[u8], part: &[u32]) -> bool {
        match self.locate(part) {
            Some(found) if !part.is_empty() && matches!(found.kind, Kind::Leaf) => {
                transfer_encoding(found.header(raw)).is_err()
            }
            _ => false,
        }
    }

    /// The header block of the message, including the empty line that ends it (`BODY[HEADER]`).
    pub fn header_bytes<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        self.root.header(raw)
    }

    /// The body of the message, after the empty line (`BODY[TEXT]`).
    pub fn text_bytes<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        self.root.body(raw)
    }

    /// The values of every top-level field named `field` (case-insensitive), unfolded with each
    /// fold read as a space, in message order, for SEARCH HEADER (RFC 3501 §6.4.4).
    pub fn header_values(&self, raw: &[u8], field: &[u8]) -> Vec<Vec<u8>> {
        header::fields(self.root.header(raw))
            .filter(|f| f.name.eq_ignore_ascii_case(field))
            .map(|f| header::unfold_to_spaces_cow(f.value).into_owned())
            .collect()
    }

    /// Whether `found` holds for one of the values of [`Self::header_values`], each borrowed
    /// from `raw` where it is one line (SEARCH reads every message's fields, and copying them
    /// cost more than comparing them). With `collapse` each run of whitespace reads as one space,
    /// as SEARCH SUBJECT compares the subject (so `two  spaces` is found as `two spaces`, as
    /// dovecot 2.3.19.1 finds it).
    pub fn any_header_value(
        &self,
        raw: &[u8],
        field: &[u8],
        collapse: bool,
        found: &dyn Fn(&[u8]) -> bool,
    ) -> bool {
        header::fields(self.root.header(raw))
            .filter(|f| f.name.eq_ignore_ascii_case(field))
            .any(|f| {
                let value = header::unfold_to_spaces_cow(f.value);
                if collapse {
                    found(&header::collapse_wsp_cow(&value))
                } else {
                    found(&value)
                }
            })
    }

    /// The address fields named `field` as SEARCH FROM / TO / CC / BCC compare them
    /// (RFC 3501 §6.4.4): each parsed and written back in one canonical form (comments left
    /// out, display names quoted, addresses in angle brackets, groups kept), then RFC 2047
    /// encoded words decoded. So `user@example.org` is found in `<user (c)@ (c) example.org>`
    /// and `Jörg Müller <joerg` in `=?utf-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.de>`.
    pub fn address_values(&self, raw: &[u8], field: &[u8]) -> Vec<Vec<u8>> {
        header::fields(self.root.header(raw))
            .filter(|f| f.name.eq_ignore_ascii_case(field))
            .map(|f| decode_rfc2047(&address::search_form(&header::unfold(f.value))))
            .collect()
    }

    /// The date of the Date: header, ignoring time and zone (RFC 3501 §6.4.4 SENTBEFORE etc.).
    pub fn sent_date(&self, raw: &[u8]) -> Option<Date> {
        header::first(self.root.header(raw), b"date").and_then(|f| date::parse_date(f.value))
    }

    /// The sent date and time of RFC 5256 §2.2 (Date: header, normalised to UTC) as seconds
    /// since 1970; `None` when there is no Date: header or its date does not parse.
    pub fn sent_time(&self, raw: &[u8]) -> Option<i64> {
        header::first(self.root.header(raw), b"date").and_then(|f| date::parse_sent_time(f.value))
    }

    /// All text/* leaf bodies, transfer-decoded (RFC 2045 §6.7, §6.8) and, for UTF-8, US-ASCII
    /// and ISO-8859-1, as UTF-8; plus the header lines of every body part and encapsulated
    /// message, as written. For SEARCH BODY and TEXT (RFC 3501 §6.4.4). Left out: the preamble
    /// and epilogue (RFC 2046 §5.1.1: to be ignored), delimiter lines and non-text bodies.
    pub fn body_text(&self, raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        collect_text(raw, &self.root, DefaultType::Text, &mut out);
        out
    }
}

#[cfg(test)]
mod tests;
