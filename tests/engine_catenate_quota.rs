//! CATENATE (RFC 4469) and QUOTA (RFC 9208) where a scenario file is not enough: URLs resolved
//! against the store octet for octet, every BADURL and TOOBIG refusal, and every addition over
//! a quota (APPEND, MULTIAPPEND, CATENATE, COPY, MOVE) refused with the store unchanged.
//! `scenarios/rfc4469-*.imap` and `scenarios/rfc9208-*.imap` show the ordinary cases.
#![cfg(all(feature = "catenate", feature = "quota"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/answer.rs"]
mod answer;
use answer::reply;
use imap_sandbox::protocol::framer::Limits;
use imap_sandbox::server::mailstore::{QuotaLimits, Uid};
use imap_sandbox::server::{ClientId, Policies, Server, World};

fn last(out: &[String]) -> &str {
    out.last().map(String::as_str).unwrap_or_default()
}

fn login(server: &mut Server, user: &str) -> ClientId {
    let c = server.connect();
    reply(server, c, format!("a LOGIN {user} {user}\r\n"));
    c
}

/// Every live mailbox with its UIDs, flags and octets: "byte for byte" the store.
fn store_state(server: &Server) -> String {
    let mut out = String::new();
    for mb in server.store().live() {
        out.push_str(&format!(
            "{} {} {} {}\n",
            mb.name,
            mb.uid_validity,
            mb.uid_next,
            mb.highest_modseq()
        ));
        for m in &mb.messages {
            out.push_str(&format!(
                "  {} {:?} {:?}\n",
                m.uid.0,
                m.flags.to_list(false),
                m.data.raw
            ));
        }
    }
    out
}

fn raw(server: &Server, mailbox: &str, uid: u32) -> Vec<u8> {
    let mb = server.store().by_name(mailbox).unwrap();
    mb.message(Uid(uid)).unwrap().data.raw.to_vec()
}

fn last_raw(server: &Server, mailbox: &str) -> Vec<u8> {
    let mb = server.store().by_name(mailbox).unwrap();
    mb.messages.last().unwrap().data.raw.to_vec()
}

fn literal(text: &[u8]) -> String {
    format!("{{{}+}}\r\n{}", text.len(), String::from_utf8_lossy(text))
}

#[test]
fn catenate_joins_text_and_urls_octet_for_octet_rfc4469_3() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let c = login(&mut s, "alice");
    let v = s.store().by_name("INBOX").unwrap().uid_validity;
    let whole = raw(&s, "INBOX", 2);
    let unseen_before = s.store().by_name("FOO").unwrap().messages[0]
        .flags
        .to_list(false);
    // RFC 4469 §3: URL parts are the octets FETCH BODY[section] would return.
    reply(&mut s, c, "f SELECT INBOX\r\n");
    let fetched = reply(
        &mut s,
        c,
        "f UID FETCH 2 (BODY.PEEK[HEADER] BODY.PEEK[1])\r\n",
    );
    let fetched = fetched.join("\r\n");
    let cmd = format!(
        "b APPEND Drafts (\\Draft) CATENATE (URL \"/INBOX;UIDVALIDITY={v}/;UID=2/;SECTION=HEADER\" TEXT {} URL \"imap://alice@localhost/INBOX/;UID=2/;section=1\" URL \"/FOO/;UID=1\" URL \"/INBOX/;UID=2/;PARTIAL=0.10\" URL \"/INBOX/;UID=2\")\r\n",
        literal(b"--x--\r\n"),
    );
    let out = reply(&mut s, c, &cmd);
    assert!(
        last(&out).starts_with("b OK [APPENDUID 1700000006 1]"),
        "{out:?}"
    );
    let built = last_raw(&s, "Drafts");
    let header_end = whole.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let mut expected = whole[..header_end].to_vec();
    expected.extend_from_slice(b"--x--\r\n");
    let part1_len = built.len() - expected.len() - raw(&s, "FOO", 1).len() - 10 - whole.len();
    let part1 = &built[expected.len()..expected.len() + part1_len];
    assert!(fetched.contains(&String::from_utf8_lossy(part1).to_string()));
    expected.extend_from_slice(part1);
    expected.extend_from_slice(&raw(&s, "FOO", 1));
    expected.extend_from_slice(&whole[..10]);
    expected.extend_from_slice(&whole);
    assert_eq!(built, expected);
    // §3: "does not cause the \Seen flag to be set for any catenated body part".
    let after = s.store().by_name("FOO").unwrap().messages[0]
        .flags
        .to_list(false);
    assert_eq!(after, unseen_before);
}

