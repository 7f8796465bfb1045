//! RFC 5267 §4.3: a live search's or sort's result, as its client rebuilds it from the first ESEARCH and
//! the ADDTO / REMOVEFROM updates that follow, always equals a fresh search, whatever other
//! sessions and the client itself do to the mailbox, under either `context-update` value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/rng.rs"]
mod rng;

use std::collections::BTreeSet;

use imap_sandbox::protocol::parse::parse_response;
use imap_sandbox::protocol::types::{Data, Response, SearchReturnData, SeqBound, SequenceSet};
use imap_sandbox::server::{ClientId, Policies, Server, World};
use rng::XorShift;

const KEYS: &[&str] = &[
    "UNSEEN",
    "FLAGGED",
    "OR SEEN DELETED",
    "KEYWORD $Junk",
    "NOT DELETED",
    "ALL",
];

fn numbers(set: &SequenceSet) -> Vec<u32> {
    let num = |b: SeqBound| match b {
        SeqBound::Num(n) => n,
        SeqBound::Star => panic!("* in a result"),
    };
    set.0
        .iter()
        .flat_map(|r| {
            let (a, b) = (num(r.start), num(r.end));
            a.min(b)..=a.max(b)
        })
        .collect()
}

/// Sends `line` from `client` and applies every ESEARCH tagged `live` that `watcher` receives.
fn send(
    server: &mut Server,
    client: ClientId,
    line: &str,
    watcher: ClientId,
    model: &mut BTreeSet<u32>,
) -> Vec<Response> {
    server.receive(client, format!("{line}\r\n").as_bytes());
    let mut mine = Vec::new();
    for out in server.take_output() {
        let (response, _) = parse_response(&out.bytes).expect("every response parses");
        if out.client == watcher {
            if let Response::Data(Data::ESearch { tag, uid, data }) = &response {
                if tag.as_deref() == Some("live") {
                    assert!(uid, "UID SEARCH updates are UIDs");
                    for item in data {
                        match item {
                            SearchReturnData::All(set) => model.extend(numbers(set)),
                            SearchReturnData::AddTo(pairs) => {
                                for (_, set) in pairs {
                                    model.extend(numbers(set));
                                }
                            }
                            SearchReturnData::RemoveFrom(pairs) => {
                                for (_, set) in pairs {
                                    for n in numbers(set) {
                                        assert!(model.remove(&n), "REMOVEFROM of {n} not held");
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        if out.client == client {
            mine.push(response);
        }
    }
    mine
}

fn fresh(server: &mut Server, watcher: ClientId, key: &str) -> BTreeSet<u32> {
    let mut ignore = BTreeSet::new();
    let answer = send(
        server,
        watcher,
        &format!("f UID SEARCH {key}"),
        watcher,
        &mut ignore,
    );
    answer
        .iter()
        .find_map(|r| match r {
            Response::Data(Data::Search(n, _)) => Some(n.iter().copied().collect()),
            _ => None,
        })
        .expect("a SEARCH response")
}

/// Two sessions of alice with FOO selected under `context-update=policy`: the watcher, which
/// keeps the live result, and the other, which changes the mailbox.
fn watcher_and_other(policy: &str) -> (Server, ClientId, ClientId) {
    let mut policies = Policies::default();
    policies.set("context-update", policy).unwrap();
    let mut server = Server::new(World::default_world(), policies);
    let (w, o) = (server.connect(), server.connect());
    for c in [w, o] {
        server.receive(c, b"a LOGIN alice alice\r\nb SELECT FOO\r\n");
    }
    let _ = server.take_output();
    (server, w, o)
}

/// One random change to FOO: EXPUNGE, an APPEND (the line `append` makes), a MOVE to Trash or
/// a STORE, on a random set.
fn random_change(rng: &mut XorShift, append: impl FnOnce(&mut XorShift) -> String) -> String {
    let set = rng.pick(&["1", "2:4", "1:*", "3,5,7", "*"]);
    match rng.below(8) {
        0 => "x EXPUNGE".to_string(),
        1 => append(rng),
        2 => format!("x MOVE {set} Trash"),
        _ => format!(
            "x STORE {set} {}FLAGS ({})",
            rng.pick(&["+", "-", ""]),
            rng.pick(&["\\Seen", "\\Deleted", "\\Flagged", "$Junk", "\\Seen $Junk"])
        ),
    }
}

#[test]
fn a_live_result_rebuilt_from_updates_equals_a_fresh_search_rfc5267_4_3() {
    let mut checks = 0;
    for (seed, policy) in (1..=12u64).zip(["with-responses", "immediate"].iter().cycle()) {
        let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (mut server, w, o) = watcher_and_other(policy);
        let key = rng.pick(KEYS);
        let mut model = BTreeSet::new();
        send(
            &mut server,
            w,
            &format!("live UID SEARCH RETURN (UPDATE ALL) {key}"),
            w,
            &mut model,
        );
        assert_eq!(model, fresh(&mut server, w, key), "{key}");
        for step in 0..150 {
            let who = if rng.below(4) == 0 { w } else { o };
            let line = random_change(&mut rng, |_| {
                "x APPEND FOO (\\Flagged) {7+}\r\nHi: x\r\n".into()
            });
            send(&mut server, who, &line, w, &mut model);
            // The watcher is told of everything at its next command (RFC 3501 §7.4.1 holds
            // EXPUNGE back during FETCH, STORE and SEARCH; NOOP has none of that).
            send(&mut server, w, "n NOOP", w, &mut model);
            assert_eq!(
                model,
                fresh(&mut server, w, key),
                "seed {seed} {policy} step {step} key {key}: after {line:?}"
            );
            checks += 1;
        }
    }
    assert!(checks >= 1800);
}

/// The sorted result a client keeps from ESORT's ALL and CONTEXT=SORT's positioned updates
/// (RFC 5267 §4.3.3, §4.3.4): ADDTO inserts its set at the position, REMOVEFROM takes out the
/// set that starts there (checked: those numbers must be there, in that order), pairs applied
/// in order; EXPUNGE renumbers a sequence-number result.
#[derive(Default)]
struct SortModel {
    order: Vec<u32>,
    uid: bool,
    /// ADDTO and REMOVEFROM pairs applied.
    pairs: usize,
}

impl SortModel {
    fn apply(&mut self, response: &Response) {
        match response {
            Response::Data(Data::Expunge(n)) if !self.uid => {
                assert!(!self.order.contains(n), "EXPUNGE {n} before its REMOVEFROM");
                for m in &mut self.order {
                    if *m > *n {
                        *m -= 1;
                    }
                }
            }
            Response::Data(Data::ESearch { tag, uid, data }) if tag.as_deref() == Some("live") => {
                assert_eq!(*uid, self.uid);
                for item in data {
                    match item {
                        SearchReturnData::All(set) => self.order = numbers(set),
                        SearchReturnData::AddTo(pairs) => {
                            for (position, set) in pairs {
                                assert!(*position >= 1, "position 0 in a SORT update");
                                let at = *position as usize - 1;
                                assert!(at <= self.order.len(), "ADDTO at {position}");
                                self.order.splice(at..at, numbers(set));
                                self.pairs += 1;
                            }
                        }
                        SearchReturnData::RemoveFrom(pairs) => {
                            for (position, set) in pairs {
                                assert!(*position >= 1, "position 0 in a SORT update");
                                let at = *position as usize - 1;
                                let gone = numbers(set);
                                assert_eq!(
                                    self.order.get(at..at + gone.len()),
                                    Some(&gone[..]),
                                    "REMOVEFROM ({position} ...) of {:?}",
                                    self.order
                                );
                                self.order.drain(at..at + gone.len());
                                self.pairs += 1;
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// Sends `line` from `client`; every response `watcher` gets goes through `model`.
fn send_sorted(
    server: &mut Server,
    client: ClientId,
    line: &str,
    watcher: ClientId,
    model: &mut SortModel,
) -> Vec<Response> {
    server.receive(client, format!("{line}\r\n").as_bytes());
    let mut mine = Vec::new();
    for out in server.take_output() {
        let (response, _) = parse_response(&out.bytes).expect("every response parses");
        if out.client == watcher {
            model.apply(&response);
        }
        if out.client == client {
            mine.push(response);
        }
    }
    mine
}

/// RFC 5267 §4.3 for CONTEXT=SORT: a live SORT's result, rebuilt by its client from ALL and the
/// positioned ADDTO / REMOVEFROM that follow, always equals a fresh SORT, in order, whatever
/// other sessions and the client do (flags, EXPUNGE, MOVE, APPEND of messages that sort
/// anywhere), in UIDs and in sequence numbers, under either `context-update` value.
#[test]
fn a_live_sort_rebuilt_from_updates_equals_a_fresh_sort_rfc5267_4_3() {
    const ORDERS: &[&str] = &[
        "DATE",
        "REVERSE ARRIVAL",
        "SUBJECT",
        "FROM REVERSE DATE",
        "REVERSE SIZE",
        "REVERSE SUBJECT ARRIVAL",
    ];
    const SUBJECTS: &[&str] = &["apple", "Re: zebra", "Meeting notes, 4 March", "mango", ""];
    let (mut checks, mut pairs) = (0, 0);
    for (seed, policy) in (1..=12u64).zip(["with-responses", "immediate"].iter().cycle()) {
        let mut rng = XorShift(seed.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let (mut server, w, o) = watcher_and_other(policy);
        let key = rng.pick(KEYS);
        let order = rng.pick(ORDERS);
        let uid = seed % 4 < 2;
        let command = if uid { "UID SORT" } else { "SORT" };
        let mut model = SortModel {
            uid,
            ..SortModel::default()
        };
        let fresh = |server: &mut Server, model: &mut SortModel| {
            let answer = send_sorted(
                server,
                w,
                &format!("f {command} ({order}) UTF-8 {key}"),
                w,
                model,
            );
            answer
                .iter()
                .find_map(|r| match r {
                    Response::Data(Data::Sort(n, _)) => Some(n.clone()),
                    _ => None,
                })
                .expect("a SORT response")
        };
        send_sorted(
            &mut server,
            w,
            &format!("live {command} RETURN (UPDATE ALL) ({order}) UTF-8 {key}"),
            w,
            &mut model,
        );
        let now = fresh(&mut server, &mut model);
        assert_eq!(model.order, now, "{order} {key}");
        for step in 0..120 {
            let who = if rng.below(4) == 0 { w } else { o };
            let line = random_change(&mut rng, |rng| {
                let message = format!(
                        "Subject: {}\r\nFrom: {}@example.org\r\nDate: {} Mar 2025 10:00:00 +0000\r\n\r\nHi\r\n",
                        rng.pick(SUBJECTS),
                        rng.pick(&["alice", "bob", "zed"]),
                        1 + rng.below(28)
                    );
                format!(
                        "x APPEND FOO (\\Flagged) \"{:02}-Mar-2025 09:00:00 +0000\" {{{}+}}\r\n{message}",
                        1 + rng.below(28),
                        message.len()
                    )
            });
            send_sorted(&mut server, who, &line, w, &mut model);
            send_sorted(&mut server, w, "n NOOP", w, &mut model);
            let now = fresh(&mut server, &mut model);
            assert_eq!(
                model.order, now,
                "seed {seed} {policy} step {step} {command} ({order}) {key}: after {line:?}"
            );
            checks += 1;
        }
        pairs += model.pairs;
    }
    assert!(checks >= 1400);
    assert!(pairs >= 200, "{pairs} updates");
}

/// Every response `client` is sent while `lines` are received, as text, in order.
fn transcript(server: &mut Server, lines: &[(ClientId, &str)], watcher: ClientId) -> Vec<String> {
    let mut out = Vec::new();
    for (client, line) in lines {
        server.receive(*client, format!("{line}\r\n").as_bytes());
        for o in server.take_output() {
            if o.client == watcher {
                parse_response(&o.bytes).expect("every response parses");
                out.push(String::from_utf8_lossy(&o.bytes).into_owned());
            }
        }
    }
    out
}

/// RFC 5465 §7: new messages (APPEND, COPY, MOVE by another session, and the client's own
/// APPEND) that join a live result are fetched with UPDATE's attributes, "the EXISTS response
/// MUST precede any FETCH responses, and together they MUST precede the ESEARCH response";
/// `BODY[]` asked for there does not set `\Seen` (read as BODY.PEEK); under either
/// `context-update` value.
#[test]
fn new_messages_joining_a_live_search_are_fetched_between_exists_and_addto_rfc5465_7() {
    for policy in ["with-responses", "immediate"] {
        let (mut server, w, o) = watcher_and_other(policy);
        let out = transcript(
            &mut server,
            &[
                (w, "live SEARCH RETURN (UPDATE (UID BODY[])) UNSEEN"),
                (o, "x APPEND FOO {7+}\r\nHi: x\r\n"),
                (o, "x COPY 1:2 FOO"),
                (o, "x APPEND FOO (\\Seen) {7+}\r\nHi: y\r\n"),
                (w, "n NOOP"),
            ],
            w,
        );
        let kinds: Vec<&str> = out
            .iter()
            .filter_map(|l| {
                [" EXISTS", " FETCH (UID", "ESEARCH (TAG \"live\") ADDTO"]
                    .into_iter()
                    .find(|k| l.contains(k))
            })
            .collect();
        let exists = kinds.iter().rposition(|k| *k == " EXISTS").unwrap();
        let first_fetch = kinds.iter().position(|k| *k == " FETCH (UID").unwrap();
        let addto = kinds.iter().position(|k| k.contains("ADDTO")).unwrap();
        assert!(
            exists < first_fetch && first_fetch < addto,
            "{policy}: {out:?}"
        );
        // The \Seen message appended last does not match UNSEEN: no FETCH for it.
        let fetched = kinds.iter().filter(|k| **k == " FETCH (UID").count();
        let added = out.iter().find(|l| l.contains("ADDTO")).unwrap();
        assert!(
            out.iter().all(|l| !l.contains("Hi: y")),
            "{policy}: {out:?}"
        );
        assert!(
            fetched >= 1 && out.iter().any(|l| l.contains("Hi: x")),
            "{out:?}"
        );
        // Not marked read by the FETCH the server chose to send.
        let flags = transcript(&mut server, &[(w, "f FETCH 8 FLAGS")], w);
        assert!(flags[0].starts_with("* 8 FETCH (FLAGS ("), "{flags:?}");
        assert!(!flags[0].contains("\\Seen"), "{policy}: {flags:?}");
        assert!(added.contains("ADDTO (0 8"), "{policy}: {added}");
        // The client's own APPEND: the same, in the tagged command's responses.
        let own = transcript(&mut server, &[(w, "y APPEND FOO {7+}\r\nHi: z\r\n")], w);
        let text = own.concat();
        let (e, f, a) = (
            text.find(" EXISTS").unwrap(),
            text.find("Hi: z").unwrap(),
            text.find("ADDTO").unwrap(),
        );
        assert!(e < f && f < a, "{policy}: {own:?}");
    }
}

/// Too many attributes in UPDATE's list are refused as a FETCH of them would be (limits).
#[test]
fn update_fetch_attributes_are_bounded_like_fetch() {
    let mut server = Server::new(World::default_world(), Policies::default());
    let w = server.connect();
    server.receive(w, b"a LOGIN alice alice\r\nb SELECT FOO\r\n");
    let _ = server.take_output();
    let many = vec!["UID"; 65].join(" ");
    let out = transcript(
        &mut server,
        &[(w, &format!("t SEARCH RETURN (UPDATE ({many})) ALL"))],
        w,
    );
    assert!(out.iter().any(|l| l.starts_with("t NO [LIMIT]")), "{out:?}");
    let out = transcript(
        &mut server,
        &[(w, "t SEARCH RETURN (UPDATE (UID FOO)) ALL")],
        w,
    );
    assert!(
        out.iter()
            .any(|l| l.starts_with("t BAD ") && l.contains("RFC 5465")),
        "{out:?}"
    );
}

/// RFC 5465 §7 applies to CONTEXT=SORT too ("CONTEXT=SEARCH and/or CONTEXT=SORT"): a new
/// message joining a live SORT is fetched between its EXISTS and the ADDTO.
#[cfg(feature = "sort-thread")]
#[test]
fn new_messages_joining_a_live_sort_are_fetched_rfc5465_7() {
    let mut server = Server::new(World::default_world(), Policies::default());
    let (w, o) = (server.connect(), server.connect());
    for c in [w, o] {
        server.receive(c, b"a LOGIN alice alice\r\nb SELECT FOO\r\n");
    }
    let _ = server.take_output();
    let out = transcript(
        &mut server,
        &[
            (
                w,
                "live UID SORT RETURN (UPDATE (UID FLAGS) COUNT) (REVERSE ARRIVAL) UTF-8 ALL",
            ),
            (o, "x APPEND FOO (\\Flagged) {7+}\r\nHi: x\r\n"),
            (w, "n NOOP"),
        ],
        w,
    );
    let text = out.concat();
    let (e, f, a) = (
        text.find(" EXISTS").unwrap(),
        text.find("FETCH (UID ").unwrap(),
        text.find("UID ADDTO").unwrap(),
    );
    assert!(e < f && f < a, "{out:?}");
    assert!(text.contains("FLAGS (\\Flagged"), "{out:?}");
}
