//! THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3). Pure functions over the matched
//! messages, like [`crate::server::sort`]. The REFERENCES tree lives in an arena of nodes and
//! every walk over it uses an explicit stack: a reply chain may be as deep as the mailbox is
//! long.

use crate::protocol::types::Thread;
use crate::server::sort::{collation_subject, sent_time, sort_indexes, subject, Sortable};
use std::collections::HashMap;

/// The number written for a message: its sequence number or its UID.
pub(crate) type Numbering = fn(&Sortable<'_>) -> u32;

/// A threading algorithm: [`ordered_subject`] or [`references`].
pub(crate) type Algorithm = fn(&[Sortable<'_>], Numbering) -> Vec<Thread>;

/// What threading needs of one message, computed once.
struct Facts {
    /// RFC 5256 §2.2 sent date, then sequence number (the §2.2 tie-breaker).
    date: (i64, u32),
    /// The case-mapped base subject (§2.1; compared case-insensitively, §3 step 5 note).
    subject: String,
    /// §3 REFERENCES: "a reply or forward".
    reply: bool,
}

fn facts(m: &Sortable<'_>) -> Facts {
    let (subject, reply) = collation_subject(&subject(m.data));
    Facts {
        date: (sent_time(m.data), m.seq),
        subject,
        reply,
    }
}

/// RFC 5256 §3 ORDEREDSUBJECT: "sorted by base subject and then by the sent date ... split
/// into separate threads, with each thread containing messages with the same base subject
/// text. Finally, the threads are sorted by the sent date of the first message". The first
/// message is the root, the rest its children ("there are no grandchildren"). `number` gives
/// the sequence number or UID written for a message.
pub(crate) fn ordered_subject(messages: &[Sortable<'_>], number: Numbering) -> Vec<Thread> {
    let facts: Vec<Facts> = messages.iter().map(facts).collect();
    let mut order: Vec<usize> = (0..messages.len()).collect();
    sort_indexes(&mut order, &|a, b| {
        let (Some(x), Some(y)) = (facts.get(a), facts.get(b)) else {
            return std::cmp::Ordering::Equal;
        };
        (&x.subject, x.date).cmp(&(&y.subject, y.date))
    });
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut last: Option<&str> = None;
    for i in order {
        let Some(f) = facts.get(i) else { continue };
        match groups.last_mut() {
            Some(g) if last == Some(f.subject.as_str()) => g.push(i),
            _ => groups.push(vec![i]),
        }
        last = Some(f.subject.as_str());
    }
    let first_date = |g: usize| {
        let first = groups.get(g).and_then(|g| g.first());
        first.and_then(|&i| facts.get(i)).map(|f| f.date)
    };
    let mut by_date: Vec<usize> = (0..groups.len()).collect();
    sort_indexes(&mut by_date, &|a, b| first_date(a).cmp(&first_date(b)));
    let num = |i: &usize| messages.get(*i).map_or(0, number);
    by_date
        .iter()
        .filter_map(|&g| groups.get(g))
        .map(|g| match g.as_slice() {
            [one, two] => Thread {
                members: vec![num(one), num(two)],
                children: Vec::new(),
            },
            [first, rest @ ..] => Thread {
                members: vec![num(first)],
                children: rest
                    .iter()
                    .map(|i| Thread {
                        members: vec![num(i)],
                        children: Vec::new(),
                    })
                    .collect(),
            },
            [] => Thread::default(),
        })
        .collect()
}

/// One node of the REFERENCES tree: a message (index into the matched messages) or a dummy.
#[derive(Default)]
struct Node {
    message: Option<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// The tree of RFC 5256 §3 REFERENCES step 1, with the Message-ID table.
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn add(&mut self, message: Option<usize>) -> usize {
        self.nodes.push(Node {
            message,
            ..Node::default()
        });
        self.nodes.len() - 1
    }

    fn parent(&self, n: usize) -> Option<usize> {
        self.nodes.get(n).and_then(|x| x.parent)
    }

    /// Whether making `parent` the parent of `child` would make a loop: `parent` is `child`
    /// or one of its descendants (RFC 5256 §3 step 1.A: "make sure that A is not a descendent
    /// of B").
    fn would_loop(&self, parent: usize, child: usize) -> bool {
        if parent == child {
            return true;
        }
        // A node without children has no descendants: the usual case, a new message.
        if self.nodes.get(child).is_none_or(|c| c.children.is_empty()) {
            return false;
        }
        let mut up = self.parent(parent);
        while let Some(p) = up {
            if p == child {
                return true;
            }
            up = self.parent(p);
        }
        false
    }

    fn link(&mut self, parent: usize, child: usize) {
        if let Some(c) = self.nodes.get_mut(child) {
            c.parent = Some(parent);
        }
        if let Some(p) = self.nodes.get_mut(parent) {
            p.children.push(child);
        }
    }

    fn unlink(&mut self, child: usize) {
        let Some(parent) = self.parent(child) else {
            return;
        };
        if let Some(p) = self.nodes.get_mut(parent) {
            p.children.retain(|&c| c != child);
        }
        if let Some(c) = self.nodes.get_mut(child) {
            c.parent = None;
        }
    }

    fn is_dummy(&self, n: usize) -> bool {
        self.nodes.get(n).is_some_and(|x| x.message.is_none())
    }

    fn children(&self, n: usize) -> &[usize] {
        self.nodes.get(n).map_or(&[], |x| x.children.as_slice())
    }
}

/// RFC 5256 §3 REFERENCES, steps 1 to 6, and the result as THREAD response lists.
pub(crate) fn references(messages: &[Sortable<'_>], number: Numbering) -> Vec<Thread> {
    let facts: Vec<Facts> = messages.iter().map(facts).collect();
    let mut tree = Tree {
        nodes: Vec::with_capacity(messages.len().saturating_mul(2)),
    };
    let mut ids: HashMap<Vec<u8>, usize> = HashMap::new();
    // Step 1: each message in sequence order.
    for (i, m) in messages.iter().enumerate() {
        let mime = m.data.mime();
        let own_id = mime
            .header_values(&m.data.raw, b"message-id")
            .first()
            .and_then(|v| msg_ids(v).into_iter().next());
        let node = match own_id {
            // "If two or more messages have the same Message ID, then only use that Message ID
            // in the first (lowest sequence number) message": a dummy made by an earlier
            // reference becomes this message, another message's ID is not taken over.
            Some(id) => match ids.get(&id).copied() {
                Some(n) if tree.is_dummy(n) => {
                    if let Some(x) = tree.nodes.get_mut(n) {
                        x.message = Some(i);
                    }
                    n
                }
                Some(_) => tree.add(Some(i)),
                None => {
                    let n = tree.add(Some(i));
                    ids.insert(id, n);
                    n
                }
            },
            // "If a message does not contain a Message-ID header line, or the Message-ID header
            // line does not contain a valid Message ID, then assign a unique Message ID".
            None => tree.add(Some(i)),
        };
        // "If a message contains a References header line, then use the Message IDs in the
        // References header line ... [else] the first (if any) valid Message ID found in the
        // In-Reply-To header line".
        let mut refs: Vec<Vec<u8>> = mime
            .header_values(&m.data.raw, b"references")
            .iter()
            .flat_map(|v| msg_ids(v))
            .collect();
        if refs.is_empty() {
            refs = mime
                .header_values(&m.data.raw, b"in-reply-to")
                .first()
                .and_then(|v| msg_ids(v).into_iter().next())
                .into_iter()
                .collect();
        }
        // "If no message can be found with a given Message ID, create a dummy message with
        // this ID. Use this dummy message for all subsequent references to this ID."
        let ref_nodes: Vec<usize> = refs
            .into_iter()
            .map(|r| match ids.get(&r) {
                Some(&n) => n,
                None => {
                    let n = tree.add(None);
                    ids.insert(r, n);
                    n
                }
            })
            .collect();
        // Step 1.A: link the references in order, without changing existing parents and
        // without loops.
        for pair in ref_nodes.windows(2) {
            if let [a, b] = *pair {
                if tree.parent(b).is_none() && !tree.would_loop(a, b) {
                    tree.link(a, b);
                }
            }
        }
        // Step 1.B: the last reference becomes the parent, replacing any earlier one, unless
        // that makes a loop; no references, no parent.
        let last = ref_nodes.last().copied();
        if last.is_some_and(|p| tree.parent(node) == Some(p)) {
            continue;
        }
        tree.unlink(node);
        if let Some(p) = last {
            if !tree.would_loop(p, node) {
                tree.link(p, node);
            }
        }
    }
    // Step 2: the parentless nodes are the children of the root.
    let root = tree.add(None);
    let tops: Vec<usize> = (0..root).filter(|&n| tree.parent(n).is_none()).collect();
    for &n in &tops {
        tree.link(root, n);
    }
    prune(&mut tree, root);
    let key = |tree: &Tree, n: usize| -> (i64, u32) {
        // A dummy (only ever a child of the root) sorts by its first child.
        let m = tree.nodes.get(n).and_then(|x| {
            x.message
                .or_else(|| x.children.first().and_then(|&c| tree.nodes.get(c)?.message))
        });
        m.and_then(|i| facts.get(i))
            .map_or((i64::MIN, 0), |f| f.date)
    };
    // Step 4: sort the root's children by sent date, a dummy by its first child after sorting
    // its own children.
    let tops = tree.children(root).to_vec();
    for &n in &tops {
        if tree.is_dummy(n) {
            sort_children(&mut tree, n, &key);
        }
    }
    sort_children(&mut tree, root, &key);
    merge_subjects(&mut tree, root, &facts);
    // Step 6: every set of siblings by sent date, the youngest (deepest) first.
    for n in post_order(&tree, root) {
        sort_children(&mut tree, n, &key);
    }
    to_threads(&tree, root, |i| messages.get(i).map_or(0, number))
}

fn sort_children(tree: &mut Tree, n: usize, key: &impl Fn(&Tree, usize) -> (i64, u32)) {
    let Some(children) = tree.nodes.get(n).map(|x| x.children.clone()) else {
        return;
    };
    let keys: Vec<(i64, u32)> = children.iter().map(|&c| key(tree, c)).collect();
    let mut order: Vec<usize> = (0..children.len()).collect();
    sort_indexes(&mut order, &|a, b| keys.get(a).cmp(&keys.get(b)));
    if let Some(x) = tree.nodes.get_mut(n) {
        x.children = order
            .iter()
            .filter_map(|&i| children.get(i).copied())
            .collect();
    }
}

/// Every node under `root` (itself last), each after all of its descendants.
fn post_order(tree: &Tree, root: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        out.push(n);
        stack.extend_from_slice(tree.children(n));
    }
    out.reverse();
    out
}

/// Step 3: "If it is a dummy message with NO children, delete it. If it is a dummy message
/// with children, delete it, but promote its children to the current level ... Do not promote
/// the children if doing so would make them children of the root, unless there is only one
/// child."
fn prune(tree: &mut Tree, root: usize) {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let at_root = n == root;
        let mut queue: std::collections::VecDeque<usize> =
            tree.children(n).iter().copied().collect();
        let mut kept = Vec::new();
        while let Some(c) = queue.pop_front() {
            let grandchildren = tree.children(c).to_vec();
            if !tree.is_dummy(c) {
                kept.push(c);
            } else if grandchildren.is_empty() {
                // Deleted.
            } else if !at_root || grandchildren.len() == 1 {
                // Spliced in where the dummy was, and looked at again at this level.
                for &g in grandchildren.iter().rev() {
                    queue.push_front(g);
                }
            } else {
                kept.push(c);
            }
        }
        for &c in &kept {
            if let Some(x) = tree.nodes.get_mut(c) {
                x.parent = Some(n);
            }
        }
        stack.extend_from_slice(&kept);
        if let Some(x) = tree.nodes.get_mut(n) {
            x.children = kept;
        }
    }
}

/// Step 5: gather the root's children that have the same base subject.
fn merge_subjects(tree: &mut Tree, root: usize, facts: &[Facts]) {
    // 5.B.i: "the base subject from either the current message or its first child if the
    // current message is a dummy".
    let thread_subject = |tree: &Tree, n: usize| -> Option<String> {
        let x = tree.nodes.get(n)?;
        let m = match x.message {
            Some(m) => m,
            None => tree.nodes.get(*x.children.first()?)?.message?,
        };
        let s = &facts.get(m)?.subject;
        (!s.is_empty()).then(|| s.clone())
    };
    let reply = |tree: &Tree, n: usize| -> bool {
        tree.nodes
            .get(n)
            .and_then(|x| x.message)
            .and_then(|m| facts.get(m))
            .is_some_and(|f| f.reply)
    };
    let tops = tree.children(root).to_vec();
    // 5.A, 5.B: one message per base subject.
    let mut table: HashMap<String, usize> = HashMap::new();
    for &n in &tops {
        let Some(s) = thread_subject(tree, n) else {
            continue;
        };
        match table.get(&s).copied() {
            None => {
                table.insert(s, n);
            }
            Some(old) => {
                if !tree.is_dummy(old)
                    && (tree.is_dummy(n) || (reply(tree, old) && !reply(tree, n)))
                {
                    table.insert(s, n);
                }
            }
        }
    }
    // 5.C: merge. The root's children are rebuilt: merged nodes leave it, a new dummy takes
    // the place of the table's message.
    let mut at_root: Vec<bool> = vec![false; tree.nodes.len()];
    for &n in &tops {
        if let Some(a) = at_root.get_mut(n) {
            *a = true;
        }
    }
    let mut replaced: HashMap<usize, usize> = HashMap::new();
    for &n in &tops {
        if !at_root.get(n).copied().unwrap_or(false) {
            continue;
        }
        let Some(s) = thread_subject(tree, n) else {
            continue;
        };
        let Some(&t) = table.get(&s) else { continue };
        if t == n {
            continue;
        }
        if let Some(a) = at_root.get_mut(n) {
            *a = false;
        }
        match (tree.is_dummy(t), tree.is_dummy(n)) {
            // "If both messages are dummies, append the current message's children to the
            // children of the message in the subject table".
            (true, true) => {
                let moved = tree.children(n).to_vec();
                for c in moved {
                    tree.link(t, c);
                }
                if let Some(x) = tree.nodes.get_mut(n) {
                    x.children.clear();
                }
            }
            // "If the message in the subject table is a dummy and the current message is not"
            // or "the current message is a reply or forward and the message in the subject
            // table is not": the current message becomes its child.
            (true, false) => tree.link(t, n),
            (false, _) if reply(tree, n) && !reply(tree, t) => tree.link(t, n),
            // "Otherwise, create a new dummy message and make both ... children of the dummy.
            // Then replace the message in the subject table with the dummy message."
            _ => {
                let d = tree.add(None);
                at_root.push(true);
                tree.link(d, t);
                tree.link(d, n);
                if let Some(a) = at_root.get_mut(t) {
                    *a = false;
                }
                // The dummy stands where the table's message stood (or where that one's own
                // replacement stands).
                let mut place = t;
                while let Some(&r) = replaced.get(&place) {
                    place = r;
                }
                replaced.insert(place, d);
                table.insert(s, d);
            }
        }
    }
    let mut new_tops = Vec::with_capacity(tops.len());
    for &n in &tops {
        let mut shown = n;
        while let Some(&r) = replaced.get(&shown) {
            shown = r;
        }
        if at_root.get(shown).copied().unwrap_or(false) {
            new_tops.push(shown);
            if let Some(a) = at_root.get_mut(shown) {
                // Written once.
                *a = false;
            }
        }
    }
    for &n in &new_tops {
        if let Some(x) = tree.nodes.get_mut(n) {
            x.parent = Some(root);
        }
    }
    if let Some(x) = tree.nodes.get_mut(root) {
        x.children = new_tops;
    }
}

/// The root's children as THREAD response lists: a chain of single children becomes one list
/// of members, a branch nested lists. Built bottom-up with no recursion.
fn to_threads(tree: &Tree, root: usize, number: impl Fn(usize) -> u32) -> Vec<Thread> {
    // Each node's thread with `members` reversed (appended to as the chain grows upwards).
    let mut built: Vec<Option<Thread>> = Vec::new();
    built.resize_with(tree.nodes.len(), || None);
    let finish = |mut t: Thread| -> Thread {
        t.members.reverse();
        t
    };
    for n in post_order(tree, root) {
        if n == root {
            break;
        }
        let Some(node) = tree.nodes.get(n) else {
            continue;
        };
        let mut t = match node.children.as_slice() {
            [only] if !tree.is_dummy(*only) => built
                .get_mut(*only)
                .and_then(Option::take)
                .unwrap_or_default(),
            kids => Thread {
                members: Vec::new(),
                children: kids
                    .iter()
                    .filter_map(|&k| built.get_mut(k).and_then(Option::take))
                    .map(finish)
                    .collect(),
            },
        };
        if let Some(m) = node.message {
            t.members.push(number(m));
        }
        if let Some(slot) = built.get_mut(n) {
            *slot = Some(t);
        }
    }
    tree.children(root)
        .iter()
        .filter_map(|&k| built.get_mut(k).and_then(Option::take))
        .map(|t| {
            let t = finish(t);
            // A dummy with one child (not left by the steps above) is that child.
            if t.members.is_empty() && t.children.len() == 1 {
                let mut t = t;
                t.children.pop().unwrap_or_default()
            } else {
                t
            }
        })
        .collect()
}

/// The `msg-id`s of a header value (RFC 5322 §3.6.4), normalised as RFC 5256 §3 REFERENCES
/// requires ("MUST normalize any msg-id in order to avoid false non-matches due to differences
/// in quoting"): angle brackets, quoting, comments and whitespace removed. Only `<left@right>`
/// forms with both sides non-empty are valid; text between msg-ids is skipped.
pub(crate) fn msg_ids(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while let Some(&b) = value.get(i) {
        match b {
            b'(' => i = skip_comment(value, i),
            b'"' => i = skip_quoted(value, i, None),
            b'<' => {
                let mut id = Vec::new();
                let mut j = i + 1;
                let mut closed = false;
                while let Some(&c) = value.get(j) {
                    match c {
                        b'>' => {
                            closed = true;
                            j += 1;
                            break;
                        }
                        // A new `<` starts over: this one was not a msg-id.
                        b'<' => break,
                        b'"' => j = skip_quoted(value, j, Some(&mut id)),
                        b'(' => j = skip_comment(value, j),
                        b'\\' => {
                            if let Some(&e) = value.get(j + 1) {
                                id.push(e);
                            }
                            j += 2;
                        }
                        b' ' | b'\t' | b'\r' | b'\n' => j += 1,
                        _ => {
                            id.push(c);
                            j += 1;
                        }
                    }
                }
                let valid = closed
                    && id
                        .iter()
                        .position(|&c| c == b'@')
                        .is_some_and(|at| at > 0 && at + 1 < id.len());
                if valid {
                    out.push(id);
                }
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// Past the comment starting at `i` (nested, with quoted pairs).
fn skip_comment(s: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(&c) = s.get(i) {
        match c {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// Past the quoted string starting at `i`, its content (unquoted) appended to `into`.
fn skip_quoted(s: &[u8], mut i: usize, mut into: Option<&mut Vec<u8>>) -> usize {
    i += 1;
    while let Some(&c) = s.get(i) {
        match c {
            b'"' => return i + 1,
            b'\\' => {
                if let (Some(e), Some(v)) = (s.get(i + 1), into.as_deref_mut()) {
                    v.push(*e);
                }
                i += 2;
                continue;
            }
            _ => {
                if let Some(v) = into.as_deref_mut() {
                    v.push(c);
                }
            }
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::encode::response_to_string;
    use crate::protocol::types::{Data, Response};
    use crate::server::mailstore::MessageData;
    use crate::server::world::datetime_from_unix;
    use std::sync::Arc;

    /// Messages from `(headers, unix time of Date)`; sequence numbers from 1.
    fn mailbox(specs: &[(&str, i64)]) -> Vec<Arc<MessageData>> {
        specs
            .iter()
            .map(|(h, t)| {
                let d = datetime_from_unix(*t);
                let date = format!(
                    "Date: {} {} {} {:02}:{:02}:{:02} +0000",
                    d.date.day,
                    [
                        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                        "Nov", "Dec"
                    ][usize::from(d.date.month) - 1],
                    d.date.year,
                    d.hour,
                    d.minute,
                    d.second
                );
                let raw = format!("{}\n{date}\n\nbody\n", h).replace('\n', "\r\n");
                MessageData::new(raw.into_bytes(), datetime_from_unix(0))
            })
            .collect()
    }

    fn wire(data: &[Arc<MessageData>], alg: Algorithm) -> String {
        let ms: Vec<Sortable<'_>> = data
            .iter()
            .enumerate()
            .map(|(i, d)| Sortable {
                seq: i as u32 + 1,
                uid: 100 + i as u32,
                data: d,
            })
            .collect();
        let threads = alg(&ms, |m| m.seq);
        response_to_string(&Response::Data(Data::Thread(threads)))
            .trim_end()
            .to_string()
    }

    #[test]
    fn message_ids_are_normalised() {
        assert_eq!(
            msg_ids(br#"<"01KF8JCEOCBS0045PS"@xxx.yyy.com>"#),
            msg_ids(b"<01KF8JCEOCBS0045PS@xxx.yyy.com>")
        );
        assert_eq!(
            msg_ids(b"(c <x@y>) <a@b> junk \"<q@r>\" <c (c) @d> <nodomain> <@x> <x@>"),
            vec![b"a@b".to_vec(), b"c@d".to_vec()]
        );
        assert_eq!(msg_ids(b"<a@b <c@d>"), vec![b"c@d".to_vec()]);
        assert!(msg_ids(b"<a@b").is_empty());
    }

    #[test]
    fn ordered_subject_groups_by_base_subject_then_date() {
        let data = mailbox(&[
            ("Subject: b", 30),
            ("Subject: a", 20),
            ("Subject: Re: a", 10),
            ("Subject: re: b", 40),
            ("Subject: Re: B", 35),
            ("Subject: c", 5),
            ("Subject: A (fwd)", 25),
        ]);
        // a: 3 (10), 2 (20), 7 (25); b: 1 (30), 5 (35), 4 (40); c: 6 (5).
        assert_eq!(
            wire(&data, ordered_subject),
            "* THREAD (6)(3 (2)(7))(1 (5)(4))"
        );
        assert_eq!(wire(&data[..2], ordered_subject), "* THREAD (2)(1)");
        assert_eq!(wire(&data[1..3], ordered_subject), "* THREAD (2 1)");
        assert_eq!(wire(&[], ordered_subject), "* THREAD");
    }

    #[test]
    fn references_chains_and_branches() {
        let data = mailbox(&[
            ("Message-ID: <1@x>\nSubject: one", 10),
            (
                "Message-ID: <2@x>\nIn-Reply-To: <1@x>\nSubject: Re: one",
                20,
            ),
            (
                "Message-ID: <3@x>\nReferences: <1@x> <2@x>\nSubject: Re: one",
                30,
            ),
            ("Message-ID: <4@x>\nReferences: <1@x>\nSubject: Re: one", 25),
            ("Message-ID: <5@x>\nSubject: other", 5),
        ]);
        assert_eq!(wire(&data, references), "* THREAD (5)(1 (2 3)(4))");
    }

    #[test]
    fn references_missing_parents_become_dummies() {
        let data = mailbox(&[
            // Both reply to <gone@x>, which is not in the mailbox: siblings under a dummy.
            (
                "Message-ID: <a@x>\nReferences: <gone@x>\nSubject: Re: lost",
                10,
            ),
            (
                "Message-ID: <b@x>\nReferences: <gone@x>\nSubject: Re: lost",
                20,
            ),
            // A chain through two missing messages: the dummies are pruned, 4 under 3.
            ("Message-ID: <c@x>\nSubject: start", 30),
            (
                "Message-ID: <d@x>\nReferences: <c@x> <m1@x> <m2@x>\nSubject: Re: start",
                40,
            ),
        ]);
        assert_eq!(wire(&data, references), "* THREAD ((1)(2))(3 4)");
        // Only one reply to a missing parent: the dummy is replaced by it at the root.
        assert_eq!(wire(&data[1..2], references), "* THREAD (1)");
    }

    #[test]
    fn references_refuse_loops_and_duplicate_ids() {
        let data = mailbox(&[
            // 1 and 2 name each other as parent: the second link would make a loop.
            ("Message-ID: <a@x>\nReferences: <b@x>\nSubject: x1", 10),
            ("Message-ID: <b@x>\nReferences: <a@x>\nSubject: x2", 20),
            // A message naming itself.
            ("Message-ID: <c@x>\nReferences: <c@x>\nSubject: x3", 30),
            // A duplicate Message-ID: the second one gets a unique ID, so 5 is 3's child only.
            ("Message-ID: <c@x>\nSubject: x4", 40),
            ("Message-ID: <e@x>\nIn-Reply-To: <c@x>\nSubject: x5", 50),
        ]);
        // 1 is the child of dummy <b@x> made by its References, then message 2 takes that
        // node; 2's link to <a@x> (1) would be a loop, so 2 stays a root with child 1.
        assert_eq!(wire(&data, references), "* THREAD (2 1)(3 5)(4)");
    }

    #[test]
    fn references_merge_threads_by_subject() {
        let data = mailbox(&[
            ("Message-ID: <1@x>\nSubject: topic", 10),
            // A reply without references: made the child of 1 (step 5.C).
            ("Message-ID: <2@x>\nSubject: Re: topic", 20),
            // Two originals with the same subject: a new dummy holds both.
            ("Message-ID: <3@x>\nSubject: same", 30),
            ("Message-ID: <4@x>\nSubject: same", 40),
            // Empty subjects are never merged.
            ("Message-ID: <5@x>", 50),
            ("Message-ID: <6@x>", 60),
        ]);
        assert_eq!(wire(&data, references), "* THREAD (1 2)((3)(4))(5)(6)");
    }

    #[test]
    fn a_long_reply_chain_is_one_flat_list() {
        let mut specs = vec![("Message-ID: <0@x>\nSubject: s".to_string(), 0i64)];
        for i in 1..5_000 {
            specs.push((
                format!(
                    "Message-ID: <{i}@x>\nIn-Reply-To: <{}@x>\nSubject: Re: s",
                    i - 1
                ),
                i,
            ));
        }
        let refs: Vec<(&str, i64)> = specs.iter().map(|(h, t)| (h.as_str(), *t)).collect();
        let data = mailbox(&refs);
        let out = wire(&data, references);
        assert!(out.starts_with("* THREAD (1 2 3 "), "{}", &out[..40]);
        assert!(out.ends_with(" 4999 5000)"));
    }
}