#[test]
fn a_url_that_names_nothing_is_badurl_and_nothing_is_appended_rfc4469_4_1() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let c = login(&mut s, "alice");
    let v = s.store().by_name("INBOX").unwrap().uid_validity;
    let before = store_state(&s);
    let wrong_validity = format!("/INBOX;UIDVALIDITY={}/;UID=1", v + 1);
    for url in [
        "/NoSuchBox/;UID=1",
        "/INBOX/;UID=999",
        wrong_validity.as_str(),
        "/INBOX/;UID=1/;SECTION=9.9",
        "/INBOX/;UID=1/;SECTION=BOGUS",
        "imap://bob@localhost/INBOX/;UID=1",
        "INBOX/;UID=1",
        "http://example.com/INBOX/;UID=1",
        "/INBOX/;UID=1/;EXPIRE=2030-01-01T00:00:00Z;URLAUTH=anonymous:internal:91354a473744909de610943775f92038",
        "/INBOX",
    ] {
        let out = reply(
            &mut s,
            c,
            format!(
                "b APPEND Drafts CATENATE (TEXT {} URL \"{url}\")\r\n",
                literal(b"x")
            ),
        );
        assert!(
            last(&out).starts_with(&format!("b NO [BADURL \"{url}\"] CATENATE: ")),
            "{url}: {out:?}"
        );
    }
    // In a MULTIAPPEND (RFC 3502): the first message fine, the second with a bad URL: none.
    let out = reply(
        &mut s,
        c,
        format!(
            "c APPEND Drafts {} CATENATE (URL \"/INBOX/;UID=1\" URL \"/INBOX/;UID=998\")\r\n",
            literal(b"Subject: one\r\n\r\n1\r\n")
        ),
    );
    assert!(
        last(&out).starts_with("c NO [BADURL \"/INBOX/;UID=998\"] Message 2: CATENATE: no message with UID 998 in INBOX; none appended"),
        "{out:?}"
    );
    assert_eq!(store_state(&s), before);
    // A catenated message that comes out empty is refused like an empty APPEND.
    let out = reply(&mut s, c, "d APPEND Drafts CATENATE (TEXT {0+}\r\n)\r\n");
    assert!(last(&out).starts_with("d NO "), "{out:?}");
    assert_eq!(store_state(&s), before);
}

#[test]
fn a_catenated_message_over_the_literal_limit_is_toobig_rfc4469_4_2() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let whole = raw(&s, "INBOX", 2).len();
    s.set_limits(Limits {
        max_literal: whole + 5,
        ..Limits::default()
    });
    let c = login(&mut s, "alice");
    let before = store_state(&s);
    let out = reply(
        &mut s,
        c,
        "b APPEND Drafts CATENATE (URL \"/INBOX/;UID=2\" URL \"/INBOX/;UID=2\")\r\n",
    );
    assert!(last(&out).starts_with("b NO [TOOBIG]"), "{out:?}");
    assert_eq!(store_state(&s), before);
    // Up to the limit is fine.
    let out = reply(
        &mut s,
        c,
        format!(
            "c APPEND Drafts CATENATE (URL \"/INBOX/;UID=2\" TEXT {})\r\n",
            literal(b"12345")
        ),
    );
    assert!(last(&out).starts_with("c OK [APPENDUID"), "{out:?}");
}

#[test]
fn malformed_catenate_and_quota_commands_are_bad_with_a_reason() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let c = login(&mut s, "alice");
    for (cmd, why) in [
        (
            "b APPEND Drafts CATENATE ()\r\n",
            "Expected TEXT literal or URL",
        ),
        (
            "b APPEND Drafts CATENATE (TEXT \"x\")\r\n",
            "Expected literal after TEXT",
        ),
        (
            "b APPEND Drafts CATENATE URL \"/INBOX/;UID=1\"\r\n",
            "Expected ( after CATENATE",
        ),
        ("b GETQUOTA\r\n", "Missing argument"),
        (
            "b SETQUOTA \"\" STORAGE 1\r\n",
            "Expected ( before the SETQUOTA resource limits",
        ),
        ("b SETQUOTA \"\" (STORAGE 1 STORAGE 2)\r\n", "given twice"),
        ("b SETQUOTA \"\" (STORAGE x)\r\n", "Expected"),
    ] {
        let out = reply(&mut s, c, cmd);
        assert!(
            last(&out).starts_with("b BAD ") && last(&out).contains(why),
            "{cmd:?}: {out:?}"
        );
    }
}

