//! Sequence sets (RFC 3501 §9) and UID sets (RFC 4315 §4).

use super::core::nz_number;
use super::{fail, PResult};
use crate::protocol::types::{SeqBound, SeqRange, SequenceSet};

/// `seq-number = nz-number / "*"` (RFC 3501 §9).
pub fn seq_number(input: &[u8]) -> PResult<'_, SeqBound> {
    match input.split_first() {
        Some((b'*', rest)) => Ok((rest, SeqBound::Star)),
        _ => {
            let (rest, n) = nz_number(input)?;
            Ok((rest, SeqBound::Num(n)))
        }
    }
}

/// `seq-range = seq-number ":" seq-number` (RFC 3501 §9), or a single `seq-number`.
fn seq_range(input: &[u8], allow_star: bool) -> PResult<'_, SeqRange> {
    let (rest, start) = seq_number(input)?;
    if start == SeqBound::Star && !allow_star {
        return fail(input, "Expected UID (no * in a uid-set)");
    }
    match rest.split_first() {
        Some((b':', after)) => {
            let (rest, end) = seq_number(after)?;
            if end == SeqBound::Star && !allow_star {
                return fail(after, "Expected UID (no * in a uid-set)");
            }
            Ok((rest, SeqRange { start, end }))
        }
        _ => Ok((rest, SeqRange { start, end: start })),
    }
}

fn ranges<'a>(
    input: &'a [u8],
    allow_star: bool,
    dollar_last: bool,
    what: &'static str,
) -> PResult<'a, SequenceSet> {
    let (mut rest, first) = match seq_range(input, allow_star) {
        Ok(ok) => ok,
        Err(nom::Err::Error(_)) => return fail(input, what),
        Err(e) => return Err(e),
    };
    let mut out = vec![first];
    while let Some((b',', after)) = rest.split_first() {
        // RFC 5182 §3: `sequence-set =/ seq-last-command` lets the recursion end in `$`.
        if let (true, Some((b'$', r))) = (dollar_last, after.split_first()) {
            out.push(SeqRange::LAST_RESULT);
            rest = r;
            break;
        }
        let (r, range) = seq_range(after, allow_star)?;
        out.push(range);
        rest = r;
    }
    Ok((rest, SequenceSet(out)))
}

/// `sequence-set = (seq-number / seq-range) *("," sequence-set)` (RFC 3501 §9).
pub fn sequence_set(input: &[u8]) -> PResult<'_, SequenceSet> {
    ranges(input, true, false, "Expected sequence set")
}

/// A sequence set in a command: `sequence-set =/ seq-last-command`, `seq-last-command = "$"`
/// (RFC 5182 §3): `$` alone, or ending a list of numbers and ranges (`1,$`), which the ABNF
/// allows through `sequence-set`'s own recursion; not first (`$,1`) nor in a range (`$:4`),
/// which it does not. RFC 5182 §2.2 Example 4 combines `$` with numbers through OR instead,
/// and Dovecot 2.3 answers `1,$` BAD
/// (`tests/servers/transcripts/dovecot-2.3.19.1/extra-rfc5182-dollar-combined.txt`); the
/// grammar is what is built here.
pub fn command_sequence_set(input: &[u8]) -> PResult<'_, SequenceSet> {
    match input.split_first() {
        Some((b'$', rest)) => Ok((rest, SequenceSet::last_result())),
        _ => ranges(input, true, true, "Expected sequence set"),
    }
}

/// `uid-set = (uniqueid / uid-range) *("," uid-set)` (RFC 4315 §4): like a sequence set but
/// without `*`.
pub fn uid_set(input: &[u8]) -> PResult<'_, SequenceSet> {
    ranges(input, false, false, "Expected UID set")
}

#[cfg(test)]
mod tests {
    use super::*;
    use SeqBound::*;

    #[test]
    fn last_result_marker() {
        let (rest, set) = command_sequence_set(b"$ (UID)").unwrap();
        assert_eq!(rest, b" (UID)");
        assert!(set.is_last_result());
        // `$` ending a list (RFC 5182 §3's ABNF); not first, not in a range.
        let (rest, set) = command_sequence_set(b"1,3:4,$ (UID)").unwrap();
        assert_eq!(rest, b" (UID)");
        assert_eq!(set.0.last(), Some(&SeqRange::LAST_RESULT));
        assert_eq!(set.0.len(), 3);
        assert!(set.uses_last_result() && !set.is_last_result());
        assert_eq!(command_sequence_set(b"$,1").unwrap().0, b",1");
        assert_eq!(command_sequence_set(b"1,$:4").unwrap().0, b":4");
        assert!(command_sequence_set(b"1,$,2").unwrap().0.starts_with(b",2"));
        // Written back as read.
        let mut out = Vec::new();
        crate::protocol::encode::write_sequence_set(&set, &mut out);
        assert_eq!(out, b"1,3:4,$");
        // Not in responses or UID sets.
        assert!(sequence_set(b"1,$").is_err());
        // Responses never carry `$`.
        assert!(sequence_set(b"$").is_err());
        assert!(uid_set(b"$").is_err());
    }

    #[test]
    fn sequence_sets() {
        let (rest, set) = sequence_set(b"1,3:5,*,7:* x").unwrap();
        assert_eq!(rest, b" x");
        assert_eq!(
            set.0,
            vec![
                SeqRange {
                    start: Num(1),
                    end: Num(1)
                },
                SeqRange {
                    start: Num(3),
                    end: Num(5)
                },
                SeqRange {
                    start: Star,
                    end: Star
                },
                SeqRange {
                    start: Num(7),
                    end: Star
                },
            ]
        );
        assert!(sequence_set(b"0").is_err());
        assert!(sequence_set(b"1,").is_err());
        assert!(sequence_set(b"1:").is_err());
        assert!(sequence_set(b"x").is_err());
        assert!(matches!(
            sequence_set(b"99999999999"),
            Err(nom::Err::Failure(_))
        ));
    }

    #[test]
    fn uid_sets() {
        assert_eq!(uid_set(b"4:7,9").unwrap().1 .0.len(), 2);
        assert!(uid_set(b"*").is_err());
        assert!(uid_set(b"4:*").is_err());
    }
}
