//! SORT and THREAD (RFC 5256 §5, RFC 5957 §5): the commands' arguments and the responses.

// The command half (SORT, THREAD) is parsed only with the `sort-thread` feature; the response
// half (SORT and THREAD data, which scenarios and the probe read) always.
#![cfg_attr(not(feature = "sort-thread"), allow(dead_code))]

use super::core::{ascii, astring, atom, nz_number, paren_list, sp, word};
use super::search::search_key;
use super::{deeper, fail, PResult};
use crate::protocol::types::{
    CommandBody, SearchKey, SortCriterion, SortKey, Thread, ThreadAlgorithm,
};

/// `sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria` (RFC 5256 §5), and
/// `extended-sort = ["UID" SP] "SORT" search-return-opts SP sort-criteria SP search-criteria`
/// (RFC 5267 §5, ESORT), after the command name.
#[cfg(feature = "sort-thread")]
pub(super) fn sort(input: &[u8], uid: bool, depth: usize) -> PResult<'_, CommandBody> {
    let (mut rest, ()) = sp(input)?;
    let mut ret = None;
    // RFC 4466 §2.6.1 `search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP
    // search-return-opt)] ")"`: the options SEARCH takes (RFC 5267 §3).
    if let Ok((r, ())) = super::core::keyword("RETURN ")(rest) {
        let (r, opts) = super::command::search_return_opts(r)?;
        ret = Some(opts);
        rest = sp(r)?.0;
    }
    let (rest, criteria) = sort_criteria(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, (charset, search)) = search_criteria(rest, depth)?;
    Ok((
        rest,
        CommandBody::Sort {
            criteria,
            charset,
            search,
            uid,
            ret,
        },
    ))
}

/// `thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria` (RFC 5256 §5), after the
/// command name.
pub(super) fn thread(input: &[u8], uid: bool, depth: usize) -> PResult<'_, CommandBody> {
    let (rest, ()) = sp(input)?;
    let (rest, algorithm) = thread_alg(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, (charset, search)) = search_criteria(rest, depth)?;
    Ok((
        rest,
        CommandBody::Thread {
            algorithm,
            charset,
            search,
            uid,
        },
    ))
}

/// `sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"`,
/// `sort-criterion = ["REVERSE" SP] sort-key` (RFC 5256 §5).
pub(crate) fn sort_criteria(input: &[u8]) -> PResult<'_, Vec<SortCriterion>> {
    paren_list(input, false, |i| {
        let (rest, name) = word(i)?;
        if ascii(name).eq_ignore_ascii_case("REVERSE") {
            let (rest, ()) = sp(rest)?;
            let (rest, key) = sort_key(rest)?;
            return Ok((rest, SortCriterion { reverse: true, key }));
        }
        let (rest, key) = sort_key(i)?;
        Ok((
            rest,
            SortCriterion {
                reverse: false,
                key,
            },
        ))
    })
}

/// `sort-key = "ARRIVAL" / "CC" / "DATE" / "FROM" / "SIZE" / "SUBJECT" / "TO"` (RFC 5256 §5),
/// `sort-key =/ "DISPLAYFROM" / "DISPLAYTO"` (RFC 5957 §5).
pub(crate) fn sort_key(input: &[u8]) -> PResult<'_, SortKey> {
    let (rest, name) = word(input)?;
    let key = match ascii(name).to_ascii_uppercase().as_str() {
        "ARRIVAL" => SortKey::Arrival,
        "CC" => SortKey::Cc,
        "DATE" => SortKey::Date,
        "FROM" => SortKey::From,
        "SIZE" => SortKey::Size,
        "SUBJECT" => SortKey::Subject,
        "TO" => SortKey::To,
        "DISPLAYFROM" => SortKey::DisplayFrom,
        "DISPLAYTO" => SortKey::DisplayTo,
        _ => return fail(input, "Expected sort key"),
    };
    Ok((rest, key))
}

/// `thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext`, `thread-alg-ext = atom`
/// (RFC 5256 §5).
pub(crate) fn thread_alg(input: &[u8]) -> PResult<'_, ThreadAlgorithm> {
    let (rest, name) = atom(input)?;
    let name = ascii(name);
    let alg = match name.to_ascii_uppercase().as_str() {
        "ORDEREDSUBJECT" => ThreadAlgorithm::OrderedSubject,
        "REFERENCES" => ThreadAlgorithm::References,
        _ => ThreadAlgorithm::Other(name),
    };
    Ok((rest, alg))
}

/// `search-criteria = charset 1*(SP search-key)`, `charset = atom / quoted` (RFC 5256 §5; read
/// as an astring, like SEARCH's CHARSET argument).
fn search_criteria(input: &[u8], depth: usize) -> PResult<'_, (String, Vec<SearchKey>)> {
    let (rest, cs) = astring(input)?;
    let Ok(charset) = String::from_utf8(cs) else {
        return fail(input, "Expected charset name");
    };
    let mut rest = sp(rest)?.0;
    let mut keys = Vec::new();
    loop {
        let (r, key) = search_key(depth)(rest)?;
        keys.push(key);
        match r.split_first() {
            Some((b' ', after)) => rest = after,
            _ => return Ok((r, (charset, keys))),
        }
    }
}