#[test]
fn quota_roots_exist_once_a_limit_is_set_rfc9208_4_1() {
    let mut s = Server::new(World::default_world(), Policies::default());
    // The default is `refuse`, as Dovecot 2.3 and Cyrus 3.6 answer a user's SETQUOTA.
    let c = login(&mut s, "alice");
    let out = reply(&mut s, c, "b SETQUOTA \"\" (STORAGE 1000)\r\n");
    assert!(last(&out).starts_with("b NO [NOPERM]"), "{out:?}");
    s.policies_mut().set("setquota", "allow").unwrap();
    let c = login(&mut s, "alice");
    let out = reply(&mut s, c, "b GETQUOTAROOT INBOX\r\n");
    assert_eq!(out, ["* QUOTAROOT INBOX", "b OK GETQUOTAROOT completed"]);
    let out = reply(&mut s, c, "b GETQUOTA \"\"\r\n");
    assert!(last(&out).starts_with("b NO [NONEXISTENT]"), "{out:?}");
    let usage = s.store().quota_usage();
    let kib = usage.storage_kib();
    let out = reply(&mut s, c, "b SETQUOTA \"\" (STORAGE 1000 MESSAGE 500)\r\n");
    let quota = format!(
        "* QUOTA \"\" (STORAGE {kib} 1000 MESSAGE {} 500)",
        usage.messages
    );
    assert_eq!(out, [quota.clone(), "b OK SETQUOTA completed".into()]);
    // §4.1.2: any name, even of no mailbox, is answered.
    let out = reply(&mut s, c, "b GETQUOTAROOT NoSuchBox\r\n");
    assert_eq!(
        out,
        [
            "* QUOTAROOT NoSuchBox \"\"".to_string(),
            quota.clone(),
            "b OK GETQUOTAROOT completed".into()
        ]
    );
    let out = reply(&mut s, c, "b GETQUOTA \"\"\r\n");
    assert_eq!(out, [quota, "b OK GETQUOTA completed".into()]);
    // The limits are alice's own: bob has none.
    let b = login(&mut s, "bob");
    let out = reply(&mut s, b, "b GETQUOTAROOT INBOX\r\n");
    assert_eq!(out[0], "* QUOTAROOT INBOX");
    // §4.1.3: the list replaces every earlier limit; an empty one removes the root.
    let out = reply(&mut s, c, "b SETQUOTA \"\" (MESSAGE 501)\r\n");
    assert_eq!(
        out[0],
        format!("* QUOTA \"\" (MESSAGE {} 501)", usage.messages)
    );
    assert_eq!(
        s.quota("alice"),
        QuotaLimits {
            storage_kib: None,
            messages: Some(501)
        }
    );
    let out = reply(&mut s, c, "b SETQUOTA \"\" ()\r\n");
    assert_eq!(out, ["b OK SETQUOTA completed"]);
    assert_eq!(s.quota("alice"), QuotaLimits::default());
    // Roots and resources that cannot be set.
    let out = reply(&mut s, c, "b SETQUOTA \"#user/alice\" (STORAGE 1)\r\n");
    assert!(last(&out).starts_with("b NO [CANNOT]"), "{out:?}");
    let out = reply(&mut s, c, "b SETQUOTA \"\" (MAILBOX 1)\r\n");
    assert!(
        last(&out).starts_with("b NO [CANNOT] Resource MAILBOX"),
        "{out:?}"
    );
    assert_eq!(s.quota("alice"), QuotaLimits::default());
    // Not before LOGIN (RFC 9208 §4.1: authenticated state).
    let n = s.connect();
    let out = reply(&mut s, n, "b GETQUOTAROOT INBOX\r\n");
    assert!(last(&out).starts_with("b BAD"), "{out:?}");
}

