//! The extended LIST command (RFC 5258 §6, RFC 5819 §4, RFC 6154 §6), CREATE's USE parameter
//! (RFC 6154 §6) and the CHILDINFO item of LIST responses (RFC 5258 §6).

use super::command::status_att;
use super::core::{astring, atom, byte, keyword, paren_list, quoted, sp};
use super::mailbox::{list_mailbox, mailbox};
use super::{fail, PResult};
use crate::protocol::types::{CommandBody, Data, ListItem, ListReturnOpt, ListSelectOpt};

/// `list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`,
/// after the command name, with `mbox-or-pat = list-mailbox / patterns`. Without any of the
/// three extensions it is RFC 3501's LIST, whose empty pattern has its own meaning (§3).
pub fn list(input: &[u8]) -> PResult<'_, CommandBody> {
    let (mut rest, ()) = byte(b' ', "Expected SP after command name")(input)?;
    let mut select = None;
    if rest.first() == Some(&b'(') {
        let (r, opts) = paren_list(rest, true, select_opt)?;
        // RFC 5258 §3.1, §6 `list-select-opts`: "If a list-select-mod-opt appears, then a
        // list-select-base-opt must also appear"; RECURSIVEMATCH alone "MUST return BAD".
        if opts.contains(&ListSelectOpt::RecursiveMatch)
            && !opts.contains(&ListSelectOpt::Subscribed)
        {
            return fail(
                rest,
                "RECURSIVEMATCH needs SUBSCRIBED beside it (RFC 5258 §3.1)",
            );
        }
        select = Some(opts);
        rest = sp(r)?.0;
    }
    let (rest, reference) = mailbox(rest)?;
    let (rest, ()) = sp(rest)?;
    let (mut rest, patterns, parenthesized) = if rest.first() == Some(&b'(') {
        let (r, p) = paren_list(rest, false, list_mailbox)?;
        (r, p, true)
    } else {
        let (r, p) = list_mailbox(rest)?;
        (r, vec![p], false)
    };
    let mut ret = None;
    if let Some((b' ', after)) = rest.split_first() {
        // `list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"`.
        let (r, ()) = keyword("RETURN")(after)?;
        let (r, ()) = sp(r)?;
        let (r, opts) = paren_list(r, true, return_opt)?;
        ret = Some(opts);
        rest = r;
    }
    if select.is_none() && !parenthesized && ret.is_none() {
        if let Some(pattern) = patterns.into_iter().next() {
            return Ok((rest, CommandBody::List { reference, pattern }));
        }
        return fail(rest, "Expected mailbox pattern");
    }
    Ok((
        rest,
        CommandBody::ListExtended {
            select,
            reference,
            patterns,
            parenthesized,
            ret,
        },
    ))
}

/// `list-select-opt = list-select-base-opt / list-select-independent-opt /
/// list-select-mod-opt`: SUBSCRIBED, REMOTE, RECURSIVEMATCH (RFC 5258 §6) and SPECIAL-USE
/// (RFC 6154 §6). RFC 5258 §3: "A server MUST respond to options it does not recognize with
/// a BAD response."
fn select_opt(input: &[u8]) -> PResult<'_, ListSelectOpt> {
    let (rest, name) = atom(input)?;
    let opt = match name.to_ascii_uppercase().as_slice() {
        b"SUBSCRIBED" => ListSelectOpt::Subscribed,
        b"REMOTE" => ListSelectOpt::Remote,
        b"RECURSIVEMATCH" => ListSelectOpt::RecursiveMatch,
        b"SPECIAL-USE" => ListSelectOpt::SpecialUse,
        _ => return fail(
            input,
            "Unknown LIST selection option (known: SUBSCRIBED REMOTE RECURSIVEMATCH SPECIAL-USE)",
        ),
    };
    Ok((rest, opt))
}

/// `return-option = "SUBSCRIBED" / "CHILDREN" / status-option / "SPECIAL-USE"`, with
/// `status-option = "STATUS" SP "(" status-att *(SP status-att) ")"` (RFC 5819 §4).
fn return_opt(input: &[u8]) -> PResult<'_, ListReturnOpt> {
    let (rest, name) = atom(input)?;
    let opt = match name.to_ascii_uppercase().as_slice() {
        b"SUBSCRIBED" => ListReturnOpt::Subscribed,
        b"CHILDREN" => ListReturnOpt::Children,
        b"SPECIAL-USE" => ListReturnOpt::SpecialUse,
        b"STATUS" => {
            let (rest, ()) = sp(rest)?;
            let (rest, items) = paren_list(rest, false, status_att)?;
            return Ok((rest, ListReturnOpt::Status(items)));
        }
        _ => {
            return fail(
                input,
                "Unknown LIST return option (known: SUBSCRIBED CHILDREN SPECIAL-USE STATUS)",
            )
        }
    };
    Ok((rest, opt))
}

