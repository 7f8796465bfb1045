//! Search keys (RFC 3501 §6.4.4, §9 `search-key`).

use super::core::{ascii, astring, mod_sequence_valzer, number, quoted, sp, word};
use super::datetime::date;
use super::flag::flag_keyword;
use super::sequence::command_sequence_set;
use super::{deeper, fail, PResult};
use crate::protocol::types::{EntryType, SearchKey};

/// `search-key` (RFC 3501 §9):
///
/// ```text
/// search-key = "ALL" / "ANSWERED" / "BCC" SP astring / "BEFORE" SP date / "BODY" SP astring /
///              "CC" SP astring / "DELETED" / "FLAGGED" / "FROM" SP astring /
///              "KEYWORD" SP flag-keyword / "NEW" / "OLD" / "ON" SP date / "RECENT" / "SEEN" /
///              "SINCE" SP date / "SUBJECT" SP astring / "TEXT" SP astring / "TO" SP astring /
///              "UNANSWERED" / "UNDELETED" / "UNFLAGGED" / "UNKEYWORD" SP flag-keyword /
///              "UNSEEN" / "DRAFT" / "HEADER" SP header-fld-name SP astring /
///              "LARGER" SP number / "NOT" SP search-key / "OR" SP search-key SP search-key /
///              "SENTBEFORE" SP date / "SENTON" SP date / "SENTSINCE" SP date /
///              "SMALLER" SP number / "UID" SP sequence-set / "UNDRAFT" / sequence-set /
///              "(" search-key *(SP search-key) ")"
/// ```
///
/// `depth` bounds the nesting of NOT, OR and parentheses.
pub fn search_key(depth: usize) -> impl Fn(&[u8]) -> PResult<'_, SearchKey> {
    move |input| search_key_at(input, depth)
}

fn search_key_at(input: &[u8], depth: usize) -> PResult<'_, SearchKey> {
    match input.first() {
        Some(b'(') => {
            let inner = deeper(input, depth)?;
            let (rest, keys) = super::core::paren_list(input, false, search_key(inner))?;
            return Ok((rest, SearchKey::And(keys)));
        }
        // RFC 5182 §3: `$` is a sequence set too.
        Some(b'*' | b'$' | b'1'..=b'9') => {
            let (rest, set) = command_sequence_set(input)?;
            return Ok((rest, SearchKey::SequenceSet(set)));
        }
        _ => {}
    }
    let (rest, name) = word(input)?;
    let upper = ascii(name).to_ascii_uppercase();
    let simple = match upper.as_str() {
        "ALL" => Some(SearchKey::All),
        "ANSWERED" => Some(SearchKey::Answered),
        "DELETED" => Some(SearchKey::Deleted),
        "DRAFT" => Some(SearchKey::Draft),
        "FLAGGED" => Some(SearchKey::Flagged),
        "NEW" => Some(SearchKey::New),
        "OLD" => Some(SearchKey::Old),
        "RECENT" => Some(SearchKey::Recent),
        "SEEN" => Some(SearchKey::Seen),
        "UNANSWERED" => Some(SearchKey::Unanswered),
        "UNDELETED" => Some(SearchKey::Undeleted),
        "UNDRAFT" => Some(SearchKey::Undraft),
        "UNFLAGGED" => Some(SearchKey::Unflagged),
        "UNSEEN" => Some(SearchKey::Unseen),
        _ => None,
    };
    if let Some(key) = simple {
        return Ok((rest, key));
    }
    let known = matches!(
        upper.as_str(),
        "BCC"
            | "BODY"
            | "CC"
            | "FROM"
            | "SUBJECT"
            | "TEXT"
            | "TO"
            | "BEFORE"
            | "ON"
            | "SINCE"
            | "SENTBEFORE"
            | "SENTON"
            | "SENTSINCE"
            | "KEYWORD"
            | "UNKEYWORD"
            | "LARGER"
            | "SMALLER"
            | "UID"
            | "HEADER"
            | "NOT"
            | "OR"
            | "MODSEQ"
    );
    if !known {
        return fail(input, "Expected search key");
    }
    let (rest, ()) = sp(rest)?;
    let string = |f: fn(Vec<u8>) -> SearchKey| -> PResult<'_, SearchKey> {
        let (rest, s) = astring(rest)?;
        Ok((rest, f(s)))
    };
    let dated = |f: fn(crate::protocol::types::Date) -> SearchKey| -> PResult<'_, SearchKey> {
        let (rest, d) = date(rest)?;
        Ok((rest, f(d)))
    };
    match upper.as_str() {
        "BCC" => string(SearchKey::Bcc),
        "BODY" => string(SearchKey::Body),
        "CC" => string(SearchKey::Cc),
        "FROM" => string(SearchKey::From),
        "SUBJECT" => string(SearchKey::Subject),
        "TEXT" => string(SearchKey::Text),
        "TO" => string(SearchKey::To),
        "BEFORE" => dated(SearchKey::Before),
        "ON" => dated(SearchKey::On),
        "SINCE" => dated(SearchKey::Since),
        "SENTBEFORE" => dated(SearchKey::SentBefore),
        "SENTON" => dated(SearchKey::SentOn),
        "SENTSINCE" => dated(SearchKey::SentSince),
        "KEYWORD" => {
            let (rest, k) = flag_keyword(rest)?;
            Ok((rest, SearchKey::Keyword(k)))
        }
        "UNKEYWORD" => {
            let (rest, k) = flag_keyword(rest)?;
            Ok((rest, SearchKey::Unkeyword(k)))
        }
        "LARGER" => {
            let (rest, n) = number(rest)?;
            Ok((rest, SearchKey::Larger(n)))
        }
        "SMALLER" => {
            let (rest, n) = number(rest)?;
            Ok((rest, SearchKey::Smaller(n)))
        }
        "UID" => {
            let (rest, set) = command_sequence_set(rest)?;
            Ok((rest, SearchKey::Uid(set)))
        }
        // `header-fld-name = astring` (RFC 3501 §9).
        "HEADER" => {
            let (rest, field) = astring(rest)?;
            let (rest, ()) = sp(rest)?;
            let (rest, value) = astring(rest)?;
            Ok((rest, SearchKey::Header(field, value)))
        }
        "MODSEQ" => search_modsequence(rest),
        "NOT" => {
            let inner = deeper(input, depth)?;
            let (rest, key) = search_key_at(rest, inner)?;
            Ok((rest, SearchKey::Not(Box::new(key))))
        }
        _ => {
            // "OR", the only one left.
            let inner = deeper(input, depth)?;
            let (rest, a) = search_key_at(rest, inner)?;
            let (rest, ()) = sp(rest)?;
            let (rest, b) = search_key_at(rest, inner)?;
            Ok((rest, SearchKey::Or(Box::new(a), Box::new(b))))
        }
    }
}

