//! Envelopes and body structures (RFC 3501 §7.4.2, §9).

use super::core::{byte, nil, nstring, number, paren_list, sp, string};
use super::{deeper, fail, PResult};
use crate::protocol::types::{
    Address, BasicFields, BodyStructure, Disposition, Envelope, MultiPartExtension,
    SinglePartExtension, SpecificFields,
};

/// `envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to
/// SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"` (RFC 3501 §9).
pub fn envelope(input: &[u8]) -> PResult<'_, Envelope> {
    let (rest, ()) = byte(b'(', "Expected envelope")(input)?;
    let (rest, date) = nstring(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, subject) = nstring(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, from) = address_list(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, sender) = address_list(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, reply_to) = address_list(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, to) = address_list(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, cc) = address_list(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, bcc) = address_list(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, in_reply_to) = nstring(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, message_id) = nstring(rest)?;
    let (rest, ()) = byte(b')', "Expected ) after envelope")(rest)?;
    Ok((
        rest,
        Envelope {
            date,
            subject,
            from,
            sender,
            reply_to,
            to,
            cc,
            bcc,
            in_reply_to,
            message_id,
        },
    ))
}

/// `env-from = "(" 1*address ")" / nil` (and the other address lists, RFC 3501 §9): the
/// addresses follow one another without SP.
fn address_list(input: &[u8]) -> PResult<'_, Vec<Address>> {
    let Some((b'(', mut rest)) = input.split_first() else {
        let (rest, ()) = nil(input)?;
        return Ok((rest, Vec::new()));
    };
    let mut out = Vec::new();
    loop {
        let (r, a) = address(rest)?;
        out.push(a);
        if let Some((b')', after)) = r.split_first() {
            return Ok((after, out));
        }
        rest = r;
    }
}

/// `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"` (RFC 3501 §9), each
/// an nstring.
pub fn address(input: &[u8]) -> PResult<'_, Address> {
    let (rest, ()) = byte(b'(', "Expected address")(input)?;
    let (rest, name) = nstring(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, adl) = nstring(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, mailbox) = nstring(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, host) = nstring(rest)?;
    let (rest, ()) = byte(b')', "Expected ) after address")(rest)?;
    Ok((
        rest,
        Address {
            name,
            adl,
            mailbox,
            host,
        },
    ))
}

/// `body = "(" (body-type-1part / body-type-mpart) ")"` (RFC 3501 §9), with
///
/// ```text
/// body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]
/// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
/// body-type-basic = media-basic SP body-fields
/// body-type-msg   = media-message SP body-fields SP envelope SP body SP body-fld-lines
/// body-type-text  = media-text SP body-fields SP body-fld-lines
/// ```
///
/// `depth` bounds the nesting of multiparts and message/rfc822 parts.
pub fn body(depth: usize) -> impl Fn(&[u8]) -> PResult<'_, BodyStructure> {
    move |input| body_at(input, depth)
}

fn body_at(input: &[u8], depth: usize) -> PResult<'_, BodyStructure> {
    let (rest, ()) = byte(b'(', "Expected body structure")(input)?;
    let inner = deeper(input, depth)?;
    let (rest, b) = if rest.first() == Some(&b'(') {
        body_type_mpart(rest, inner)?
    } else {
        body_type_1part(rest, inner)?
    };
    let (rest, ()) = byte(b')', "Expected ) after body structure")(rest)?;
    Ok((rest, b))
}

fn body_type_mpart(input: &[u8], depth: usize) -> PResult<'_, BodyStructure> {
    let mut parts = Vec::new();
    let mut rest = input;
    while rest.first() == Some(&b'(') {
        let (r, part) = body_at(rest, depth)?;
        parts.push(part);
        rest = r;
    }
    let (rest, ()) = sp(rest)?;
    // `media-subtype = string`
    let (rest, subtype) = string(rest)?;
    let (rest, extension) = match rest.split_first() {
        Some((b' ', after)) => {
            let (r, e) = body_ext_mpart(after, depth)?;
            (r, Some(e))
        }
        _ => (rest, None),
    };
    Ok((
        rest,
        BodyStructure::Multi {
            parts,
            subtype,
            extension,
        },
    ))
}

