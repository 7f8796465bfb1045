//! Two rules every FETCH response must keep, checked on everything three clients receive while
//! they store, append, copy, move, fetch, search and idle with keywords at random:
//!
//! - RFC 3501 §7.2.6: a FETCH response carries only keywords the client was sent in a FLAGS
//!   response since it selected the mailbox (FLAGS lists "the flags that are applicable for
//!   this mailbox"; a keyword is applicable once FLAGS said so);
//! - RFC 3501 §7.4.2: a FETCH response names each data item at most once.
//!
//! Every response is parsed back by the protocol layer, so a keyword spelled `NIL` must come
//! back as a keyword. Deterministic (fixed seeds, a tiny xorshift generator).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use std::collections::{BTreeMap, BTreeSet};

use imap_sandbox::protocol::parse::{parse_command, parse_response};
use imap_sandbox::protocol::types::{
    CommandBody, Data, FetchValue, Flag, FlagPerm, Response, SearchKey,
};
use imap_sandbox::server::{ClientId, Output, OutputKind, Policies, Server, World};

#[path = "common/rng.rs"]
mod rng;
use rng::XorShift;

/// What each client has been told: the keywords of the last FLAGS response it received.
#[derive(Default)]
struct Checker {
    announced: BTreeMap<ClientId, BTreeSet<String>>,
    fetches: usize,
    keywords_seen: usize,
}

/// The name an item has in a FETCH response (RFC 3501 §7.4.2 `msg-att`).
fn item_name(item: &FetchValue) -> String {
    match item {
        FetchValue::Flags(_) => "FLAGS".into(),
        FetchValue::InternalDate(_) => "INTERNALDATE".into(),
        FetchValue::Rfc822Size(_) => "RFC822.SIZE".into(),
        FetchValue::Envelope(_) | FetchValue::EncodedEnvelope(_) => "ENVELOPE".into(),
        FetchValue::Body(_) => "BODY".into(),
        FetchValue::BodyStructure(_) => "BODYSTRUCTURE".into(),
        FetchValue::Uid(_) => "UID".into(),
        FetchValue::ModSeq(_) => "MODSEQ".into(),
        FetchValue::Rfc822(_) => "RFC822".into(),
        FetchValue::Rfc822Header(_) => "RFC822.HEADER".into(),
        FetchValue::Rfc822Text(_) => "RFC822.TEXT".into(),
        FetchValue::BodySection {
            section, origin, ..
        } => format!("BODY[{section:?}]<{origin:?}>"),
        FetchValue::Binary { part, origin, .. } => format!("BINARY[{part:?}]<{origin:?}>"),
        FetchValue::BinarySize { part, .. } => format!("BINARY.SIZE[{part:?}]"),
    }
}