/// After `"MODSEQ" SP`: `search-modsequence = "MODSEQ" [search-modseq-ext] SP
/// mod-sequence-valzer`, `search-modseq-ext = SP entry-name SP entry-type-req` (RFC 7162 §7),
/// `entry-flag-name = DQUOTE "/flags/" attr-flag DQUOTE`, `entry-type-req = "priv" / "shared" /
/// "all"`.
fn search_modsequence(input: &[u8]) -> PResult<'_, SearchKey> {
    if input.first() != Some(&b'"') {
        let (rest, mod_seq) = mod_sequence_valzer(input)?;
        return Ok((
            rest,
            SearchKey::ModSeq {
                entry: None,
                mod_seq,
            },
        ));
    }
    let (rest, name) = quoted(input)?;
    let flag = name
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case(b"/flags/"))
        .and_then(|_| name.get(7..))
        .unwrap_or_default();
    if flag.is_empty() {
        return fail(
            input,
            "Expected entry name \"/flags/<flag>\" (RFC 7162 §3.1.5)",
        );
    }
    let (rest, ()) = sp(rest)?;
    let (rest, kind) = word(rest)?;
    let kind = match ascii(kind).to_ascii_lowercase().as_str() {
        "priv" => EntryType::Priv,
        "shared" => EntryType::Shared,
        "all" => EntryType::All,
        _ => {
            return fail(
                rest,
                "Expected entry type priv, shared or all (RFC 7162 §3.1.5)",
            )
        }
    };
    let (rest, ()) = sp(rest)?;
    let (rest, mod_seq) = mod_sequence_valzer(rest)?;
    Ok((
        rest,
        SearchKey::ModSeq {
            entry: Some((name, kind)),
            mod_seq,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::{Date, SeqBound, SeqRange, SequenceSet};

    fn key(s: &[u8]) -> SearchKey {
        let (rest, k) = search_key(32)(s).unwrap();
        assert_eq!(
            rest,
            b"",
            "left over after {:?}",
            String::from_utf8_lossy(s)
        );
        k
    }

    #[test]
    fn every_key() {
        for (text, want) in [
            (&b"ALL"[..], SearchKey::All),
            (b"answered", SearchKey::Answered),
            (b"DELETED", SearchKey::Deleted),
            (b"DRAFT", SearchKey::Draft),
            (b"FLAGGED", SearchKey::Flagged),
            (b"NEW", SearchKey::New),
            (b"OLD", SearchKey::Old),
            (b"RECENT", SearchKey::Recent),
            (b"SEEN", SearchKey::Seen),
            (b"UNANSWERED", SearchKey::Unanswered),
            (b"UNDELETED", SearchKey::Undeleted),
            (b"UNDRAFT", SearchKey::Undraft),
            (b"UNFLAGGED", SearchKey::Unflagged),
            (b"UNSEEN", SearchKey::Unseen),
            (b"BCC x", SearchKey::Bcc(b"x".to_vec())),
            (b"BODY \"a b\"", SearchKey::Body(b"a b".to_vec())),
            (b"CC x", SearchKey::Cc(b"x".to_vec())),
            (b"FROM {3}\r\na b", SearchKey::From(b"a b".to_vec())),
            (b"SUBJECT x", SearchKey::Subject(b"x".to_vec())),
            (b"TEXT x", SearchKey::Text(b"x".to_vec())),
            (b"TO x", SearchKey::To(b"x".to_vec())),
            (b"KEYWORD $x", SearchKey::Keyword("$x".into())),
            (b"UNKEYWORD $x", SearchKey::Unkeyword("$x".into())),
            (b"LARGER 10", SearchKey::Larger(10)),
            (b"SMALLER 0", SearchKey::Smaller(0)),
            (
                b"HEADER X-A b",
                SearchKey::Header(b"X-A".to_vec(), b"b".to_vec()),
            ),
        ] {
            assert_eq!(key(text), want);
        }
        let d = Date {
            year: 1994,
            month: 2,
            day: 1,
        };
        assert_eq!(key(b"BEFORE 1-Feb-1994"), SearchKey::Before(d));
        assert_eq!(key(b"ON \"1-Feb-1994\""), SearchKey::On(d));
        assert_eq!(key(b"SINCE 1-Feb-1994"), SearchKey::Since(d));
        assert_eq!(key(b"SENTBEFORE 1-Feb-1994"), SearchKey::SentBefore(d));
        assert_eq!(key(b"SENTON 1-Feb-1994"), SearchKey::SentOn(d));
        assert_eq!(key(b"SENTSINCE 1-Feb-1994"), SearchKey::SentSince(d));
        let one = SequenceSet(vec![SeqRange {
            start: SeqBound::Num(1),
            end: SeqBound::Star,
        }]);
        assert_eq!(key(b"UID 1:*"), SearchKey::Uid(one.clone()));
        assert_eq!(key(b"1:*"), SearchKey::SequenceSet(one));
        assert_eq!(key(b"NOT SEEN"), SearchKey::Not(Box::new(SearchKey::Seen)));
        assert_eq!(
            key(b"OR SEEN (DRAFT NEW)"),
            SearchKey::Or(
                Box::new(SearchKey::Seen),
                Box::new(SearchKey::And(vec![SearchKey::Draft, SearchKey::New]))
            )
        );
    }

    #[test]
    fn bad_keys() {
        for bad in [
            &b"FOO"[..],
            b"BEFORE x",
            b"LARGER",
            b"LARGER x",
            b"OR SEEN",
            b"()",
            b"(SEEN",
            b"NOT",
            b"UID x",
            b"KEYWORD \\Seen",
            b"",
        ] {
            assert!(
                search_key(32)(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn depth_budget() {
        let mut deep = b"NOT ".repeat(40);
        deep.extend_from_slice(b"SEEN");
        let Err(nom::Err::Failure(e)) = search_key(32)(&deep) else {
            panic!("deep NOT chain accepted")
        };
        assert_eq!(e.message, "Too deeply nested");
        let mut parens = b"(".repeat(40);
        parens.extend_from_slice(b"SEEN");
        parens.extend(b")".repeat(40));
        assert!(search_key(32)(&parens).is_err());
        assert!(search_key(40)(&parens).is_ok());
        assert!(search_key(1)(b"NOT SEEN").is_ok());
        assert!(search_key(0)(b"NOT SEEN").is_err());
    }
}
