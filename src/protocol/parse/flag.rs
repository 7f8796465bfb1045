//! Flags (RFC 3501 §2.3.2, §9) and mailbox name attributes (RFC 3501 §7.2.2).

use super::core::{atom_string, paren_list};
use super::{fail, PResult};
use crate::protocol::types::{Flag, FlagPerm, NameAttribute};

/// `flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword /
/// flag-extension` (RFC 3501 §9), with `flag-keyword = atom` and `flag-extension = "\" atom`.
/// `\Recent` is read as [`Flag::Recent`] here too, so that the server, not the parser, decides
/// to refuse it in STORE (RFC 3501 §2.3.2) and `parse(encode(f)) == f` holds.
pub fn flag(input: &[u8]) -> PResult<'_, Flag> {
    match input.split_first() {
        Some((b'\\', rest)) => {
            let (rest, name) = atom_string(rest)?;
            let f = match name.to_ascii_uppercase().as_str() {
                "ANSWERED" => Flag::Answered,
                "FLAGGED" => Flag::Flagged,
                "DELETED" => Flag::Deleted,
                "SEEN" => Flag::Seen,
                "DRAFT" => Flag::Draft,
                "RECENT" => Flag::Recent,
                _ => Flag::Extension(name),
            };
            Ok((rest, f))
        }
        _ => match atom_string(input) {
            Ok((rest, k)) => Ok((rest, Flag::Keyword(k))),
            Err(nom::Err::Error(_)) => fail(input, "Expected flag"),
            Err(e) => Err(e),
        },
    }
}

/// `flag-keyword = atom` (RFC 3501 §9).
pub fn flag_keyword(input: &[u8]) -> PResult<'_, String> {
    match atom_string(input) {
        Ok(ok) => Ok(ok),
        Err(_) => fail(input, "Expected keyword"),
    }
}

/// `flag-fetch = flag / "\Recent"` (RFC 3501 §9).
pub fn flag_fetch(input: &[u8]) -> PResult<'_, Flag> {
    flag(input)
}

/// `flag-list = "(" [flag *(SP flag)] ")"` (RFC 3501 §9).
pub fn flag_list(input: &[u8]) -> PResult<'_, Vec<Flag>> {
    match input.first() {
        Some(b'(') => paren_list(input, true, flag),
        _ => fail(input, "Expected flag list"),
    }
}

/// `flag-perm = flag / "\*"` (RFC 3501 §9).
pub fn flag_perm(input: &[u8]) -> PResult<'_, FlagPerm> {
    match input.strip_prefix(b"\\*") {
        Some(rest) => Ok((rest, FlagPerm::Wildcard)),
        None => {
            let (rest, f) = flag(input)?;
            Ok((rest, FlagPerm::Flag(f)))
        }
    }
}

/// `mbx-list-flags = *(mbx-list-oflag SP) mbx-list-sflag *(SP mbx-list-oflag) /
/// mbx-list-oflag *(SP mbx-list-oflag)` (RFC 3501 §9), read as a list of `"\" atom`;
/// at most one of `\Noselect`, `\Marked`, `\Unmarked` (the `sflag`s) may appear.
pub fn mbx_list_flags(input: &[u8]) -> PResult<'_, Vec<NameAttribute>> {
    let (rest, attrs) = paren_list(input, true, name_attribute)?;
    let sflags = attrs
        .iter()
        .filter(|a| {
            matches!(
                a,
                NameAttribute::Noselect | NameAttribute::Marked | NameAttribute::Unmarked
            )
        })
        .count();
    if sflags > 1 {
        return fail(
            input,
            "Expected at most one of \\Noselect, \\Marked, \\Unmarked",
        );
    }
    Ok((rest, attrs))
}

/// `mbx-list-oflag = "\Noinferiors" / flag-extension`, `mbx-list-sflag = "\Noselect" /
/// "\Marked" / "\Unmarked"` (RFC 3501 §9); `\HasChildren`, `\HasNoChildren` (RFC 3348) and
/// `\Subscribed` (RFC 5258) are named too.
fn name_attribute(input: &[u8]) -> PResult<'_, NameAttribute> {
    let Some((b'\\', rest)) = input.split_first() else {
        return fail(input, "Expected mailbox attribute");
    };
    let (rest, name) = atom_string(rest)?;
    let a = match name.to_ascii_uppercase().as_str() {
        "NOINFERIORS" => NameAttribute::Noinferiors,
        "NOSELECT" => NameAttribute::Noselect,
        "MARKED" => NameAttribute::Marked,
        "UNMARKED" => NameAttribute::Unmarked,
        "HASCHILDREN" => NameAttribute::HasChildren,
        "HASNOCHILDREN" => NameAttribute::HasNoChildren,
        "SUBSCRIBED" => NameAttribute::Subscribed,
        _ => NameAttribute::Extension(name),
    };
    Ok((rest, a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        assert_eq!(flag(b"\\seen").unwrap().1, Flag::Seen);
        assert_eq!(flag(b"\\Recent").unwrap().1, Flag::Recent);
        assert_eq!(flag(b"\\X-Y").unwrap().1, Flag::Extension("X-Y".into()));
        assert_eq!(
            flag(b"$Junk)").unwrap(),
            (&b")"[..], Flag::Keyword("$Junk".into()))
        );
        assert!(flag(b"(").is_err());
        assert!(flag(b"\\").is_err());
        assert_eq!(flag_list(b"()").unwrap().1, vec![]);
        assert_eq!(flag_list(b"(\\Seen foo)").unwrap().1.len(), 2);
        assert!(flag_list(b"(\\Seen ").is_err());
        assert!(flag_list(b"(\\Seen  foo)").is_err());
        assert!(flag_list(b"\\Seen").is_err());
        assert_eq!(flag_perm(b"\\*").unwrap().1, FlagPerm::Wildcard);
        assert_eq!(flag_keyword(b"a").unwrap().1, "a");
        assert!(flag_keyword(b"\\a").is_err());
    }

    #[test]
    fn list_flags() {
        let (_, a) = mbx_list_flags(b"(\\HasNoChildren \\Noselect \\Foo)").unwrap();
        assert_eq!(
            a,
            vec![
                NameAttribute::HasNoChildren,
                NameAttribute::Noselect,
                NameAttribute::Extension("Foo".into())
            ]
        );
        assert!(mbx_list_flags(b"(\\Marked \\Unmarked)").is_err());
        assert!(mbx_list_flags(b"(foo)").is_err());
    }
}
