//! The date part of an RFC 5322 §3.3 `date-time`, for SENTBEFORE / SENTON / SENTSINCE
//! (RFC 3501 §6.4.4: "disregarding time and timezone").

use crate::protocol::types::Date;

const MONTHS: [&[u8]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];

/// `[ day-of-week "," ] day month year ...` (RFC 5322 §3.3), comments and the obsolete forms of
/// §4.3 (two- and three-digit years) tolerated. `None` when it does not parse.
pub(crate) fn parse_date(value: &[u8]) -> Option<Date> {
    parse_date_in(&words(value, 4))
}

fn parse_date_in(words: &[Vec<u8>]) -> Option<Date> {
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

/// The sent date of RFC 5256 §2.2: the RFC 5322 §3.3 `date-time` as seconds since 1970 UTC,
/// "adjusted by time zone to normalize to UTC". `None` when the date does not parse (the
/// caller then uses INTERNALDATE). RFC 5256 §2.2: "If the time zone is invalid, the date and
/// time SHOULD be treated as UTC. If the time is also invalid, the time SHOULD be treated as
/// 00:00:00."
pub(crate) fn parse_sent_time(value: &[u8]) -> Option<i64> {
    let words = words(value, 6);
    let date = parse_date_in(&words)?;
    // The time and zone follow the year, with or without a day of week before the day.
    let first_is_dow = words
        .first()
        .is_some_and(|t| t.first().is_some_and(u8::is_ascii_alphabetic));
    let at = if first_is_dow { 4 } else { 3 };
    let time = words.get(at).and_then(|t| time_of_day(t));
    let zone = match time {
        Some(_) => words.get(at + 1).and_then(|z| zone_minutes(z)).unwrap_or(0),
        None => 0,
    };
    let day_secs = time.unwrap_or(0);
    let days = days_from_civil(i64::from(date.year), date.month, date.day);
    Some(days * 86_400 + day_secs - zone * 60)
}

/// `hour ":" minute [":" second]` (RFC 5322 §3.3) as seconds into the day.
fn time_of_day(w: &[u8]) -> Option<i64> {
    let mut parts = w.split(|&b| b == b':');
    let h: i64 = number(parts.next()?)?;
    let m: i64 = number(parts.next()?)?;
    let s: i64 = match parts.next() {
        Some(p) => number(p)?,
        None => 0,
    };
    if parts.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(h * 3_600 + m * 60 + s)
}

/// `zone = (FWS ( "+" / "-" ) 4DIGIT)` (RFC 5322 §3.3) or an `obs-zone` (§4.3) in minutes east
/// of UTC. §4.3: military zones "SHOULD all be considered equivalent to "-0000"".
fn zone_minutes(w: &[u8]) -> Option<i64> {
    if let Some((&sign, digits)) = w.split_first() {
        if matches!(sign, b'+' | b'-') {
            if digits.len() != 4 {
                return None;
            }
            let hhmm: i64 = number(digits)?;
            let minutes = hhmm / 100 * 60 + hhmm % 100;
            return Some(if sign == b'-' { -minutes } else { minutes });
        }
    }
    let hours = match w.to_ascii_uppercase().as_slice() {
        b"UT" | b"GMT" | b"Z" => 0,
        b"EDT" => -4,
        b"EST" | b"CDT" => -5,
        b"CST" | b"MDT" => -6,
        b"MST" | b"PDT" => -7,
        b"PST" => -8,
        [c] if c.is_ascii_alphabetic() => 0,
        _ => return None,
    };
    Some(hours * 60)
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (the inverse of
/// `world::datetime_from_unix`'s calendar arithmetic, by eras of 400 years).
pub(crate) fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Words separated by whitespace or `,`, with comments removed; at most `max`.
fn words(s: &[u8], max: usize) -> Vec<Vec<u8>> {
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
        if out.len() >= max {
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

    #[test]
    fn sent_times_are_normalised_to_utc() {
        // RFC 5256 §2.2: "31 Dec 2000 16:01:33 -0800" is "1 Jan 2001 00:01:33 +0000".
        let utc = parse_sent_time(b"1 Jan 2001 00:01:33 +0000");
        assert_eq!(utc, Some(978_307_293));
        assert_eq!(parse_sent_time(b"Sun, 31 Dec 2000 16:01:33 -0800"), utc);
        assert_eq!(parse_sent_time(b"31 Dec 2000 19:01:33 EST"), utc);
        // A bad zone is UTC; a bad time is midnight, UTC.
        assert_eq!(parse_sent_time(b"1 Jan 2001 00:01:33 +01"), utc);
        assert_eq!(parse_sent_time(b"1 Jan 2001 00:01:33 bogus"), utc);
        assert_eq!(
            parse_sent_time(b"1 Jan 2001 25:00 +0500"),
            Some(978_307_200)
        );
        assert_eq!(parse_sent_time(b"1 Jan 1970"), Some(0));
        assert_eq!(
            parse_sent_time(b"29 Feb 2024 00:00:00 +0000"),
            Some(1_709_164_800)
        );
        assert_eq!(parse_sent_time(b"no date"), None);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }
}