impl Checker {
    fn check(&mut self, out: &[Output]) -> Result<(), String> {
        for o in out {
            if o.kind == OutputKind::Closed {
                self.announced.remove(&o.client);
                continue;
            }
            let text = String::from_utf8_lossy(&o.bytes);
            let (response, _) = parse_response(&o.bytes)
                .map_err(|e| format!("C{}: unparsable {text:?}: {e:?}", o.client.0))?;
            match response {
                // FLAGS lists every flag of the mailbox: it replaces what the client knew.
                Response::Data(Data::Flags(flags)) => {
                    let keywords = flags
                        .iter()
                        .filter_map(|f| match f {
                            Flag::Keyword(k) => Some(k.to_ascii_lowercase()),
                            _ => None,
                        })
                        .collect();
                    self.announced.insert(o.client, keywords);
                }
                Response::Data(Data::Fetch { items, .. }) => {
                    self.fetches += 1;
                    let mut names = BTreeSet::new();
                    for item in &items {
                        // RFC 3501 §7.4.2: each item once.
                        if !names.insert(item_name(item)) {
                            return Err(format!(
                                "C{}: {} appears twice in {text:?}",
                                o.client.0,
                                item_name(item)
                            ));
                        }
                        let FetchValue::Flags(flags) = item else {
                            continue;
                        };
                        for flag in flags {
                            let Flag::Keyword(k) = flag else { continue };
                            self.keywords_seen += 1;
                            // RFC 3501 §7.2.6: announced in FLAGS first.
                            let known = self
                                .announced
                                .get(&o.client)
                                .is_some_and(|set| set.contains(&k.to_ascii_lowercase()));
                            if !known {
                                return Err(format!(
                                    "C{}: keyword {k} in {text:?} before any FLAGS announced it",
                                    o.client.0
                                ));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

const MAILBOXES: &[&str] = &["FOO", "INBOX"];
const SETS: &[&str] = &["1", "2:4", "1:*", "*", "3,1,3", "5:2"];
/// Keywords new to both mailboxes, NIL among them (an atom, so a keyword: RFC 3501 §9).
const KEYWORDS: &[&str] = &["$Work", "$work", "NIL", "$Later", "Todo", "$Junk", "nil"];
/// Item lists that repeat items, directly or through what the server adds.
const ITEMS: &[&str] = &[
    "FLAGS",
    "(FLAGS FLAGS)",
    "(UID FLAGS UID)",
    "FAST",
    "(FLAGS INTERNALDATE RFC822.SIZE FLAGS)",
    "(BODY[] BODY.PEEK[] FLAGS)",
    "(BODY[TEXT]<0.4> BODY.PEEK[TEXT]<0.9>)",
    "(RFC822.SIZE BODY[HEADER.FIELDS (Subject)])",
    "ALL",
];

fn random_line(rng: &mut XorShift, n: u32) -> Vec<u8> {
    let set = rng.pick(SETS);
    let kw = rng.pick(KEYWORDS);
    let uid = rng.pick(&["", "UID "]);
    let text = match rng.below(16) {
        0 | 1 => format!(
            "{uid}STORE {set} {} ({kw} {})",
            rng.pick(&["+FLAGS", "FLAGS", "-FLAGS", "+FLAGS.SILENT"]),
            rng.pick(&["", "\\Seen", "\\Deleted"])
        ),
        2..=4 => format!("{uid}FETCH {set} {}", rng.pick(ITEMS)),
        5 => {
            let body = format!("Subject: m{n}\r\n\r\nbody {n}\r\n");
            let mut line = format!(
                "t{n} APPEND {} ({kw}) {{{}+}}\r\n",
                rng.pick(MAILBOXES),
                body.len()
            )
            .into_bytes();
            line.extend_from_slice(body.as_bytes());
            line.extend_from_slice(b"\r\n");
            return line;
        }
        6 => format!("{uid}COPY {set} {}", rng.pick(MAILBOXES)),
        7 => format!("{uid}MOVE {set} {}", rng.pick(MAILBOXES)),
        8 => format!("{uid}SEARCH KEYWORD {kw}"),
        9 => format!("SELECT {}", rng.pick(MAILBOXES)),
        10 => format!("EXAMINE {}", rng.pick(MAILBOXES)),
        11 => "EXPUNGE".to_string(),
        12 => "IDLE".to_string(),
        _ => "NOOP".to_string(),
    };
    format!("t{n} {text}\r\n").into_bytes()
}

fn run(seed: u64, steps: u32) -> Checker {
    let mut rng = XorShift(seed);
    let mut policies = Policies::default();
    let table = policies.table();
    for row in &table {
        let value = row.values[rng.below(row.values.len())].0;
        policies
            .set(row.point, value)
            .expect("table names are valid");
    }
    // Every client may select any mailbox together with the others.
    policies
        .set("select-shared", "allow")
        .expect("select-shared=allow exists");
    let mut server = Server::new(World::default_world(), policies);
    let mut checker = Checker::default();
    let clients: Vec<ClientId> = (0..3).map(|_| server.connect()).collect();
    let mut idle = [false; 3];
    for (i, &c) in clients.iter().enumerate() {
        let mailbox = MAILBOXES[i % MAILBOXES.len()];
        server.receive(
            c,
            format!("l LOGIN alice alice\r\ns SELECT {mailbox}\r\n").as_bytes(),
        );
    }
    checker
        .check(&server.take_output())
        .unwrap_or_else(|e| panic!("seed {seed}, login: {e}"));
    for n in 0..steps {
        let i = rng.below(clients.len());
        let line = if idle[i] {
            idle[i] = false;
            b"DONE\r\n".to_vec()
        } else {
            let line = random_line(&mut rng, n);
            idle[i] = line.ends_with(b" IDLE\r\n");
            line
        };
        server.receive(clients[i], &line);
        if let Err(e) = checker.check(&server.take_output()) {
            panic!(
                "seed {seed}, step {n}, C{} sent {:?}: {e}",
                clients[i].0,
                String::from_utf8_lossy(&line)
            );
        }
    }
    checker
}

/// RFC 3501 §7.2.6 and §7.4.2 over random three-client runs under random policies.
#[test]
fn fetch_responses_carry_only_announced_keywords_and_each_item_once_rfc3501_7_2_6_7_4_2() {
    let mut fetches = 0;
    let mut keywords = 0;
    for seed in 1..=16u64 {
        let c = run(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), 300);
        fetches += c.fetches;
        keywords += c.keywords_seen;
    }
    // The runs must have exercised the rules: many FETCH responses, many keywords in them.
    assert!(fetches > 1000, "only {fetches} FETCH responses");
    assert!(
        keywords > 500,
        "only {keywords} keywords in FETCH responses"
    );
}

/// RFC 3501 §9: `flag-keyword = atom`, and NIL is an atom. In a flag list it can only be the
/// keyword NIL: commands and responses carrying it parse as a keyword.
#[test]
fn a_keyword_spelled_nil_parses_back_as_a_keyword_rfc3501_9() {
    let nil = Flag::Keyword("NIL".into());
    let (r, _) = parse_response(b"* 1 FETCH (FLAGS (NIL \\Seen))\r\n").unwrap();
    let Response::Data(Data::Fetch { items, .. }) = r else {
        panic!("not a FETCH: {r:?}")
    };
    assert_eq!(items, [FetchValue::Flags(vec![nil.clone(), Flag::Seen])]);
    let (r, _) = parse_response(b"* FLAGS (\\Seen NIL)\r\n").unwrap();
    assert_eq!(
        r,
        Response::Data(Data::Flags(vec![Flag::Seen, nil.clone()]))
    );
    let (r, _) = parse_response(b"* OK [PERMANENTFLAGS (NIL \\*)] Limited\r\n").unwrap();
    let Response::Status(s) = r else {
        panic!("not a status: {r:?}")
    };
    assert_eq!(
        s.code,
        Some(imap_sandbox::protocol::types::Code::PermanentFlags(vec![
            FlagPerm::Flag(nil.clone()),
            FlagPerm::Wildcard
        ]))
    );
    for line in [
        &b"a STORE 1 +FLAGS (NIL)\r\n"[..],
        b"a STORE 1 +FLAGS NIL\r\n",
    ] {
        let cmd = parse_command(line).unwrap();
        let CommandBody::Store { flags, .. } = cmd.body else {
            panic!("not a STORE: {cmd:?}")
        };
        assert_eq!(flags, std::slice::from_ref(&nil));
    }
    let cmd = parse_command(b"a SEARCH KEYWORD NIL\r\n").unwrap();
    let CommandBody::Search { criteria, .. } = cmd.body else {
        panic!("not a SEARCH: {cmd:?}")
    };
    assert_eq!(criteria, [SearchKey::Keyword("NIL".into())]);
}