fn body_type_1part(input: &[u8], depth: usize) -> PResult<'_, BodyStructure> {
    // `media-basic = ((DQUOTE ("APPLICATION" / ...) DQUOTE) / string) SP media-subtype`;
    // `media-message` and `media-text` are the cases this function tells apart.
    let (rest, media_type) = string(input)?;
    let (rest, ()) = sp(rest)?;
    let (rest, subtype) = string(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, (params, id, description, encoding, size)) = body_fields(rest)?;
    let basic = BasicFields {
        media_type,
        subtype,
        params,
        id,
        description,
        encoding,
        size,
    };
    let is_message = basic.media_type.eq_ignore_ascii_case(b"MESSAGE")
        && basic.subtype.eq_ignore_ascii_case(b"RFC822");
    let is_text = basic.media_type.eq_ignore_ascii_case(b"TEXT");
    let (rest, specific) = if is_message {
        let (rest, ()) = sp(rest)?;
        let (rest, envelope) = envelope(rest)?;
        let (rest, ()) = sp(rest)?;
        let (rest, body) = body_at(rest, depth)?;
        let (rest, ()) = sp(rest)?;
        let (rest, lines) = number(rest)?;
        (
            rest,
            SpecificFields::Message {
                envelope: Box::new(envelope),
                body: Box::new(body),
                lines,
            },
        )
    } else if is_text {
        let (rest, ()) = sp(rest)?;
        let (rest, lines) = number(rest)?;
        (rest, SpecificFields::Text { lines })
    } else {
        (rest, SpecificFields::Basic)
    };
    let (rest, extension) = match rest.split_first() {
        Some((b' ', after)) => {
            let (r, e) = body_ext_1part(after, depth)?;
            (r, Some(e))
        }
        _ => (rest, None),
    };
    Ok((
        rest,
        BodyStructure::Single {
            basic,
            specific,
            extension,
        },
    ))
}

type Fields = (
    Vec<(Vec<u8>, Vec<u8>)>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Vec<u8>,
    u32,
);

/// `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP
/// body-fld-octets` (RFC 3501 §9).
fn body_fields(input: &[u8]) -> PResult<'_, Fields> {
    let (rest, params) = body_fld_param(input)?;
    let (rest, ()) = sp(rest)?;
    let (rest, id) = nstring(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, desc) = nstring(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, enc) = string(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, octets) = number(rest)?;
    Ok((rest, (params, id, desc, enc, octets)))
}

/// `body-fld-param = "(" string SP string *(SP string SP string) ")" / nil` (RFC 3501 §9).
fn body_fld_param(input: &[u8]) -> PResult<'_, Vec<(Vec<u8>, Vec<u8>)>> {
    if input.first() != Some(&b'(') {
        let (rest, ()) = nil(input)?;
        return Ok((rest, Vec::new()));
    }
    paren_list(input, false, |i| {
        let (r, k) = string(i)?;
        let (r, ()) = sp(r)?;
        let (r, v) = string(r)?;
        Ok((r, (k, v)))
    })
}

/// `body-fld-dsp = "(" string SP body-fld-param ")" / nil` (RFC 3501 §9).
fn body_fld_dsp(input: &[u8]) -> PResult<'_, Option<Disposition>> {
    let Some((b'(', rest)) = input.split_first() else {
        let (rest, ()) = nil(input)?;
        return Ok((rest, None));
    };
    let (rest, kind) = string(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, params) = body_fld_param(rest)?;
    let (rest, ()) = byte(b')', "Expected ) after disposition")(rest)?;
    Ok((rest, Some(Disposition { kind, params })))
}

/// `body-fld-lang = nstring / "(" string *(SP string) ")"` (RFC 3501 §9).
fn body_fld_lang(input: &[u8]) -> PResult<'_, Vec<Vec<u8>>> {
    if input.first() == Some(&b'(') {
        return paren_list(input, false, string);
    }
    let (rest, lang) = nstring(input)?;
    Ok((rest, lang.into_iter().collect()))
}

/// The optional tail shared by both extension kinds:
/// `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`.
type Tail = (Option<Disposition>, Vec<Vec<u8>>, Option<Vec<u8>>);

fn ext_tail(input: &[u8], depth: usize) -> PResult<'_, Tail> {
    let mut tail: Tail = (None, Vec::new(), None);
    let Some((b' ', rest)) = input.split_first() else {
        return Ok((input, tail));
    };
    let (rest, dsp) = body_fld_dsp(rest)?;
    tail.0 = dsp;
    let Some((b' ', rest)) = rest.split_first() else {
        return Ok((rest, tail));
    };
    let (rest, lang) = body_fld_lang(rest)?;
    tail.1 = lang;
    let Some((b' ', rest)) = rest.split_first() else {
        return Ok((rest, tail));
    };
    // `body-fld-loc = nstring`
    let (mut rest, loc) = nstring(rest)?;
    tail.2 = loc;
    // Later extensions are read for validity and dropped: types.rs has no place for them.
    while let Some((b' ', after)) = rest.split_first() {
        rest = body_extension(after, depth)?.0;
    }
    Ok((rest, tail))
}

/// `body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc
/// *(SP body-extension)]]]` (RFC 3501 §9).
fn body_ext_1part(input: &[u8], depth: usize) -> PResult<'_, SinglePartExtension> {
    let (rest, md5) = nstring(input)?;
    let (rest, (disposition, language, location)) = ext_tail(rest, depth)?;
    Ok((
        rest,
        SinglePartExtension {
            md5,
            disposition,
            language,
            location,
        },
    ))
}

