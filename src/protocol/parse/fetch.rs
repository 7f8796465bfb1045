//! FETCH attributes and body sections (RFC 3501 §6.4.5, §9).

use super::core::{ascii, astring, byte, number, nz_number, paren_list, sp, word};
use super::{fail, PResult};
use crate::protocol::types::{FetchAtt, Section, SectionText};

/// `fetch-att = "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822" [".HEADER" / ".SIZE" /
/// ".TEXT"] / "BODY" ["STRUCTURE"] / "UID" / "BODY" section ["<" number "." nz-number ">"] /
/// "BODY.PEEK" section ["<" number "." nz-number ">"]` (RFC 3501 §9).
pub fn fetch_att(input: &[u8]) -> PResult<'_, FetchAtt> {
    let (rest, name) = word(input)?;
    let att = match ascii(name).to_ascii_uppercase().as_str() {
        "ENVELOPE" => FetchAtt::Envelope,
        "FLAGS" => FetchAtt::Flags,
        "INTERNALDATE" => FetchAtt::InternalDate,
        "RFC822" => FetchAtt::Rfc822,
        "RFC822.HEADER" => FetchAtt::Rfc822Header,
        "RFC822.SIZE" => FetchAtt::Rfc822Size,
        "RFC822.TEXT" => FetchAtt::Rfc822Text,
        "BODYSTRUCTURE" => FetchAtt::BodyStructure,
        "UID" => FetchAtt::Uid,
        // RFC 7162 §7: `fetch-mod-sequence = "MODSEQ"`.
        "MODSEQ" => FetchAtt::ModSeq,
        "BODY" | "BODY.PEEK" if rest.first() == Some(&b'[') => {
            let peek = name.len() > 4;
            let (rest, section) = section(rest)?;
            let (rest, partial) = partial(rest)?;
            return Ok((
                rest,
                FetchAtt::BodySection {
                    peek,
                    section,
                    partial,
                },
            ));
        }
        "BODY" => FetchAtt::Body,
        // RFC 3516 §7: `"BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE"
        // section-binary`.
        "BINARY" | "BINARY.PEEK" => {
            let (rest, part) = section_binary(rest)?;
            let (rest, partial) = partial(rest)?;
            let peek = name.len() > 6;
            return Ok((
                rest,
                FetchAtt::Binary {
                    peek,
                    part,
                    partial,
                },
            ));
        }
        "BINARY.SIZE" => {
            let (rest, part) = section_binary(rest)?;
            return Ok((rest, FetchAtt::BinarySize { part }));
        }
        _ => return fail(input, "Expected fetch attribute"),
    };
    Ok((rest, att))
}

/// `partial = "<" number "." nz-number ">"` (RFC 3501 §9), when there is one.
fn partial(input: &[u8]) -> PResult<'_, Option<(u32, u32)>> {
    if input.first() != Some(&b'<') {
        return Ok((input, None));
    }
    let (r, origin) = number(input.get(1..).unwrap_or_default())?;
    let (r, ()) = byte(b'.', "Expected . in partial")(r)?;
    let (r, count) = nz_number(r)?;
    let (r, ()) = byte(b'>', "Expected >")(r)?;
    Ok((r, Some((origin, count))))
}

/// `section-binary = "[" [section-part] "]"` (RFC 3516 §7): part numbers only, so
/// `BINARY[HEADER]` or `BINARY[1.MIME]` is a syntax error.
pub fn section_binary(input: &[u8]) -> PResult<'_, Vec<u32>> {
    let (rest, section) = section(input)?;
    if section.text.is_some() {
        return fail(
            input,
            "BINARY takes part numbers only (RFC 3516 section-binary)",
        );
    }
    Ok((rest, section.part))
}

/// `section = "[" [section-spec] "]"` (RFC 3501 §9), with
/// `section-spec = section-msgtext / (section-part ["." section-text])`,
/// `section-part = nz-number *("." nz-number)` and `section-text = section-msgtext / "MIME"`.
pub fn section(input: &[u8]) -> PResult<'_, Section> {
    let (mut rest, ()) = byte(b'[', "Expected [")(input)?;
    let mut part = Vec::new();
    let mut text = None;
    if rest.first().is_some_and(u8::is_ascii_digit) {
        loop {
            let (r, n) = nz_number(rest)?;
            part.push(n);
            rest = r;
            match rest.split_first() {
                Some((b'.', after)) if after.first().is_some_and(u8::is_ascii_digit) => {
                    rest = after;
                }
                Some((b'.', after)) => {
                    let (r, t) = section_text(after, true)?;
                    text = Some(t);
                    rest = r;
                    break;
                }
                _ => break,
            }
        }
    } else if rest.first() != Some(&b']') {
        let (r, t) = section_text(rest, false)?;
        text = Some(t);
        rest = r;
    }
    let (rest, ()) = byte(b']', "Expected ]")(rest)?;
    Ok((rest, Section { part, text }))
}

