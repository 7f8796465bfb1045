//! CATENATE (RFC 4469): the message an APPEND builds from TEXT literals and IMAP URLs
//! (RFC 5092) into this server's store.
//!
//! The URLs understood are the ones RFC 4469 §3 describes, to messages and message parts of
//! the current session's user: `/mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s][/;PARTIAL=o[.l]]`,
//! and the same after `imap://[user[;AUTH=...]@]host[:port]` when the user is the session's
//! own. The host is not checked: the sandbox has no name of its own. URLAUTH (RFC 4467, the
//! `;EXPIRE=` and `;URLAUTH=` parts) is not built, and a URL relative to the selected
//! mailbox (no leading `/`) is not resolved either: both answer `NO [BADURL]`, as RFC 4469
//! §3 allows ("a server implementing only this specification would return NO to such a
//! request").

use crate::protocol::types::{CatPart, Code, Section};
use crate::server::mailstore::Uid;
use crate::server::{ClientId, Fail, Server};

/// What a URL points to, once parsed.
struct Target {
    mailbox: String,
    uid_validity: Option<u32>,
    uid: u32,
    section: Option<Section>,
    partial: Option<(u32, Option<u32>)>,
}

impl Server {
    /// The octets of the message `parts` describe (RFC 4469 §3: "The APPEND command
    /// concatenates all the message parts"). A URL that cannot be used gives `NO [BADURL url]`
    /// naming it (§4.1: "the first URL ... that has caused the operation to fail"); a message
    /// larger than the largest literal this server accepts, `NO [TOOBIG]` (§4.2: "if the
    /// resulting message exceeds a server-specific message size limit"), found before the
    /// octets are copied. No flag changes on the messages read (§3: "does not cause the \Seen
    /// flag to be set for any catenated body part").
    pub(crate) fn catenate(&self, client: ClientId, parts: &[CatPart]) -> Result<Vec<u8>, Fail> {
        let user = self.user_of(client);
        let max = self.limits.max_literal;
        let mut out = Vec::new();
        for part in parts {
            let piece: &[u8];
            let owned;
            match part {
                CatPart::Text(text) => piece = text,
                CatPart::Url(url) => {
                    owned = self.url_octets(&user, url).map_err(|why| {
                        Fail::no(format!("CATENATE: {why}")).with_code(Code::BadUrl(url.clone()))
                    })?;
                    piece = &owned;
                }
            }
            if out.len().saturating_add(piece.len()) > max {
                return Err(Fail::no(format!(
                    "CATENATE: the message would be larger than {max} octets"
                ))
                .with_code(Code::TooBig));
            }
            out.extend_from_slice(piece);
        }
        Ok(out)
    }

    /// The octets one URL names, or why it names none.
    fn url_octets(&self, user: &str, url: &str) -> Result<Vec<u8>, String> {
        let t = parse_url(user, url)?;
        let name = crate::protocol::utf7::encode(&t.mailbox);
        let mb = self
            .store
            .by_name(&name)
            .ok_or_else(|| format!("no mailbox {}", t.mailbox))?;
        if t.uid_validity.is_some_and(|v| v != mb.uid_validity) {
            return Err(format!(
                "the UIDVALIDITY of {} is {}",
                t.mailbox, mb.uid_validity
            ));
        }
        let m = mb
            .message(Uid(t.uid))
            .ok_or_else(|| format!("no message with UID {} in {}", t.uid, t.mailbox))?;
        let raw = &m.data.raw;
        let data = match &t.section {
            None => raw.to_vec(),
            Some(s) => m
                .data
                .mime()
                .section(raw, s)
                .ok_or_else(|| "no such section in the message".to_string())?,
        };
        // RFC 5092 §3: `ipartial = ";PARTIAL=" partial-range`, `partial-range = number ["."
        // nz-number]`: the octets from the offset on, as many as the length says.
        Ok(match t.partial {
            None => data,
            Some((offset, len)) => {
                let start = (offset as usize).min(data.len());
                let end = len.map_or(data.len(), |l| {
                    start.saturating_add(l as usize).min(data.len())
                });
                data.get(start..end).map(<[u8]>::to_vec).unwrap_or_default()
            }
        })
    }
}

