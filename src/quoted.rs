//! A string shown in an error message between double quotes, escaped like its `{:?}` form.
//!
//! Written out instead of `{:?}` because `str`'s `Debug` links Unicode's printable and
//! grapheme-extend tables into the page's module (`char::escape_debug`): measured on 2026-12-02,
//! the page 246,838 bytes gzipped with `{:?}` in these messages, 243,534 with this. The text is
//! the same as `{:?}`'s for every character but those `Debug` also escapes for being unprintable
//! or combining (e.g. U+200B, U+0301 at the start): those stay as they are here, which only the
//! messages of bad scenario lines, policy names and scenario names can show.

use std::fmt::{self, Write as _};

/// `Quoted(s)` displays as `"s"` with `\`, `"` and control characters escaped (`\n`, `\r`,
/// `\t`, `\0`, else `\u{..}`), as `{:?}` writes them.
pub(crate) struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\0' => f.write_str("\\0")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::Quoted;

    #[test]
    fn same_as_debug() {
        for s in [
            "",
            "plain text",
            "a \"quoted\" \\ back",
            "line\r\nbreak\tand\0nul",
            "\u{1}\u{7f}\u{85}\u{9f}",
            "Café menü — ✓ 😀 日本",
            "'single'",
        ] {
            assert_eq!(Quoted(s).to_string(), format!("{s:?}"), "{s:?}");
        }
    }
}