/// `section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"`, and
/// `"MIME"` after a part number (RFC 3501 §9 `section-text`).
fn section_text(input: &[u8], after_part: bool) -> PResult<'_, SectionText> {
    let (rest, name) = word(input)?;
    match ascii(name).to_ascii_uppercase().as_str() {
        "HEADER" => Ok((rest, SectionText::Header)),
        "TEXT" => Ok((rest, SectionText::Text)),
        "MIME" if after_part => Ok((rest, SectionText::Mime)),
        "HEADER.FIELDS" => {
            let (rest, ()) = sp(rest)?;
            let (rest, list) = header_list(rest)?;
            Ok((rest, SectionText::HeaderFields(list)))
        }
        "HEADER.FIELDS.NOT" => {
            let (rest, ()) = sp(rest)?;
            let (rest, list) = header_list(rest)?;
            Ok((rest, SectionText::HeaderFieldsNot(list)))
        }
        _ => fail(input, "Expected section text"),
    }
}

/// `header-list = "(" header-fld-name *(SP header-fld-name) ")"`, `header-fld-name = astring`
/// (RFC 3501 §9).
pub fn header_list(input: &[u8]) -> PResult<'_, Vec<Vec<u8>>> {
    match input.first() {
        Some(b'(') => paren_list(input, false, astring),
        _ => fail(input, "Expected header list"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes() {
        assert_eq!(fetch_att(b"flags").unwrap().1, FetchAtt::Flags);
        assert_eq!(fetch_att(b"RFC822.SIZE").unwrap().1, FetchAtt::Rfc822Size);
        assert_eq!(fetch_att(b"BODY ").unwrap().1, FetchAtt::Body);
        assert_eq!(
            fetch_att(b"BODYSTRUCTURE").unwrap().1,
            FetchAtt::BodyStructure
        );
        assert_eq!(
            fetch_att(b"BODY.PEEK[1.2.MIME]<0.100>").unwrap().1,
            FetchAtt::BodySection {
                peek: true,
                section: Section {
                    part: vec![1, 2],
                    text: Some(SectionText::Mime)
                },
                partial: Some((0, 100)),
            }
        );
        assert_eq!(
            fetch_att(b"BODY[]").unwrap().1,
            FetchAtt::BodySection {
                peek: false,
                section: Section::default(),
                partial: None
            }
        );
        for bad in [
            &b"BODY.PEEK"[..],
            b"FOO",
            b"BODY[",
            b"BODY[]<0.0>",
            b"BODY[]<1>",
            b"RFC822.X",
            b"BINARY[HEADER]",
            b"BINARY.PEEK[1.MIME]",
            b"BINARY",
        ] {
            assert!(
                fetch_att(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn binary_attributes_rfc3516_7() {
        assert_eq!(
            fetch_att(b"binary.peek[1.2]<0.100>").unwrap().1,
            FetchAtt::Binary {
                peek: true,
                part: vec![1, 2],
                partial: Some((0, 100)),
            }
        );
        assert_eq!(
            fetch_att(b"BINARY[]").unwrap().1,
            FetchAtt::Binary {
                peek: false,
                part: vec![],
                partial: None,
            }
        );
        assert_eq!(
            fetch_att(b"BINARY.SIZE[2] ").unwrap(),
            (&b" "[..], FetchAtt::BinarySize { part: vec![2] })
        );
    }

    #[test]
    fn sections() {
        assert_eq!(
            section(b"[HEADER.FIELDS (From \"To\")]").unwrap().1,
            Section {
                part: vec![],
                text: Some(SectionText::HeaderFields(vec![
                    b"From".to_vec(),
                    b"To".to_vec()
                ]))
            }
        );
        assert_eq!(
            section(b"[2.header.fields.not (X)]").unwrap().1.text,
            Some(SectionText::HeaderFieldsNot(vec![b"X".to_vec()]))
        );
        assert_eq!(section(b"[3]").unwrap().1.part, vec![3]);
        assert_eq!(section(b"[TEXT]").unwrap().1.text, Some(SectionText::Text));
        for bad in [
            &b"[MIME]"[..],
            b"[0]",
            b"[1.]",
            b"[HEADER.FIELDS ()]",
            b"[HEADER.FIELDS]",
            b"[1",
        ] {
            assert!(section(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
