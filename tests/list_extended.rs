//! LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819) and SPECIAL-USE (RFC 6154) in the engine:
//! the RFCs' §5 / §3 / §5 examples replayed on worlds built like theirs. The answers differ
//! from the printed ones only where the RFCs allow: `\HasChildren` / `\HasNoChildren` on every
//! name (RFC 5258 §4: they "MAY be returned in response to any LIST command"), names in byte
//! order, and no `\Marked` / `\NoInferiors` (this store has neither).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/answer.rs"]
mod answer;
use answer::run;
use imap_sandbox::server::{ClientId, Policies, Server, World};

/// A world of one user `u` with the given mailboxes (parents are created too) and
/// subscriptions (which need not exist).
fn world(mailboxes: &[&str], subscribed: &[&str]) -> World {
    let mut w = World::empty().with_user("u", "u");
    for m in mailboxes {
        w.store.create(m).unwrap();
    }
    for s in subscribed {
        w.store.subscribe("u", s);
    }
    w
}

fn login(s: &mut Server) -> ClientId {
    let c = s.connect();
    s.receive(c, b"l LOGIN u u\r\n");
    s.take_output();
    c
}

fn expect(s: &mut Server, c: ClientId, command: &str, want: &[&str]) {
    assert_eq!(run(s, c, command), want, "{command}");
}

