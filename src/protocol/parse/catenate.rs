//! CATENATE (RFC 4469 §5): the `append-data` alternative that builds a message from literals
//! and IMAP URLs; only with the `catenate` feature.

use super::core::{astring, keyword, literal, sp};
use super::{fail, PResult};
use crate::protocol::types::CatPart;

/// `append-data =/ "CATENATE" SP "(" cat-part *(SP cat-part) ")"` (RFC 4469 §5), from just
/// after the word CATENATE.
pub(crate) fn catenate(input: &[u8]) -> PResult<'_, Vec<CatPart>> {
    let (mut rest, ()) = sp(input)?;
    let Some((b'(', after)) = rest.split_first() else {
        return fail(rest, "Expected ( after CATENATE");
    };
    rest = after;
    let mut parts = Vec::new();
    loop {
        let (r, part) = cat_part(rest)?;
        parts.push(part);
        match r.split_first() {
            Some((b' ', after)) => rest = after,
            Some((b')', after)) => return Ok((after, parts)),
            _ => return fail(r, "Expected SP or ) after a CATENATE part"),
        }
    }
}

/// `cat-part = text-literal / url`, `text-literal = "TEXT" SP literal`, `url = "URL" SP
/// astring` (RFC 4469 §5).
pub(crate) fn cat_part(input: &[u8]) -> PResult<'_, CatPart> {
    if let Ok((rest, ())) = keyword("TEXT ")(input) {
        let (rest, text) = match literal(rest) {
            Ok(ok) => ok,
            Err(nom::Err::Error(_)) => return fail(rest, "Expected literal after TEXT"),
            Err(e) => return Err(e),
        };
        return Ok((rest, CatPart::Text(text)));
    }
    if let Ok((rest, ())) = keyword("URL ")(input) {
        let (rest, url) = astring(rest)?;
        return match String::from_utf8(url) {
            Ok(url) => Ok((rest, CatPart::Url(url))),
            Err(_) => fail(rest, "Expected URL (invalid UTF-8)"),
        };
    }
    fail(input, "Expected TEXT literal or URL astring in CATENATE")
}