/// `body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc
/// *(SP body-extension)]]]` (RFC 3501 §9).
fn body_ext_mpart(input: &[u8], depth: usize) -> PResult<'_, MultiPartExtension> {
    let (rest, params) = body_fld_param(input)?;
    let (rest, (disposition, language, location)) = ext_tail(rest, depth)?;
    Ok((
        rest,
        MultiPartExtension {
            params,
            disposition,
            language,
            location,
        },
    ))
}

/// `body-extension = nstring / number / "(" body-extension *(SP body-extension) ")"`
/// (RFC 3501 §9).
fn body_extension(input: &[u8], depth: usize) -> PResult<'_, ()> {
    match input.first() {
        Some(b'(') => {
            let inner = deeper(input, depth)?;
            let (rest, _) = paren_list(input, false, |i| body_extension(i, inner))?;
            Ok((rest, ()))
        }
        Some(b'0'..=b'9') => Ok((number(input)?.0, ())),
        Some(_) => Ok((nstring(input)?.0, ())),
        None => fail(input, "Expected body extension"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: &[u8] = b"(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"afternoon meeting\" ((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) ((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) ((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) ((NIL NIL \"mooch\" \"owatagu.siam.edu\")(NIL NIL \"x\" \"y\")) NIL NIL NIL \"<B27397-0100000@Blurdybloop.COM>\")";

    #[test]
    fn envelopes() {
        let (rest, e) = envelope(ENV).unwrap();
        assert!(rest.is_empty());
        assert_eq!(e.subject.as_deref(), Some(&b"afternoon meeting"[..]));
        assert_eq!(e.to.len(), 2);
        assert!(e.cc.is_empty());
        assert_eq!(e.from[0].name.as_deref(), Some(&b"Fred Foobar"[..]));
        assert!(envelope(b"(NIL NIL)").is_err());
        assert!(envelope(b"NIL").is_err());
        assert!(address(b"(NIL NIL NIL)").is_err());
    }

    #[test]
    fn body_structures() {
        let text = b"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)";
        let (rest, b) = body(8)(text).unwrap();
        assert!(rest.is_empty());
        assert!(matches!(
            b,
            BodyStructure::Single {
                specific: SpecificFields::Text { lines: 92 },
                extension: None,
                ..
            }
        ));
        let multi = b"((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)(\"IMAGE\" \"GIF\" (\"NAME\" \"x.gif\") \"<id>\" NIL \"BASE64\" 400 \"md5\" (\"attachment\" (\"filename\" \"x.gif\")) (\"en\" \"de\") \"loc\" 7 (1 \"x\" (NIL))) \"MIXED\" (\"BOUNDARY\" \"b\") NIL \"en\" NIL)";
        let (rest, b) = body(8)(multi).unwrap();
        assert!(rest.is_empty());
        let BodyStructure::Multi {
            parts,
            subtype,
            extension,
        } = b
        else {
            panic!("not multipart")
        };
        assert_eq!(subtype, b"MIXED");
        assert_eq!(parts.len(), 2);
        assert_eq!(extension.unwrap().language, vec![b"en".to_vec()]);
        let BodyStructure::Single {
            extension: Some(ext),
            ..
        } = &parts[1]
        else {
            panic!("no extension")
        };
        assert_eq!(ext.disposition.as_ref().unwrap().kind, b"attachment");
        assert_eq!(ext.language.len(), 2);
        let mut msg = b"(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 500 ".to_vec();
        msg.extend_from_slice(ENV);
        msg.extend_from_slice(b" (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1) 20)");
        let (rest, b) = body(8)(&msg).unwrap();
        assert!(rest.is_empty());
        assert!(matches!(
            b,
            BodyStructure::Single {
                specific: SpecificFields::Message { lines: 20, .. },
                ..
            }
        ));
        for bad in [
            &b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10)"[..],
            b"()",
            b"(\"A\" \"B\" NIL NIL NIL \"7BIT\")",
            b"((\"A\" \"B\" NIL NIL NIL \"7BIT\" 1))",
        ] {
            assert!(body(8)(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn body_depth_budget() {
        let leaf = b"(\"A\" \"B\" NIL NIL NIL \"7BIT\" 1)";
        let mut nested = leaf.to_vec();
        for _ in 0..40 {
            let mut outer = b"(".to_vec();
            outer.extend_from_slice(&nested);
            outer.extend_from_slice(b" \"MIXED\")");
            nested = outer;
        }
        let Err(nom::Err::Failure(e)) = body(32)(&nested) else {
            panic!("deep body accepted")
        };
        assert_eq!(e.message, "Too deeply nested");
        assert!(body(64)(&nested).is_ok());
        let mut ext = b"(\"A\" \"B\" NIL NIL NIL \"7BIT\" 1 NIL NIL NIL NIL ".to_vec();
        ext.extend(b"(".repeat(40));
        ext.push(b'1');
        ext.extend(b")".repeat(40));
        ext.push(b')');
        assert!(body(32)(&ext).is_err());
    }
}
