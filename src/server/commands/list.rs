//! LIST and LSUB (RFC 3501 §6.3.8, §6.3.9), the extended LIST (RFC 5258) with LIST-STATUS
//! (RFC 5819) and SPECIAL-USE (RFC 6154): the reference joined to the pattern (RFC 2683
//! §3.4.9) and the wildcard matcher.

use crate::protocol::types::{
    Code, Data, ListItem, ListReturnOpt, ListSelectOpt, MailboxName, NameAttribute, Response,
    StatusItem,
};
use crate::server::limits::LIST_PATTERN_OCTETS;
use crate::server::mailstore::DELIMITER;
use crate::server::vecmap::VecSet;
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

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
        if !lsub {
            if pattern.0.is_empty() {
                // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root name.
                let item = ListItem {
                    attributes: vec![NameAttribute::Noselect],
                    delimiter: Some(DELIMITER),
                    mailbox: MailboxName(String::new()),
                };
                self.send(client, Response::Data(Data::List(item)), None);
                return Ok(Done::text("LIST completed"));
            }
            if pattern.0.len() > MAX_PATTERN {
                return Ok(Done::text("LIST completed (pattern too long to match)"));
            }
            let patterns = std::slice::from_ref(pattern);
            return self.handle_list_extended(client, &[], reference, patterns, &[]);
        }
        let full = canonical_pattern(&join_reference(&reference.0, &pattern.0));
        if full.len() > MAX_PATTERN {
            return Ok(Done::text("LSUB completed (pattern too long to match)"));
        }
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
            let item = ListItem {
                attributes,
                delimiter: Some(DELIMITER),
                mailbox: MailboxName(name),
            };
            self.send(client, Response::Data(Data::Lsub(item)), None);
        }
        Ok(Done::text("LSUB completed"))
    }

    /// The extended LIST (RFC 5258 §3): selection options choose the names, return options
    /// what is said of each; RFC 3501's LIST is this with neither.
    pub(crate) fn handle_list_extended(
        &mut self,
        client: ClientId,
        select: &[ListSelectOpt],
        reference: &MailboxName,
        patterns: &[MailboxName],
        ret: &[ListReturnOpt],
    ) -> CmdResult {
        if patterns.iter().map(|p| p.0.len()).sum::<usize>() > LIST_PATTERN_OCTETS {
            return Err(Fail::no(format!(
                "LIST patterns over {LIST_PATTERN_OCTETS} octets in all"
            ))
            .with_code(Code::Limit));
        }
        // RFC 5258 §3: the empty pattern "MUST be ignored for the purpose of matching", and a
        // pattern the server does not accept (one longer than any name) is "silently ignored".
        let full: Vec<String> = patterns
            .iter()
            .filter(|p| !p.0.is_empty() && p.0.len() <= MAX_PATTERN)
            .map(|p| canonical_pattern(&join_reference(&reference.0, &p.0)))
            .collect();
        let matches = |name: &str| full.iter().any(|p| wildcard_match(p, name));
        // RFC 5258 §3: options given twice count once, in any order.
        let by_subscription = select.contains(&ListSelectOpt::Subscribed);
        let by_use = select.contains(&ListSelectOpt::SpecialUse);
        let recursive = select.contains(&ListSelectOpt::RecursiveMatch);
        // RFC 5258 §3.1: the SUBSCRIBED selection option implies the return option; RFC 6154
        // §2 likewise for SPECIAL-USE. REMOTE changes nothing: there are no remote mailboxes.
        let show_subscribed = by_subscription || ret.contains(&ListReturnOpt::Subscribed);
        let show_use = by_use || ret.contains(&ListReturnOpt::SpecialUse);
        let status: Option<&[StatusItem]> = ret.iter().find_map(|o| match o {
            ListReturnOpt::Status(items) => Some(items.as_slice()),
            _ => None,
        });
        if let Some(items) = status {
            self.check_status_items(client, items)?;
        }
        let user = self.user_of(client);
        let store = &self.store;
        let has_use = |name: &str| {
            store
                .by_name(name)
                .is_some_and(|m| !m.special_use.is_empty())
        };
        // The names that meet the selection criteria (RFC 5258 §3): subscribed ones, which
        // need not exist (§3.1), or the existing mailboxes; with SPECIAL-USE (RFC 6154 §2)
        // only those with a special use. Without RECURSIVEMATCH only those the patterns match
        // matter.
        let wanted = |n: &str| (!by_use || has_use(n)) && (recursive || matches(n));
        let meets: VecSet<String> = if by_subscription {
            let subscribed = store.subscriptions(&user);
            subscribed.filter(|n| wanted(n)).cloned().collect()
        } else {
            let live = store.live().filter(|m| wanted(&m.name));
            live.map(|m| m.name.clone()).collect()
        };
        // RECURSIVEMATCH (§3.1): each ancestor of a name that meets the criteria gets CHILDINFO
        // (§3.5); those with such a descendant the patterns do not match are `lonely`, the
        // only ancestors listed when they do not meet the criteria themselves (§3.3 rule 2B;
        // §3.5 "servers SHOULD suppress redundant CHILDINFO responses"). Sets of `String`
        // as `VecSet`, as elsewhere in the engine: each new collection type costs the page's wasm.
        let mut parents: VecSet<String> = VecSet::new();
        let mut lonely: VecSet<String> = VecSet::new();
        if recursive {
            for name in meets.iter() {
                for (at, _) in name.match_indices(DELIMITER) {
                    let parent = name.get(..at).unwrap_or_default().to_string();
                    if !matches(name) {
                        lonely.insert(parent.clone());
                    }
                    parents.insert(parent);
                }
            }
        }
        let names: VecSet<String> = meets.iter().chain(parents.iter()).cloned().collect();
        let mut responses = Vec::new();
        for name in names.iter() {
            let listed = meets.contains(name);
            let childinfo = parents.contains(name);
            if !matches(name) || !(listed || lonely.contains(name)) {
                continue;
            }
            let mailbox = store.by_name(name);
            let mut attributes = Vec::new();
            match mailbox {
                // RFC 5258 §3: "\NonExistent" (which implies \Noselect) for a subscribed name
                // or a parent that is not a mailbox.
                None => attributes.push(NameAttribute::Extension("NonExistent".to_string())),
                Some(m) if m.noselect => attributes.push(NameAttribute::Noselect),
                Some(_) => {}
            }
            // RFC 5258 §4: \HasChildren / \HasNoChildren "MAY be returned in response to any
            // LIST command", and are here whether or not RETURN (CHILDREN) asked, as RFC 3348
            // servers did (`CHILDREN` is advertised).
            attributes.push(if store.has_children(name) {
                NameAttribute::HasChildren
            } else {
                NameAttribute::HasNoChildren
            });
            if show_subscribed && store.is_subscribed(&user, name) {
                attributes.push(NameAttribute::Subscribed);
            }
            // RFC 6154 §2: special uses only when asked for (the return or selection option);
            // the non-extended LIST "MAY" carry them, and does not here, so RFC 3501 clients
            // see the same LIST as before.
            if show_use {
                let uses = mailbox
                    .map(|m| m.special_use.as_slice())
                    .unwrap_or_default();
                attributes.extend(uses.iter().map(|u| NameAttribute::Extension(u.to_string())));
            }
            let item = ListItem {
                attributes,
                delimiter: Some(DELIMITER),
                mailbox: MailboxName(name.clone()),
            };
            // RFC 5258 §3.5: CHILDINFO names the selection criteria a descendant meets;
            // RECURSIVEMATCH needs SUBSCRIBED, the only `list-select-base-opt`.
            responses.push(Response::Data(if childinfo {
                let criteria = vec!["SUBSCRIBED".to_string()];
                Data::ListChildInfo { item, criteria }
            } else {
                Data::List(item)
            }));
            // RFC 5819 §2: a STATUS after the LIST of each selectable mailbox that meets the
            // selection criteria; none for \Noselect or \NonExistent ones, nor for a parent
            // listed only for its children (§3's second example).
            if let (Some(items), Some(m), true) = (status, mailbox, listed) {
                if !m.noselect {
                    responses.push(Response::Data(Data::Status {
                        mailbox: MailboxName(m.name.clone()),
                        items: super::mailbox::status_values(m, items),
                    }));
                }
            }
        }
        for response in responses {
            self.send(client, response, None);
        }
        // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command; RFC 5819's
        // STATUS return option asks the same of every mailbox listed.
        if status.is_some_and(|items| items.contains(&StatusItem::HighestModSeq)) {
            self.enable_condstore(client);
        }
        Ok(Done::text("LIST completed"))
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