/// RFC 5258 §5 examples 1 to 7: the Fruit / Tofu / Vegetable hierarchy.
#[test]
fn rfc5258_examples_1_to_7() {
    let w = world(
        &[
            "Fruit/Apple",
            "Fruit/Banana",
            "Tofu",
            "Vegetable/Broccoli",
            "Vegetable/Corn",
        ],
        &[
            "INBOX",
            "Fruit/Banana",
            "Fruit/Peach",
            "Vegetable",
            "Vegetable/Broccoli",
        ],
    );
    let mut s = Server::new(w, Policies::default());
    let c = login(&mut s);
    // Example 2: subscribed names, "Fruit/Peach" among them though it does not exist.
    let subscribed = [
        r#"* LIST (\HasNoChildren \Subscribed) "/" Fruit/Banana"#,
        r#"* LIST (\NonExistent \HasNoChildren \Subscribed) "/" Fruit/Peach"#,
        r#"* LIST (\HasNoChildren \Subscribed) "/" INBOX"#,
        r#"* LIST (\HasChildren \Subscribed) "/" Vegetable"#,
        r#"* LIST (\HasNoChildren \Subscribed) "/" Vegetable/Broccoli"#,
    ];
    let mut want = subscribed.to_vec();
    want.push("A02 OK LIST completed");
    expect(&mut s, c, r#"A02 LIST (SUBSCRIBED) "" "*""#, &want);
    // Example 5: REMOTE adds nothing here (there are no remote mailboxes).
    want.pop();
    want.push("A05 OK LIST completed");
    expect(&mut s, c, r#"A05 LIST (REMOTE SUBSCRIBED) "" "*""#, &want);
    // §3: an option given twice counts once, in any case and order.
    want.pop();
    want.push("A07 OK LIST completed");
    expect(
        &mut s,
        c,
        r#"A07 list (subscribed remote Subscribed) "" "*" return (subscribed)"#,
        &want,
    );
    // Example 3 (and 4, without remote mailboxes).
    expect(
        &mut s,
        c,
        r#"A03 LIST () "" "%" RETURN (CHILDREN)"#,
        &[
            r#"* LIST (\HasChildren) "/" Fruit"#,
            r#"* LIST (\HasNoChildren) "/" INBOX"#,
            r#"* LIST (\HasNoChildren) "/" Tofu"#,
            r#"* LIST (\HasChildren) "/" Vegetable"#,
            "A03 OK LIST completed",
        ],
    );
    // Example 6: every mailbox with its subscription state, and not the missing Fruit/Peach.
    expect(
        &mut s,
        c,
        r#"A06 LIST (REMOTE) "" "*" RETURN (SUBSCRIBED)"#,
        &[
            r#"* LIST (\HasChildren) "/" Fruit"#,
            r#"* LIST (\HasNoChildren) "/" Fruit/Apple"#,
            r#"* LIST (\HasNoChildren \Subscribed) "/" Fruit/Banana"#,
            r#"* LIST (\HasNoChildren \Subscribed) "/" INBOX"#,
            r#"* LIST (\HasNoChildren) "/" Tofu"#,
            r#"* LIST (\HasChildren \Subscribed) "/" Vegetable"#,
            r#"* LIST (\HasNoChildren \Subscribed) "/" Vegetable/Broccoli"#,
            r#"* LIST (\HasNoChildren) "/" Vegetable/Corn"#,
            "A06 OK LIST completed",
        ],
    );
    // Example 7: several patterns; a name two patterns match is listed once (§3).
    expect(
        &mut s,
        c,
        r#"BBB LIST "" ("inbox" "Tofu" "Fruit/%" "Fruit/*")"#,
        &[
            r#"* LIST (\HasNoChildren) "/" Fruit/Apple"#,
            r#"* LIST (\HasNoChildren) "/" Fruit/Banana"#,
            r#"* LIST (\HasNoChildren) "/" INBOX"#,
            r#"* LIST (\HasNoChildren) "/" Tofu"#,
            "BBB OK LIST completed",
        ],
    );
}

/// RFC 5258 §5 example 8: CHILDINFO against \HasChildren.
#[test]
fn rfc5258_example_8_childinfo() {
    let hierarchy = ["Foo/Bar", "Foo/Baz", "Moo"];
    let recursive = r#"C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%""#;
    // A: only Foo/Baz is subscribed.
    let mut s = Server::new(world(&hierarchy, &["Foo/Baz"]), Policies::default());
    let c = login(&mut s);
    expect(
        &mut s,
        c,
        r#"C02 LIST (SUBSCRIBED) "" "*""#,
        &[
            r#"* LIST (\HasNoChildren \Subscribed) "/" Foo/Baz"#,
            "C02 OK LIST completed",
        ],
    );
    expect(
        &mut s,
        c,
        r#"C03 LIST (SUBSCRIBED) "" "%""#,
        &["C03 OK LIST completed"],
    );
    expect(
        &mut s,
        c,
        recursive,
        &[
            r#"* LIST (\HasChildren) "/" Foo ("CHILDINFO" ("SUBSCRIBED"))"#,
            "C04 OK LIST completed",
        ],
    );
    // A1: Foo subscribed as well.
    let mut s = Server::new(world(&hierarchy, &["Foo", "Foo/Baz"]), Policies::default());
    let c = login(&mut s);
    expect(
        &mut s,
        c,
        recursive,
        &[
            r#"* LIST (\HasChildren \Subscribed) "/" Foo ("CHILDINFO" ("SUBSCRIBED"))"#,
            "C04 OK LIST completed",
        ],
    );
    // A2: Foo is not a mailbox (nor Foo/Baz, subscribed all the same).
    let mut s = Server::new(world(&["Moo"], &["Foo/Baz"]), Policies::default());
    let c = login(&mut s);
    expect(
        &mut s,
        c,
        recursive,
        &[
            r#"* LIST (\NonExistent \HasNoChildren) "/" Foo ("CHILDINFO" ("SUBSCRIBED"))"#,
            "C04 OK LIST completed",
        ],
    );
    // B: nothing subscribed, nothing listed.
    let mut s = Server::new(world(&hierarchy, &[]), Policies::default());
    let c = login(&mut s);
    expect(&mut s, c, recursive, &["C04 OK LIST completed"]);
    // C: Foo and Moo subscribed: no CHILDINFO, Foo's children are not.
    let mut s = Server::new(world(&hierarchy, &["Foo", "Moo"]), Policies::default());
    let c = login(&mut s);
    expect(
        &mut s,
        c,
        r#"C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)"#,
        &[
            r#"* LIST (\HasChildren \Subscribed) "/" Foo"#,
            r#"* LIST (\HasNoChildren \Subscribed) "/" Moo"#,
            "C04 OK LIST completed",
        ],
    );
}

/// RFC 5258 §5 example 9: CHILDINFO whether or not the children match the pattern. With
/// "*2" the answer is the RFC's. With "*" the RFC also shows `foo2` and `baz2` with CHILDINFO,
/// which §3.3 (rule 2B: a name that does not meet the criteria is listed only for a
/// descendant that does and does not match the pattern) and §3.5 ("servers SHOULD suppress
/// redundant CHILDINFO responses") leave out: here they are left out.
#[test]
fn rfc5258_example_9_childinfo_and_the_pattern() {
    let subscribed = [
        "foo2/bar1",
        "foo2/bar2",
        "baz2/bar2",
        "baz2/bar22",
        "baz2/bar222",
        "eps2",
        "eps2/mamba",
        "qux2/bar2",
    ];
    let mut w = world(
        &[
            "foo2/bar1",
            "foo2/bar2",
            "baz2/bar2",
            "baz2/bar22",
            "baz2/bar222",
            "eps2/mamba",
            "qux2/bar2",
        ],
        &subscribed,
    );
    // RFC: "qux2/bar2" exists without "qux2"; here the parent is a \Noselect placeholder.
    w.store.delete("qux2", false).unwrap();
    let mut s = Server::new(w, Policies::default());
    let c = login(&mut s);
    expect(
        &mut s,
        c,
        r#"D03 LIST (RECURSIVEMATCH SUBSCRIBED) "" "*2""#,
        &[
            r#"* LIST (\HasNoChildren \Subscribed) "/" baz2/bar2"#,
            r#"* LIST (\HasNoChildren \Subscribed) "/" baz2/bar22"#,
            r#"* LIST (\HasNoChildren \Subscribed) "/" baz2/bar222"#,
            r#"* LIST (\HasChildren \Subscribed) "/" eps2 ("CHILDINFO" ("SUBSCRIBED"))"#,
            r#"* LIST (\HasChildren) "/" foo2 ("CHILDINFO" ("SUBSCRIBED"))"#,
            r#"* LIST (\HasNoChildren \Subscribed) "/" foo2/bar2"#,
            r#"* LIST (\HasNoChildren \Subscribed) "/" qux2/bar2"#,
            "D03 OK LIST completed",
        ],
    );
    let all = run(&mut s, c, r#"D04 LIST (RECURSIVEMATCH SUBSCRIBED) "" "*""#);
    assert_eq!(all.len(), subscribed.len() + 1, "{all:#?}");
    assert!(all.contains(
        &r#"* LIST (\HasChildren \Subscribed) "/" eps2 ("CHILDINFO" ("SUBSCRIBED"))"#.to_string()
    ));
    assert!(!all.iter().any(|l| l.contains("\"/\" foo2 ")), "{all:#?}");
}

/// RFC 5258 §5 example 10: CHILDINFO without \HasChildren; several patterns.
#[test]
fn rfc5258_example_10() {
    let mut s = Server::new(world(&["foo"], &["foo/bar"]), Policies::default());
    let c = login(&mut s);
    expect(
        &mut s,
        c,
        r#"a1 LIST "" ("foo" "foo/*")"#,
        &[r#"* LIST (\HasNoChildren) "/" foo"#, "a1 OK LIST completed"],
    );
    expect(
        &mut s,
        c,
        r#"a2 LIST (SUBSCRIBED) "" "foo/*""#,
        &[
            r#"* LIST (\NonExistent \HasNoChildren \Subscribed) "/" foo/bar"#,
            "a2 OK LIST completed",
        ],
    );
    expect(
        &mut s,
        c,
        r#"a3 LIST (SUBSCRIBED RECURSIVEMATCH) "" foo RETURN (CHILDREN)"#,
        &[
            r#"* LIST (\HasNoChildren) "/" foo ("CHILDINFO" ("SUBSCRIBED"))"#,
            "a3 OK LIST completed",
        ],
    );
}

/// RFC 5258 §3: an extended LIST does not treat "" as the request for the delimiter; empty
/// patterns match nothing, and a pattern longer than any name is ignored silently.
#[test]
fn empty_and_unacceptable_patterns_are_ignored() {
    let mut s = Server::new(world(&["a"], &[]), Policies::default());
    let c = login(&mut s);
    expect(&mut s, c, r#"a LIST () "" """#, &["a OK LIST completed"]);
    expect(
        &mut s,
        c,
        r#"b LIST "" ("" a)"#,
        &[r#"* LIST (\HasNoChildren) "/" a"#, "b OK LIST completed"],
    );
    let long = "x".repeat(1025);
    expect(
        &mut s,
        c,
        &format!(r#"c LIST "" ({long} a)"#),
        &[r#"* LIST (\HasNoChildren) "/" a"#, "c OK LIST completed"],
    );
    // Plain LIST keeps RFC 3501's meaning of "".
    expect(
        &mut s,
        c,
        r#"d LIST "" """#,
        &[r#"* LIST (\Noselect) "/" """#, "d OK LIST completed"],
    );
    // All patterns together are bounded (server::limits::LIST_PATTERN_OCTETS).
    let many = vec!["%/%/%/%/%/%/%/%"; 300].join(" ");
    let out = run(&mut s, c, &format!(r#"e LIST "" ({many})"#));
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(out[0].starts_with("e NO [LIMIT] "), "{out:?}");
}

/// RFC 5258 §3: unknown options are BAD, and §3.1: RECURSIVEMATCH alone (or with REMOTE) too.
#[test]
fn bad_options_are_bad_with_a_reason() {
    let mut s = Server::new(world(&[], &[]), Policies::default());
    let c = login(&mut s);
    for (command, reason) in [
        (
            r#"a LIST (RECURSIVEMATCH) "" %"#,
            "RECURSIVEMATCH needs SUBSCRIBED",
        ),
        (
            r#"a LIST (REMOTE RECURSIVEMATCH) "" %"#,
            "RECURSIVEMATCH needs SUBSCRIBED",
        ),
        (r#"a LIST (FOO) "" %"#, "Unknown LIST selection option"),
        (r#"a LIST "" % RETURN (FOO)"#, "Unknown LIST return option"),
        (
            r#"a LIST "" % RETURN (STATUS (FOO))"#,
            "Expected status attribute",
        ),
        (r#"a CREATE x (FOO (\Drafts))"#, "Unknown CREATE parameter"),
    ] {
        let out = run(&mut s, c, command);
        assert_eq!(out.len(), 1, "{command}: {out:?}");
        assert!(out[0].starts_with("a BAD "), "{command}: {out:?}");
        assert!(out[0].contains(reason), "{command}: {out:?}");
    }
}

/// RFC 5819 §3's examples: a STATUS after each selectable mailbox's LIST, none for a
/// \Noselect one or for a parent listed only for its children.
#[test]
fn rfc5819_examples() {
    let mut w = world(&["foo", "bar/x", "baz/y"], &["INBOX", "baz/y"]);
    w.store.delete("bar", false).unwrap();
    let w = w
        .with_message("INBOX", b"Subject: a\r\n\r\n.\r\n")
        .with_message("INBOX", b"Subject: b\r\n\r\n.\r\n")
        .with_message("foo", b"Subject: c\r\n\r\n.\r\n");
    let mut s = Server::new(w, Policies::default());
    let c = login(&mut s);
    expect(
        &mut s,
        c,
        r#"A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))"#,
        &[
            r#"* LIST (\HasNoChildren) "/" INBOX"#,
            "* STATUS INBOX (MESSAGES 2 UNSEEN 2)",
            r#"* LIST (\Noselect \HasChildren) "/" bar"#,
            r#"* LIST (\HasChildren) "/" baz"#,
            "* STATUS baz (MESSAGES 0 UNSEEN 0)",
            r#"* LIST (\HasNoChildren) "/" foo"#,
            "* STATUS foo (MESSAGES 1 UNSEEN 1)",
            "A01 OK LIST completed",
        ],
    );
    expect(
        &mut s,
        c,
        r#"A02 LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (STATUS (MESSAGES))"#,
        &[
            r#"* LIST (\HasNoChildren \Subscribed) "/" INBOX"#,
            "* STATUS INBOX (MESSAGES 2)",
            r#"* LIST (\HasChildren) "/" baz ("CHILDINFO" ("SUBSCRIBED"))"#,
            "A02 OK LIST completed",
        ],
    );
}

/// RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) enables CONDSTORE, and so does LIST's STATUS return
/// option with it: the FETCH responses that follow carry MODSEQ.
#[test]
fn list_status_highestmodseq_enables_condstore() {
    let w = world(&[], &[]).with_message("INBOX", b"Subject: a\r\n\r\n.\r\n");
    let mut s = Server::new(w, Policies::default());
    let c = login(&mut s);
    let out = run(
        &mut s,
        c,
        r#"a LIST "" INBOX RETURN (STATUS (HIGHESTMODSEQ))"#,
    );
    assert!(
        out[1].starts_with("* STATUS INBOX (HIGHESTMODSEQ "),
        "{out:?}"
    );
    run(&mut s, c, "b SELECT INBOX");
    let out = run(&mut s, c, "c STORE 1 +FLAGS (\\Seen)");
    assert!(out[0].contains("MODSEQ ("), "{out:?}");
}

/// RFC 6154 §5's examples on the default world (Archive, Drafts, Sent and Trash have their
/// special uses), and CREATE with USE (§3).
#[test]
fn rfc6154_special_use() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let c = s.connect();
    s.receive(c, b"l LOGIN alice alice\r\n");
    // §2: the non-extended LIST "MAY" carry them; this server sends them only when asked.
    let plain = run(&mut s, c, r#"t1 LIST "" %"#);
    assert!(plain.contains(&r#"* LIST (\HasNoChildren) "/" Drafts"#.to_string()));
    expect(
        &mut s,
        c,
        r#"t2 LIST "" "%" RETURN (SPECIAL-USE)"#,
        &[
            r#"* LIST (\HasChildren \Archive) "/" Archive"#,
            r#"* LIST (\HasNoChildren \Drafts) "/" Drafts"#,
            r#"* LIST (\HasNoChildren) "/" FOO"#,
            r#"* LIST (\HasNoChildren) "/" FRED"#,
            r#"* LIST (\HasNoChildren) "/" INBOX"#,
            r#"* LIST (\HasNoChildren \Sent) "/" Sent"#,
            r#"* LIST (\HasNoChildren \Trash) "/" Trash"#,
            "t2 OK LIST completed",
        ],
    );
    expect(
        &mut s,
        c,
        r#"t3 CREATE MySpecial (USE (\Drafts \sent))"#,
        &["t3 OK CREATE completed"],
    );
    // §3: an unsupported use creates nothing and answers NO [USEATTR].
    expect(
        &mut s,
        c,
        r#"t4 CREATE Everything (USE (\All))"#,
        &[r#"t4 NO [USEATTR] \All not supported"#],
    );
    expect(
        &mut s,
        c,
        r#"t5 CREATE Everything (USE (\Drafts \X-Unknown))"#,
        &[r#"t5 NO [USEATTR] \X-Unknown not supported"#],
    );
    // The SPECIAL-USE selection option lists only those with a use, and implies the return
    // option; with SUBSCRIBED only the subscribed ones (MySpecial is not).
    expect(
        &mut s,
        c,
        r#"t6 LIST (SPECIAL-USE) "" "*""#,
        &[
            r#"* LIST (\HasChildren \Archive) "/" Archive"#,
            r#"* LIST (\HasNoChildren \Drafts) "/" Drafts"#,
            r#"* LIST (\HasNoChildren \Drafts \Sent) "/" MySpecial"#,
            r#"* LIST (\HasNoChildren \Sent) "/" Sent"#,
            r#"* LIST (\HasNoChildren \Trash) "/" Trash"#,
            "t6 OK LIST completed",
        ],
    );
    expect(
        &mut s,
        c,
        r#"t7 LIST (SPECIAL-USE SUBSCRIBED) "" ("S*" "M*")"#,
        &[
            r#"* LIST (\HasNoChildren \Subscribed \Sent) "/" Sent"#,
            "t7 OK LIST completed",
        ],
    );
    // The use goes with the mailbox when it is renamed.
    run(&mut s, c, "t8 RENAME MySpecial Outbox");
    expect(
        &mut s,
        c,
        r#"t9 LIST "" Outbox RETURN (SPECIAL-USE)"#,
        &[
            r#"* LIST (\HasNoChildren \Drafts \Sent) "/" Outbox"#,
            "t9 OK LIST completed",
        ],
    );
    expect(
        &mut s,
        c,
        r#"t10 LIST "" Everything"#,
        &["t10 OK LIST completed"],
    );
}
