//! Dates (RFC 3501 §9 `date`, `date-time`).

use nom::bytes::complete::take_while_m_n;
use nom::Parser;

use super::core::byte;
use super::{fail, PResult};
use crate::protocol::types::{Date, DateTime};

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// `m` to `n` digits as a number (at most 4 digits, so no overflow).
fn digits<'a>(input: &'a [u8], m: usize, n: usize, what: &'static str) -> PResult<'a, u16> {
    match take_while_m_n::<_, &[u8], super::ParseError<'_>>(m, n, |b: u8| b.is_ascii_digit())
        .parse(input)
    {
        Ok((rest, d)) => Ok((
            rest,
            d.iter()
                .fold(0u16, |acc, &c| acc * 10 + u16::from(c - b'0')),
        )),
        Err(_) => fail(input, what),
    }
}

/// `date-month = "Jan" / "Feb" / ... / "Dec"` (RFC 3501 §9), case-insensitive.
pub fn date_month(input: &[u8]) -> PResult<'_, u8> {
    let head = input.get(..3).unwrap_or_default();
    for (i, m) in (1u8..).zip(MONTHS) {
        if head.eq_ignore_ascii_case(m) {
            return Ok((input.get(3..).unwrap_or_default(), i));
        }
    }
    fail(input, "Expected month name")
}

fn check_day(input: &[u8], day: u16) -> Result<u8, nom::Err<super::ParseError<'_>>> {
    match u8::try_from(day) {
        Ok(d @ 1..=31) => Ok(d),
        _ => Err(nom::Err::Error(super::ParseError {
            input,
            message: "Expected day of month 1 to 31".into(),
        })),
    }
}

/// `date-text = date-day "-" date-month "-" date-year` (RFC 3501 §9), with
/// `date-day = 1*2DIGIT` and `date-year = 4DIGIT`.
pub fn date_text(input: &[u8]) -> PResult<'_, Date> {
    let (rest, day) = digits(input, 1, 2, "Expected date")?;
    let day = check_day(input, day)?;
    let (rest, ()) = byte(b'-', "Expected - in date")(rest)?;
    let (rest, month) = date_month(rest)?;
    let (rest, ()) = byte(b'-', "Expected - in date")(rest)?;
    let (rest, year) = digits(rest, 4, 4, "Expected four-digit year")?;
    Ok((rest, Date { year, month, day }))
}

/// `date = date-text / DQUOTE date-text DQUOTE` (RFC 3501 §9).
pub fn date(input: &[u8]) -> PResult<'_, Date> {
    match input.split_first() {
        Some((b'"', rest)) => {
            let (rest, d) = date_text(rest)?;
            let (rest, ()) = byte(b'"', "Expected closing DQUOTE")(rest)?;
            Ok((rest, d))
        }
        _ => date_text(input),
    }
}

/// `date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE`
/// (RFC 3501 §9), with `date-day-fixed = (SP DIGIT) / 2DIGIT`, `time = 2DIGIT ":" 2DIGIT ":"
/// 2DIGIT` and `zone = ("+" / "-") 4DIGIT`.
pub fn date_time(input: &[u8]) -> PResult<'_, DateTime> {
    let (rest, ()) = byte(b'"', "Expected date-time")(input)?;
    let (rest, day) = match rest.split_first() {
        Some((b' ', after)) => digits(after, 1, 1, "Expected day")?,
        _ => digits(rest, 2, 2, "Expected two-digit day")?,
    };
    // RFC 2180 §4.1.3 gives "00-Jan-0000 00:00:00 +0000" as the INTERNALDATE of an expunged
    // message; `date-day-fixed = (SP DIGIT) / 2DIGIT` admits "00" syntactically, so it parses.
    let day = match day {
        0 => 0,
        d => check_day(rest, d)?,
    };
    let (rest, ()) = byte(b'-', "Expected - in date")(rest)?;
    let (rest, month) = date_month(rest)?;
    let (rest, ()) = byte(b'-', "Expected - in date")(rest)?;
    let (rest, year) = digits(rest, 4, 4, "Expected four-digit year")?;
    let (rest, ()) = byte(b' ', "Expected SP before time")(rest)?;
    let (rest, hour) = digits(rest, 2, 2, "Expected hour")?;
    let (rest, ()) = byte(b':', "Expected : in time")(rest)?;
    let (rest, minute) = digits(rest, 2, 2, "Expected minute")?;
    let (rest, ()) = byte(b':', "Expected : in time")(rest)?;
    let (after, second) = digits(rest, 2, 2, "Expected second")?;
    if hour > 23 || minute > 59 || second > 60 {
        return fail(rest, "Expected a valid time of day");
    }
    let (rest, ()) = byte(b' ', "Expected SP before zone")(after)?;
    let (sign, rest) = match rest.split_first() {
        Some((b'+', r)) => (1i16, r),
        Some((b'-', r)) => (-1i16, r),
        _ => return fail(rest, "Expected zone"),
    };
    let (after, zone) = digits(rest, 4, 4, "Expected zone")?;
    let (zh, zm) = (zone / 100, zone % 100);
    if zh > 23 || zm > 59 {
        return fail(rest, "Expected a valid zone");
    }
    let (rest, ()) = byte(b'"', "Expected closing DQUOTE")(after)?;
    // cannot overflow: zh <= 23, zm <= 59, so at most 1439.
    let zone_minutes = sign * (zh * 60 + zm) as i16;
    Ok((
        rest,
        DateTime {
            date: Date { year, month, day },
            // cannot truncate: hour <= 23, minute <= 59, second <= 60 were checked above.
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            zone_minutes,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = Date {
            year: 1994,
            month: 2,
            day: 1,
        };
        assert_eq!(date(b"1-Feb-1994 x").unwrap(), (&b" x"[..], d));
        assert_eq!(date(b"\"01-feb-1994\"").unwrap().1, d);
        assert!(date(b"1-Foo-1994").is_err());
        assert!(date(b"0-Feb-1994").is_err());
        assert!(date(b"32-Feb-1994").is_err());
        assert!(date(b"1-Feb-94").is_err());
        assert!(date(b"\"1-Feb-1994").is_err());
    }

    #[test]
    fn date_times() {
        let dt = date_time(b"\"17-Jul-1996 02:44:25 -0700\"").unwrap().1;
        assert_eq!(
            dt.date,
            Date {
                year: 1996,
                month: 7,
                day: 17
            }
        );
        assert_eq!(
            (dt.hour, dt.minute, dt.second, dt.zone_minutes),
            (2, 44, 25, -420)
        );
        let dt = date_time(b"\" 7-Jul-1996 23:59:60 +0130\"").unwrap().1;
        assert_eq!((dt.date.day, dt.zone_minutes), (7, 90));
        assert!(date_time(b"\"7-Jul-1996 02:44:25 -0700\"").is_err());
        assert!(date_time(b"\"17-Jul-1996 24:00:00 +0000\"").is_err());
        assert!(date_time(b"\"17-Jul-1996 02:44:25 +2400\"").is_err());
        assert!(date_time(b"\"17-Jul-1996 02:44:25\"").is_err());
        assert!(date_time(b"17-Jul-1996").is_err());
    }
}
