//! RFC 5267 §4.3: a live search's result, as its client rebuilds it from the first ESEARCH and
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

#[test]
fn a_live_result_rebuilt_from_updates_equals_a_fresh_search_rfc5267_4_3() {
    let mut checks = 0;
    for (seed, policy) in (1..=12u64).zip(["with-responses", "immediate"].iter().cycle()) {
        let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut policies = Policies::default();
        policies.set("context-update", policy).unwrap();
        let mut server = Server::new(World::default_world(), policies);
        let (w, o) = (server.connect(), server.connect());
        for c in [w, o] {
            server.receive(c, b"a LOGIN alice alice\r\nb SELECT FOO\r\n");
        }
        let _ = server.take_output();
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
            let set = rng.pick(&["1", "2:4", "1:*", "3,5,7", "*"]);
            let line = match rng.below(8) {
                0 => "x EXPUNGE".to_string(),
                1 => "x APPEND FOO (\\Flagged) {7+}\r\nHi: x\r\n".to_string(),
                2 => format!("x MOVE {set} Trash"),
                _ => format!(
                    "x STORE {set} {}FLAGS ({})",
                    rng.pick(&["+", "-", ""]),
                    rng.pick(&["\\Seen", "\\Deleted", "\\Flagged", "$Junk", "\\Seen $Junk"])
                ),
            };
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
