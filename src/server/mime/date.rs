//! The date part of an RFC 5322 §3.3 `date-time`, for SENTBEFORE / SENTON / SENTSINCE
//! (RFC 3501 §6.4.4: "disregarding time and timezone").

use crate::protocol::types::Date;

const MONTHS: [&[u8]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];

/// `[ day-of-week "," ] day month year ...` (RFC 5322 §3.3), comments and the obsolete forms of
/// §4.3 (two- and three-digit years) tolerated. `None` when it does not parse.
pub(crate) fn parse_date(value: &[u8]) -> Option<Date> {
    let words = words(value);
    let mut w = words.iter().peekable();
    // An optional day of week, with or without its comma.
    if w.peek()
        .is_some_and(|t| t.first().is_some_and(u8::is_ascii_alphabetic))
    {
        w.next();
    }
    let day: u8 = number(w.next()?)?;
    let month_word = w.next()?.to_ascii_lowercase();
    let month = MONTHS
        .iter()
        .position(|m| month_word.starts_with(m))
        .and_then(|i| u8::try_from(i).ok())?
        .checked_add(1)?;
    let year_word = w.next()?;
    let mut year: u16 = number(year_word)?;
    // RFC 5322 §4.3: "If a two digit year is encountered whose value is between 00 and 49, the
    // year is interpreted by adding 2000 ... 50 and 99 ... adding 1900"; three digits add 1900.
    match year_word.len() {
        1 | 2 if year < 50 => year = year.checked_add(2000)?,
        1..=3 => year = year.checked_add(1900)?,
        _ => {}
    }
    (1..=31).contains(&day).then_some(Date { year, month, day })
}

fn number<T: std::str::FromStr>(w: &[u8]) -> Option<T> {
    if w.is_empty() || w.len() > 4 || !w.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(w).ok()?.parse().ok()
}

/// Words separated by whitespace or `,`, with comments removed.
fn words(s: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut depth = 0usize;
    for &b in s {
        match b {
            b'(' => depth = depth.saturating_add(1),
            b')' if depth > 0 => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            b' ' | b'\t' | b'\r' | b'\n' | b',' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(b),
        }
        if out.len() >= 4 {
            break;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: u16, month: u8, day: u8) -> Option<Date> {
        Some(Date { year, month, day })
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date(b"Mon, 3 Mar 2025 09:12:44 +0100"), d(2025, 3, 3));
        assert_eq!(
            parse_date(b" 31 Dec 1999 23:59 -0800 (PST)"),
            d(1999, 12, 31)
        );
        assert_eq!(parse_date(b"Thu,13 Feb 69 23:32 -0330"), d(1969, 2, 13));
        assert_eq!(
            parse_date(b"(c) Fri , 21 Nov 097 09:55:06 GMT"),
            d(1997, 11, 21)
        );
        assert_eq!(parse_date(b"1 January 05"), d(2005, 1, 1));
        assert_eq!(parse_date(b"32 Jan 2000"), None);
        assert_eq!(parse_date(b"yesterday"), None);
        assert_eq!(parse_date(b""), None);
    }
}
