//! Advice for a command line a learner typed and the server refused: what to change, in words.
//! Lexical only (quotes, 8-bit characters), so it works on lines the parser could not read; the
//! page shows it under the BAD or NO it explains.

use super::utf7;

/// What to change in `line` (one typed line, no CRLF), if a common mistake is found in it.
pub fn hint(line: &str) -> Option<String> {
    let mut tokens: Vec<(&str, bool)> = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(|c: char| c != ' ') {
        rest = rest.get(start..)?;
        if let Some(body) = rest.strip_prefix('"') {
            match closing_quote(body) {
                Some(end) => {
                    tokens.push((body.get(..end)?, true));
                    rest = body.get(end + 1..)?;
                }
                None => {
                    // RFC 3501 §4.3: a quoted string ends with its own DQUOTE.
                    let shown: String = rest.chars().take(20).collect();
                    return Some(format!(
                        "The quoted string {shown} is not closed: end it with \" (RFC 3501 \
                         §4.3). Inside it, write \" as \\\" and \\ as \\\\."
                    ));
                }
            }
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            tokens.push((rest.get(..end)?, false));
            rest = rest.get(end..)?;
        }
    }
    let (word, quoted) = tokens.into_iter().find(|(t, _)| !t.is_ascii())?;
    // RFC 3501 §5.1.3: mailbox names are 7-bit, international characters in modified UTF-7;
    // RFC 3501 §9: atoms and quoted strings carry 7-bit characters only.
    let q = if quoted { "\"" } else { "" };
    Some(format!(
        "{q}{word}{q} has 8-bit characters, which an atom or quoted string cannot carry (RFC 3501 \
         §9). As a mailbox name, write it in modified UTF-7 (RFC 3501 §5.1.3): {q}{}{q}. As search \
         text, send it as a literal with CHARSET UTF-8.",
        utf7::encode(word)
    ))
}

/// The index of the DQUOTE that ends a quoted string's body, skipping `\"` and `\\`.
fn closing_quote(body: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_8bit_mailbox_name_gets_its_modified_utf7_form() {
        let h = hint("a2 SELECT Entwürfe").unwrap();
        assert!(h.contains("Entw&APw-rfe") && h.contains("§5.1.3"), "{h}");
        let h = hint("a2 CREATE \"Entwürfe 2\"").unwrap();
        assert!(h.contains("\"Entw&APw-rfe 2\""), "{h}");
    }

    #[test]
    fn an_unclosed_quote_is_named() {
        let h = hint("a3 SELECT \"INBOX").unwrap();
        assert!(h.contains("\"INBOX") && h.contains("not closed"), "{h}");
        assert!(hint("a3 SELECT \"IN\\\"BOX\"").is_none());
    }

    #[test]
    fn a_plain_line_gets_no_hint() {
        assert!(hint("a1 LOGIN alice alice").is_none());
        assert!(hint("").is_none());
    }
}