#[test]
fn additions_over_the_quota_are_refused_and_the_store_is_unchanged_rfc9208_4_3_1() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let usage = s.store().quota_usage();
    // Room for one more small message and not much more.
    s.set_quota(
        "alice",
        QuotaLimits {
            storage_kib: Some(usage.octets / 1024 + 1),
            messages: Some(usage.messages + 1),
        },
    );
    let c = login(&mut s, "alice");
    reply(&mut s, c, "s SELECT INBOX\r\n");
    let before = store_state(&s);
    let big = vec![b'x'; 2048];
    let refused = [
        format!("b APPEND Drafts {}\r\n", literal(&big)),
        format!(
            "b APPEND Drafts {} {}\r\n",
            literal(b"Subject: 1\r\n\r\n1\r\n"),
            literal(b"Subject: 2\r\n\r\n2\r\n")
        ),
        "b APPEND Drafts CATENATE (URL \"/INBOX/;UID=1\" URL \"/INBOX/;UID=2\" URL \"/INBOX/;UID=3\")\r\n".into(),
        "b COPY 1:2 Drafts\r\n".into(),
        "b UID COPY 1:* Drafts\r\n".into(),
        "b MOVE 1:2 Drafts\r\n".into(),
    ];
    for cmd in &refused {
        let out = reply(&mut s, c, cmd);
        assert!(
            last(&out).starts_with("b NO [OVERQUOTA] ")
                && last(&out).contains("nothing was stored"),
            "{cmd:?}: {out:?}"
        );
        assert_eq!(store_state(&s), before, "{cmd:?}");
    }
    // One small message fits; the next does not (MESSAGE).
    let out = reply(
        &mut s,
        c,
        format!(
            "c APPEND Drafts {}\r\n",
            literal(b"Subject: s\r\n\r\ns\r\n")
        ),
    );
    assert!(last(&out).starts_with("c OK [APPENDUID"), "{out:?}");
    let before = store_state(&s);
    let out = reply(
        &mut s,
        c,
        format!(
            "d APPEND Drafts {}\r\n",
            literal(b"Subject: t\r\n\r\nt\r\n")
        ),
    );
    assert!(
        last(&out).starts_with("d NO [OVERQUOTA] APPEND refused: over quota (MESSAGE would be"),
        "{out:?}"
    );
    assert_eq!(store_state(&s), before);
    // Bob has no limits: the same store takes his message.
    let b = login(&mut s, "bob");
    let out = reply(
        &mut s,
        b,
        format!(
            "e APPEND Drafts {}\r\n",
            literal(b"Subject: t\r\n\r\nt\r\n")
        ),
    );
    assert!(last(&out).starts_with("e OK [APPENDUID"), "{out:?}");
}

#[test]
fn deleted_messages_count_until_expunged_rfc9208_4_1_4() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let c = login(&mut s, "alice");
    reply(&mut s, c, "s SELECT FOO\r\n");
    reply(&mut s, c, "s STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n");
    let foo = s.store().by_name("FOO").unwrap();
    let freed: u64 = foo.messages[..2]
        .iter()
        .map(|m| u64::from(m.data.size()))
        .sum();
    // RFC 9208 §4.1.4: DELETED and DELETED-STORAGE in an IMAP4rev1 session too.
    let out = reply(
        &mut s,
        c,
        "t STATUS FOO (MESSAGES DELETED DELETED-STORAGE)\r\n",
    );
    assert_eq!(
        out[0],
        format!("* STATUS FOO (MESSAGES 7 DELETED 2 DELETED-STORAGE {freed})")
    );
    let usage = s.store().quota_usage();
    s.set_quota(
        "alice",
        QuotaLimits {
            storage_kib: None,
            messages: Some(usage.messages),
        },
    );
    // \Deleted messages still take room ...
    let out = reply(
        &mut s,
        c,
        format!(
            "u APPEND Drafts {}\r\n",
            literal(b"Subject: s\r\n\r\ns\r\n")
        ),
    );
    assert!(last(&out).starts_with("u NO [OVERQUOTA]"), "{out:?}");
    // ... until EXPUNGE frees it.
    reply(&mut s, c, "v EXPUNGE\r\n");
    let out = reply(
        &mut s,
        c,
        format!(
            "w APPEND Drafts {}\r\n",
            literal(b"Subject: s\r\n\r\ns\r\n")
        ),
    );
    assert!(last(&out).starts_with("w OK [APPENDUID"), "{out:?}");
}

#[test]
fn world_and_control_api_set_quotas() {
    let world = World::default_world().with_quota(
        "carol",
        QuotaLimits {
            storage_kib: Some(0),
            messages: None,
        },
    );
    let mut s = Server::new(world, Policies::default());
    let c = login(&mut s, "carol");
    let out = reply(&mut s, c, "b GETQUOTAROOT Drafts\r\n");
    let kib = s.store().quota_usage().storage_kib();
    assert_eq!(out[1], format!("* QUOTA \"\" (STORAGE {kib} 0)"));
    // Delivery "from outside" is not held to the limits (an MTA's concern, not IMAP's).
    s.deliver("Drafts", b"Subject: in\r\n\r\nx\r\n", &[])
        .unwrap();
    s.set_quota("carol", QuotaLimits::default());
    let out = reply(&mut s, c, "b GETQUOTAROOT Drafts\r\n");
    assert_eq!(out[0], "* QUOTAROOT Drafts");
}