/// `thread-data = "THREAD" [SP 1*thread-list]` (RFC 5256 §5), after the name. `depth` bounds
/// the nesting of sub-threads.
pub(crate) fn thread_data(input: &[u8], depth: usize) -> PResult<'_, Vec<Thread>> {
    let mut threads = Vec::new();
    let Some((b' ', mut rest)) = input.split_first() else {
        return Ok((input, threads));
    };
    loop {
        let (r, t) = thread_list(rest, depth)?;
        threads.push(t);
        rest = r;
        if rest.first() != Some(&b'(') {
            return Ok((rest, threads));
        }
    }
}

/// `thread-list = "(" (thread-members / thread-nested) ")"`,
/// `thread-members = nz-number *(SP nz-number) [SP thread-nested]`,
/// `thread-nested = 2*thread-list` (RFC 5256 §5). A single nested list is accepted too (it
/// means the same as its members written inline).
fn thread_list(input: &[u8], depth: usize) -> PResult<'_, Thread> {
    let inner = deeper(input, depth)?;
    let Some((b'(', mut rest)) = input.split_first() else {
        return fail(input, "Expected ( of a thread");
    };
    let mut thread = Thread::default();
    if rest.first() != Some(&b'(') {
        loop {
            let (r, n) = nz_number(rest)?;
            thread.members.push(n);
            match r.split_first() {
                Some((b' ', after)) if after.first() == Some(&b'(') => {
                    rest = after;
                    break;
                }
                Some((b' ', after)) => rest = after,
                Some((b')', after)) => return Ok((after, thread)),
                _ => return fail(r, "Expected SP or ) in a thread"),
            }
        }
    }
    loop {
        let (r, child) = thread_list(rest, inner)?;
        thread.children.push(child);
        match r.split_first() {
            Some((b')', after)) => return Ok((after, thread)),
            Some((b'(', _)) => rest = r,
            _ => return fail(r, "Expected ( or ) in a thread"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(members: &[u32], children: Vec<Thread>) -> Thread {
        Thread {
            members: members.to_vec(),
            children,
        }
    }

    #[test]
    fn sort_criteria_and_keys() {
        let (rest, c) = sort_criteria(b"(SUBJECT reverse DATE displayfrom)").unwrap();
        assert_eq!(rest, b"");
        assert_eq!(
            c,
            vec![
                SortCriterion {
                    reverse: false,
                    key: SortKey::Subject
                },
                SortCriterion {
                    reverse: true,
                    key: SortKey::Date
                },
                SortCriterion {
                    reverse: false,
                    key: SortKey::DisplayFrom
                },
            ]
        );
        for bad in [
            &b"()"[..],
            b"(REVERSE)",
            b"(SUBJECT",
            b"(BOGUS)",
            b"SUBJECT",
        ] {
            assert!(sort_criteria(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn thread_responses_of_rfc_5256_section_4() {
        // `* THREAD (2)(3 6 (4 23)(44 7 96))`
        let (rest, threads) = thread_data(b" (2)(3 6 (4 23)(44 7 96))", 32).unwrap();
        assert_eq!(rest, b"");
        assert_eq!(
            threads,
            vec![
                t(&[2], vec![]),
                t(&[3, 6], vec![t(&[4, 23], vec![]), t(&[44, 7, 96], vec![])]),
            ]
        );
        // `* THREAD ((3)(5))`: a parent not in the result.
        let (_, threads) = thread_data(b" ((3)(5))", 32).unwrap();
        assert_eq!(
            threads,
            vec![t(&[], vec![t(&[3], vec![]), t(&[5], vec![])])]
        );
        assert_eq!(thread_data(b"", 32).unwrap().1, vec![]);
    }

    #[test]
    fn bad_thread_responses() {
        for bad in [
            &b" ()"[..],
            b" (1",
            b" (1 )",
            b" (0)",
            b" (1 (2)x)",
            b" (x)",
        ] {
            assert!(
                thread_data(bad, 32).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = format!(" {}1{}", "(".repeat(40), ")".repeat(40));
        assert!(thread_data(deep.as_bytes(), 32).is_err());
        assert!(thread_data(deep.as_bytes(), 41).is_ok());
    }

    /// The page's build (no `sort-thread` feature) does not parse SORT or THREAD: they are
    /// unknown commands there, answered BAD. The other builds parse them.
    #[test]
    fn sort_and_thread_commands_follow_the_feature() {
        for line in [
            &b"a SORT (DATE) UTF-8 ALL\r\n"[..],
            b"a UID SORT (SUBJECT) UTF-8 ALL\r\n",
            b"a THREAD REFERENCES UTF-8 ALL\r\n",
            b"a UID THREAD ORDEREDSUBJECT UTF-8 ALL\r\n",
        ] {
            let parsed = crate::protocol::parse::parse_command(line);
            assert_eq!(parsed.is_ok(), cfg!(feature = "sort-thread"), "{parsed:?}");
        }
    }
}
