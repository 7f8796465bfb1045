//! LIST and LSUB (RFC 3501 §6.3.8, §6.3.9): the reference joined to the pattern
//! (RFC 2683 §3.4.9) and the wildcard matcher.

use crate::protocol::types::{Data, ListItem, MailboxName, NameAttribute, Response};
use crate::server::mailstore::DELIMITER;
use crate::server::{ClientId, CmdResult, Done, Server};

/// LIST patterns longer than any mailbox name can match nothing; refusing them early keeps the
/// matcher's work bounded.
const MAX_PATTERN: usize = 1024;

impl Server {
    /// LIST (RFC 3501 §6.3.8) and LSUB (§6.3.9). The reference is a "current directory" for the
    /// pattern (RFC 2683 §3.4.9, see [`join_reference`]); `*` matches anything, `%` anything but
    /// the delimiter.
    pub(crate) fn handle_list(
        &mut self,
        client: ClientId,
        reference: &MailboxName,
        pattern: &MailboxName,
        lsub: bool,
    ) -> CmdResult {
        let verb = if lsub { "LSUB" } else { "LIST" };
        if pattern.0.is_empty() && !lsub {
            // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root name.
            let item = ListItem {
                attributes: vec![NameAttribute::Noselect],
                delimiter: Some(DELIMITER),
                mailbox: MailboxName(String::new()),
            };
            self.send(client, Response::Data(Data::List(item)), None);
            return Ok(Done::text("LIST completed"));
        }
        let full = canonical_pattern(&join_reference(&reference.0, &pattern.0));
        if full.len() > MAX_PATTERN {
            return Ok(Done::text(format!(
                "{verb} completed (pattern too long to match)"
            )));
        }
        let mut items = Vec::new();
        if lsub {
            let user = self.user_of(client);
            let mut names: Vec<String> = Vec::new();
            for sub in self.store.subscriptions(&user) {
                if wildcard_match(&full, sub) {
                    names.push(sub.clone());
                } else {
                    // RFC 3501 §6.3.9: with `%`, a parent of a subscribed name that matches is
                    // returned with \Noselect.
                    let mut prefix = String::new();
                    for part in sub.split(DELIMITER) {
                        if !prefix.is_empty() {
                            prefix.push(DELIMITER);
                        }
                        prefix.push_str(part);
                        if prefix.len() < sub.len() && wildcard_match(&full, &prefix) {
                            names.push(prefix.clone());
                        }
                    }
                }
            }
            names.sort();
            names.dedup();
            for name in names {
                let subscribed = self.store.is_subscribed(&user, &name);
                let selectable = self.store.by_name(&name).is_some_and(|m| !m.noselect);
                let attributes = if subscribed && selectable {
                    Vec::new()
                } else {
                    vec![NameAttribute::Noselect]
                };
                items.push(ListItem {
                    attributes,
                    delimiter: Some(DELIMITER),
                    mailbox: MailboxName(name),
                });
            }
        } else {
            for mb in self.store.live() {
                if !wildcard_match(&full, &mb.name) {
                    continue;
                }
                let mut attributes = Vec::new();
                if mb.noselect {
                    attributes.push(NameAttribute::Noselect);
                }
                // RFC 3348 §4 (CHILDREN), as carried into RFC 9051 §7.3.1.
                attributes.push(if self.store.has_children(&mb.name) {
                    NameAttribute::HasChildren
                } else {
                    NameAttribute::HasNoChildren
                });
                items.push(ListItem {
                    attributes,
                    delimiter: Some(DELIMITER),
                    mailbox: MailboxName(mb.name.clone()),
                });
            }
        }
        for item in items {
            let data = if lsub {
                Data::Lsub(item)
            } else {
                Data::List(item)
            };
            self.send(client, Response::Data(data), None);
        }
        Ok(Done::text(format!("{verb} completed")))
    }
}