/// Parses an IMAP URL (RFC 5092 §9 `imapurl`, or the `/`-rooted relative form of RFC 4469 §3)
/// naming a message or part of `user`'s.
fn parse_url(user: &str, url: &str) -> Result<Target, String> {
    let path = match strip_prefix_ignore_case(url, "imap://") {
        Some(rest) => {
            let slash = rest.find('/').ok_or("no mailbox in the URL")?;
            let (server, path) = rest.split_at(slash);
            // `iserver = [iuserinfo "@"] host [":" port]`, `iuserinfo = enc-user [iauth] /
            // [enc-user] iauth`: the user, when named, must be the session's (RFC 4469 §3).
            if let Some((userinfo, _host)) = server.rsplit_once('@') {
                let enc_user = userinfo.split(';').next().unwrap_or_default();
                if !enc_user.is_empty() && percent_decode(enc_user)? != user {
                    return Err("the URL names another user".into());
                }
            }
            path
        }
        None if url.starts_with('/') => url,
        None => return Err("only URLs beginning with / or imap:// are resolved".into()),
    };
    let path = path.get(1..).unwrap_or_default();
    let mut segments = path.split("/;");
    let first = segments.next().unwrap_or_default();
    // `imailbox-ref = enc-mailbox [uidvalidity]`, `uidvalidity = ";UIDVALIDITY=" nz-number`.
    let (enc_mailbox, uid_validity) = match find_ignore_case(first, ";UIDVALIDITY=") {
        Some(i) => {
            let n = first.get(i + 13..).unwrap_or_default();
            (first.get(..i).unwrap_or_default(), Some(nz_number(n)?))
        }
        None => (first, None),
    };
    if enc_mailbox.is_empty() || enc_mailbox.contains(';') {
        return Err("no mailbox in the URL".into());
    }
    let mailbox = percent_decode(enc_mailbox)?;
    let mut uid = None;
    let mut section = None;
    let mut partial = None;
    for segment in segments {
        let (key, value) = segment.split_once('=').ok_or("a URL part without =")?;
        match key.to_ascii_uppercase().as_str() {
            // `iuid = "/;UID=" nz-number`, first after the mailbox.
            "UID" if uid.is_none() => uid = Some(nz_number(value)?),
            // `isection = "/;SECTION=" enc-section`, a `section-spec` (RFC 3501 §9).
            "SECTION" if uid.is_some() && section.is_none() && partial.is_none() => {
                let spec = format!("[{}]", percent_decode(value)?);
                match crate::protocol::parse::section(spec.as_bytes()) {
                    Ok((b"", s)) => section = Some(s),
                    _ => return Err(format!("{value} is not a section")),
                }
            }
            "PARTIAL" if uid.is_some() && partial.is_none() => {
                let (offset, len) = match value.split_once('.') {
                    Some((o, l)) => (number(o)?, Some(nz_number(l)?)),
                    None => (number(value)?, None),
                };
                partial = Some((offset, len));
            }
            "UID" | "SECTION" | "PARTIAL" => return Err(format!("{key} out of place")),
            _ if key.eq_ignore_ascii_case("URLAUTH") || segment.contains(";URLAUTH=") => {
                return Err("URLAUTH (RFC 4467) is not supported".into())
            }
            _ => return Err(format!("unknown URL part {key}")),
        }
    }
    // `;EXPIRE=` and `;URLAUTH=` (RFC 4467) ride on the last part: refused by the number and
    // section checks above unless alone; say why when present.
    if find_ignore_case(url, ";URLAUTH=").is_some() || find_ignore_case(url, ";EXPIRE=").is_some() {
        return Err("URLAUTH (RFC 4467) is not supported".into());
    }
    Ok(Target {
        mailbox,
        uid_validity,
        uid: uid.ok_or("the URL names no message (;UID=)")?,
        section,
        partial,
    })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn find_ignore_case(s: &str, needle: &str) -> Option<usize> {
    s.to_ascii_uppercase().find(needle)
}

fn number(s: &str) -> Result<u32, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{s:?} is not a number"));
    }
    s.parse().map_err(|_| format!("{s} is out of range"))
}

fn nz_number(s: &str) -> Result<u32, String> {
    match number(s)? {
        0 => Err("0 where a non-zero number belongs".into()),
        n => Ok(n),
    }
}

/// RFC 3986 §2.1 percent-decoding; the result must be UTF-8 (RFC 5092 §3.2, §7.1).
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("a bad %-escape")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "a %-escaped name that is not UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_rfc_4469_and_rfc_5092_parse() {
        let t = parse_url(
            "alice",
            "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME",
        )
        .unwrap();
        assert_eq!(t.mailbox, "Drafts");
        assert_eq!(t.uid_validity, Some(385759045));
        assert_eq!(t.uid, 20);
        assert_eq!(t.section.unwrap().part, vec![1]);
        let t = parse_url(
            "alice",
            "imap://alice;AUTH=*@localhost:143/a%20b/;UID=3/;PARTIAL=2.5",
        )
        .unwrap();
        assert_eq!(
            (t.mailbox.as_str(), t.uid, t.partial),
            ("a b", 3, Some((2, Some(5))))
        );
        for bad in [
            "imap://bob@localhost/INBOX/;UID=1",
            "INBOX/;UID=1",
            "/INBOX",
            "/INBOX/;UID=0",
            "/INBOX/;UID=1/;SECTION=1.FOO",
            "/INBOX/;UID=1/;EXPIRE=2030-01-01T00:00:00Z;URLAUTH=anonymous",
            "/INBOX/;UID=1/;UID=2",
            "/%ZZ/;UID=1",
            "/;UID=1",
        ] {
            assert!(parse_url("alice", bad).is_err(), "{bad}");
        }
    }
}