/// `create = "CREATE" SP mailbox [create-params]` (RFC 4466 §2.2), after the command name,
/// with RFC 6154 §6's one parameter: `create-params = SP "(" "USE" SP "(" [use-attr
/// *(SP use-attr)] ")" ")"`, `use-attr = "\" atom`. Any other parameter is unknown (BAD).
pub fn create(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, ()) = byte(b' ', "Expected SP after command name")(input)?;
    let (rest, mailbox) = mailbox(rest)?;
    let Some((b' ', after)) = rest.split_first() else {
        let special_use = None;
        return Ok((
            rest,
            CommandBody::Create {
                mailbox,
                special_use,
            },
        ));
    };
    let (r, ()) = byte(b'(', "Expected ( to open the CREATE parameters")(after)?;
    let (r, ()) = keyword("USE")(r)
        .or_else(|_| fail(r, "Unknown CREATE parameter (known: USE, RFC 6154 §3)"))?;
    let (r, ()) = sp(r)?;
    let (r, attrs) = paren_list(r, true, |i| {
        let (i, ()) = byte(b'\\', "Expected \\ and a special-use attribute")(i)?;
        let (i, name) = atom(i)?;
        Ok((i, super::core::ascii(name)))
    })?;
    let (r, ()) = byte(b')', "Expected ) after USE (...): one parameter only")(r)?;
    let special_use = Some(attrs);
    Ok((
        r,
        CommandBody::Create {
            mailbox,
            special_use,
        },
    ))
}

/// `mbox-list-extended = "(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")"`
/// after a LIST response's mailbox (RFC 5258 §6), with the items this server sends: CHILDINFO
/// (`"CHILDINFO" SP "(" list-select-base-opt-quoted *(SP list-select-base-opt-quoted) ")"`)
/// or RFC 5465's OLDNAME. The tag may be quoted or not (Note 1). `input` starts at the SP.
pub(crate) fn mbox_list_extended(input: &[u8], item: ListItem) -> PResult<'_, Data> {
    let (rest, ()) = sp(input)?;
    let (rest, ()) = byte(b'(', "Expected ( to open the extended items")(rest)?;
    let (rest, tag) = astring(rest)?;
    if !tag.eq_ignore_ascii_case(b"CHILDINFO") {
        let (r, old) = super::notify::oldname_extended(input)?;
        return Ok((r, Data::ListOldName { item, old }));
    }
    let (rest, ()) = sp(rest)?;
    let (rest, criteria) = paren_list(rest, false, quoted)?;
    let (rest, ()) = byte(b')', "Expected ) to close the extended items")(rest)?;
    let criteria = criteria.iter().map(|c| super::core::ascii(c)).collect();
    Ok((rest, Data::ListChildInfo { item, criteria }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::{MailboxName, StatusItem};

    fn mbx(s: &str) -> MailboxName {
        MailboxName(s.to_string())
    }

    #[test]
    fn a_list_without_extensions_stays_rfc_3501s() {
        let (_, plain) = list(b" \"\" %").unwrap();
        let pattern = mbx("%");
        assert_eq!(
            plain,
            CommandBody::List {
                reference: mbx(""),
                pattern
            }
        );
        // Any one of the three extensions makes it extended (RFC 5258 §3).
        for (input, select, parenthesized, ret) in [
            (&b" () \"\" %"[..], Some(vec![]), false, None),
            (b" \"\" (%)", None, true, None),
            (b" \"\" % RETURN ()", None, false, Some(vec![])),
        ] {
            let (rest, body) = list(input).unwrap();
            assert!(rest.is_empty());
            let patterns = vec![mbx("%")];
            let reference = mbx("");
            let want = CommandBody::ListExtended {
                select,
                reference,
                patterns,
                parenthesized,
                ret,
            };
            assert_eq!(body, want, "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn options_are_read_in_any_case_and_order() {
        let (_, body) =
            list(b" (remote Subscribed recursivematch) x (a b) return (status (unseen) children)")
                .unwrap();
        let CommandBody::ListExtended {
            select,
            patterns,
            ret,
            ..
        } = body
        else {
            panic!("{body:?}");
        };
        use ListSelectOpt::*;
        assert_eq!(select, Some(vec![Remote, Subscribed, RecursiveMatch]));
        assert_eq!(patterns, vec![mbx("a"), mbx("b")]);
        let status = ListReturnOpt::Status(vec![StatusItem::Unseen]);
        assert_eq!(ret, Some(vec![status, ListReturnOpt::Children]));
    }

    #[test]
    fn bad_options_name_the_problem() {
        let message = |input: &[u8]| match list(input) {
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => e.message.into_owned(),
            other => panic!("{other:?}"),
        };
        assert!(message(b" (RECURSIVEMATCH) \"\" %").contains("needs SUBSCRIBED"));
        assert!(message(b" (SUBSCRIBED X-NEW) \"\" %").contains("selection option"));
        assert!(message(b" \"\" % RETURN (X-NEW)").contains("return option"));
    }

    #[test]
    fn create_takes_use() {
        let (_, body) = create(b" x (USE (\\Drafts \\Sent))").unwrap();
        let special_use = Some(vec!["Drafts".to_string(), "Sent".to_string()]);
        assert_eq!(
            body,
            CommandBody::Create {
                mailbox: mbx("x"),
                special_use
            }
        );
        let (_, body) = create(b" x").unwrap();
        assert_eq!(
            body,
            CommandBody::Create {
                mailbox: mbx("x"),
                special_use: None
            }
        );
        assert!(create(b" x (USE (\\Drafts) FOO)").is_err());
    }
}