/// RFC 2683 §3.4.9: the reference is prepended to the pattern with one delimiter between them,
/// never two ("LIST ABC DEF" and "LIST ABC/ /DEF" both mean ABC/DEF).
fn join_reference(reference: &str, pattern: &str) -> String {
    if reference.is_empty() {
        return pattern.to_string();
    }
    let r = reference.strip_suffix(DELIMITER).unwrap_or(reference);
    let p = pattern.strip_prefix(DELIMITER).unwrap_or(pattern);
    format!("{r}{DELIMITER}{p}")
}

/// INBOX at the start of a pattern is case-insensitive, as the name is (RFC 3501 §5.1).
fn canonical_pattern(pattern: &str) -> String {
    let head = pattern.get(..5).filter(|h| h.eq_ignore_ascii_case("INBOX"));
    let tail = pattern.get(5..).unwrap_or("");
    match head {
        Some(_) if matches!(tail.bytes().next(), None | Some(b'/' | b'%' | b'*')) => {
            format!("INBOX{tail}")
        }
        _ => pattern.to_string(),
    }
}

/// `*` matches any run of characters, `%` any run without the delimiter (RFC 3501 §6.3.8).
/// Dynamic programming over bytes: O(pattern × name), both bounded ([`MAX_PATTERN`], the
/// mailbox name limit).
pub(crate) fn wildcard_match(pattern: &str, name: &str) -> bool {
    let name = name.as_bytes();
    let delim = DELIMITER as u8;
    // row[j]: the pattern so far matches the first j octets of the name.
    let mut row = vec![false; name.len() + 1];
    if let Some(first) = row.first_mut() {
        *first = true;
    }
    for pc in pattern.bytes() {
        let mut next = vec![false; name.len() + 1];
        match pc {
            b'*' | b'%' => {
                // Once reachable, every later position is, except across the delimiter for `%`.
                let mut reachable = false;
                for (j, (was, now)) in row.iter().zip(next.iter_mut()).enumerate() {
                    reachable |= *was;
                    *now = reachable;
                    if pc == b'%' && name.get(j) == Some(&delim) {
                        reachable = false;
                    }
                }
            }
            c => {
                // next[j + 1] = row[j] && name[j] == c
                for ((was, now), &nc) in row.iter().zip(next.iter_mut().skip(1)).zip(name) {
                    *now = *was && nc == c;
                }
            }
        }
        row = next;
    }
    row.last().copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::mailstore::canonical_name;

    #[test]
    fn star_crosses_the_delimiter_and_percent_does_not() {
        assert!(wildcard_match("*", "a/b/c"));
        assert!(wildcard_match("a/*", "a/b/c"));
        assert!(wildcard_match("%", "abc"));
        assert!(!wildcard_match("%", "a/b"));
        assert!(wildcard_match("a/%", "a/b"));
        assert!(!wildcard_match("a/%", "a/b/c"));
        assert!(wildcard_match("%/%", "a/b"));
        assert!(wildcard_match("a%c", "abbc"));
        assert!(!wildcard_match("a%c", "ab/c"));
        assert!(wildcard_match("", ""));
        assert!(!wildcard_match("", "a"));
    }

    #[test]
    fn the_reference_joins_the_pattern_with_one_delimiter() {
        // RFC 2683 §3.4.9's two examples.
        assert_eq!(join_reference("ABC", "DEF"), "ABC/DEF");
        assert_eq!(join_reference("ABC/", "/DEF"), "ABC/DEF");
        assert_eq!(join_reference("", "%"), "%");
        assert_eq!(join_reference("Archive/", "%"), "Archive/%");
    }

    #[test]
    fn inbox_patterns_are_case_insensitive() {
        assert_eq!(canonical_pattern("inbox"), "INBOX");
        assert_eq!(canonical_pattern("Inbox/%"), "INBOX/%");
        assert_eq!(canonical_pattern("inboxes"), "inboxes");
        assert_eq!(canonical_name("inbox"), "INBOX");
    }
}
