//! Known-answer tests for the protocol layer, as plain functions so that the native tests
//! (`tests/protocol_kat.rs`) and the browser tests (`tests/web.rs`) run the same cases.
//!
//! 1. Every client command printed in the examples of RFC 3501 §6 and §8 that is valid and
//!    canonical: `encode_command(parse_command(bytes)) == bytes`.
//! 2. Every server response printed there: `encode_response(parse_response(bytes)) == bytes`.
//! 3. Constructed values covering every `Response`, `Data` and `Code` variant, FETCH items,
//!    BODYSTRUCTURE with extension data, NAMESPACE, ID and the extension codes:
//!    `parse_response(encode_response(v)) == v`, and likewise for commands.
//!
//! Where the RFC prints an example in a form the encoder does not produce (lower-case command
//! names, a quoted string where an atom will do, lines folded for the page), the case is
//! adjusted or left out with a comment saying why.

use imap_sandbox::protocol::encode::{encode_command, encode_response};
use imap_sandbox::protocol::parse::{parse_command, parse_response};
use imap_sandbox::protocol::types::*;
use std::sync::Arc;

/// RFC 3501 client commands, canonical as printed: (section, octets).
pub fn rfc3501_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§6.1.1", b"abcd CAPABILITY\r\n"),
        ("§6.1.2", b"a002 NOOP\r\n"),
        ("§6.1.3", b"A023 LOGOUT\r\n"),
        ("§6.2.1", b"a002 STARTTLS\r\n"),
        ("§6.2.2", b"A001 AUTHENTICATE GSSAPI\r\n"),
        ("§6.2.3", b"a001 LOGIN SMITH SESAME\r\n"),
        ("§6.3.1", b"A142 SELECT INBOX\r\n"),
        ("§6.3.2", b"A932 EXAMINE blurdybloop\r\n"),
        ("§6.3.3", b"A003 CREATE owatagusiam/\r\n"),
        ("§6.3.3", b"A004 CREATE owatagusiam/blurdybloop\r\n"),
        ("§6.3.4", b"A683 DELETE blurdybloop\r\n"),
        ("§6.3.4", b"A685 DELETE foo/bar\r\n"),
        ("§6.3.4", b"A686 LIST \"\" *\r\n"),
        ("§6.3.4", b"A86 LIST \"\" %\r\n"),
        ("§6.3.5", b"A683 RENAME blurdybloop sarasoop\r\n"),
        ("§6.3.5", b"Z433 RENAME INBOX old-mail\r\n"),
        ("§6.3.6", b"A002 SUBSCRIBE #news.comp.mail.mime\r\n"),
        ("§6.3.7", b"A002 UNSUBSCRIBE #news.comp.mail.mime\r\n"),
        ("§6.3.8", b"A101 LIST \"\" \"\"\r\n"),
        ("§6.3.8", b"A102 LIST #news.comp.mail.misc \"\"\r\n"),
        ("§6.3.8", b"A103 LIST /usr/staff/jones \"\"\r\n"),
        ("§6.3.8", b"A202 LIST ~/Mail/ %\r\n"),
        // The RFC quotes "#news." and "comp.mail.*"; `#news.` is a valid atom and the encoder
        // writes it bare, and `*` makes the pattern a list-mailbox atom too (RFC 3501 §9
        // `list-char`), so the canonical form has no quotes.
        ("§6.3.9", b"A002 LSUB #news. comp.mail.*\r\n"),
        ("§6.3.9", b"A003 LSUB #news. comp.%\r\n"),
        ("§6.3.10", b"A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n"),
        (
            "§6.3.11",
            b"A003 APPEND saved-messages (\\Seen) {310}\r\n\
Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n\
From: Fred Foobar <foobar@Blurdybloop.COM>\r\n\
Subject: afternoon meeting\r\n\
To: mooch@owatagu.siam.edu\r\n\
Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
\r\n\
Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n\
\r\n",
        ),
        ("§6.4.1", b"FXXZ CHECK\r\n"),
        ("§6.4.2", b"A341 CLOSE\r\n"),
        ("§6.4.3", b"A202 EXPUNGE\r\n"),
        // The RFC quotes "Smith"; an astring that is an atom is written bare.
        (
            "§6.4.4",
            b"A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n",
        ),
        ("§6.4.4", b"A283 SEARCH TEXT \"string not in mailbox\"\r\n"),
        // The RFC's `{6}` literal carries XXXXXX, which as a value is an atom; the literal form
        // is kept by the encoder only for octets a quoted string cannot carry (8-bit here).
        (
            "§6.4.4",
            b"A284 SEARCH CHARSET UTF-8 TEXT {6}\r\n\xe2\x82\xac\xe2\x82\xac\r\n",
        ),
        (
            "§6.4.5",
            b"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
        ),
        ("§6.4.6", b"A003 STORE 2:4 +FLAGS (\\Deleted)\r\n"),
        ("§6.4.7", b"A003 COPY 2:4 MEETING\r\n"),
        ("§6.4.8", b"A999 UID FETCH 4827313:4828442 FLAGS\r\n"),
        ("§7.1.1", b"A001 LOGIN fred blurdybloop\r\n"),
        ("§7.1.1", b"A222 COPY 1:2 owatagusiam\r\n"),
        ("§7.1.1", b"A223 COPY 3:200 blurdybloop\r\n"),
        // §7.5 `A001 LOGIN {11} FRED FOOBAR {7} fat man`: "FRED FOOBAR" has no octet that
        // needs a literal, so the canonical form quotes it; "fat man" likewise.
        ("§7.5", b"A001 LOGIN \"FRED FOOBAR\" \"fat man\"\r\n"),
        // §8 prints its commands in lower case (`a001 login mrc secret`); the encoder writes
        // command names in upper case, as every other example does.
        ("§8", b"a001 LOGIN mrc secret\r\n"),
        // §8 selects `inbox`; the parser gives INBOX in any case its canonical spelling
        // (RFC 3501 §9 `mailbox = "INBOX" / astring`), so the encoder writes `INBOX`.
        ("§8", b"a002 SELECT INBOX\r\n"),
        ("§8", b"a003 FETCH 12 FULL\r\n"),
        ("§8", b"a004 FETCH 12 BODY[HEADER]\r\n"),
        // §8 writes the flag bare (`+flags \deleted`), which `store-att-flags` allows; the
        // encoder always writes the parenthesized flag list.
        ("§8", b"a005 STORE 12 +FLAGS (\\Deleted)\r\n"),
        ("§8", b"a006 LOGOUT\r\n"),
    ]
}

/// RFC 3501 §8 as printed, lower case: parsing must give the same values as the canonical
/// upper-case lines of [`rfc3501_commands`] (command names and keywords are case-insensitive,
/// RFC 3501 §9 note 3).
pub fn rfc3501_lowercase_commands() -> Vec<(&'static [u8], &'static [u8])> {
    vec![
        (b"a001 login mrc secret\r\n", b"a001 LOGIN mrc secret\r\n"),
        (b"a002 select inbox\r\n", b"a002 SELECT INBOX\r\n"),
        (b"a003 fetch 12 full\r\n", b"a003 FETCH 12 FULL\r\n"),
        (
            b"a004 fetch 12 body[header]\r\n",
            b"a004 FETCH 12 BODY[HEADER]\r\n",
        ),
        (
            b"a005 store 12 +flags \\deleted\r\n",
            b"a005 STORE 12 +FLAGS (\\Deleted)\r\n",
        ),
        (b"a006 logout\r\n", b"a006 LOGOUT\r\n"),
    ]
}

/// RFC 3501 server responses, canonical as printed: (section, octets).
pub fn rfc3501_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§6.1.1",
            b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n",
        ),
        ("§6.1.1", b"abcd OK CAPABILITY completed\r\n"),
        ("§6.1.1", b"efgh OK STARTLS completed\r\n"),
        (
            "§6.1.1",
            b"* CAPABILITY IMAP4rev1 AUTH=GSSAPI AUTH=PLAIN\r\n",
        ),
        ("§6.1.2", b"a002 OK NOOP completed\r\n"),
        ("§6.1.2", b"* 22 EXPUNGE\r\n"),
        ("§6.1.2", b"* 23 EXISTS\r\n"),
        ("§6.1.2", b"* 3 RECENT\r\n"),
        ("§6.1.2", b"* 14 FETCH (FLAGS (\\Seen \\Deleted))\r\n"),
        ("§6.1.3", b"* BYE IMAP4rev1 Server logging out\r\n"),
        ("§6.1.3", b"A023 OK LOGOUT completed\r\n"),
        ("§6.2.1", b"a002 OK Begin TLS negotiation now\r\n"),
        (
            "§6.2.2",
            b"+ YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+iSzBJoAMC\r\n",
        ),
        ("§6.2.2", b"A001 OK GSSAPI authentication successful\r\n"),
        ("§6.2.3", b"a001 OK LOGIN completed\r\n"),
        ("§6.3.1", b"* 172 EXISTS\r\n"),
        ("§6.3.1", b"* 1 RECENT\r\n"),
        ("§6.3.1", b"* OK [UNSEEN 12] Message 12 is first unseen\r\n"),
        ("§6.3.1", b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"),
        ("§6.3.1", b"* OK [UIDNEXT 4392] Predicted next UID\r\n"),
        (
            "§6.3.1",
            b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
        ),
        (
            "§6.3.1",
            b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
        ),
        ("§6.3.1", b"A142 OK [READ-WRITE] SELECT completed\r\n"),
        (
            "§6.3.2",
            b"* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n",
        ),
        ("§6.3.2", b"A932 OK [READ-ONLY] EXAMINE completed\r\n"),
        ("§6.3.3", b"A004 OK CREATE completed\r\n"),
        ("§6.3.4", b"* LIST () \"/\" blurdybloop\r\n"),
        ("§6.3.4", b"* LIST (\\Noselect) \"/\" foo\r\n"),
        ("§6.3.4", b"* LIST () \"/\" foo/bar\r\n"),
        (
            "§6.3.4",
            b"A684 NO Name \"foo\" has inferior hierarchical names\r\n",
        ),
        ("§6.3.4", b"A685 OK DELETE Completed\r\n"),
        ("§6.3.4", b"* LIST () \".\" foo.bar\r\n"),
        ("§6.3.4", b"* LIST (\\Noselect) \".\" foo\r\n"),
        ("§6.3.5", b"* LIST () \".\" INBOX\r\n"),
        ("§6.3.5", b"* LIST () \".\" old-mail\r\n"),
        ("§6.3.8", b"* LIST (\\Noselect) \"/\" \"\"\r\n"),
        ("§6.3.8", b"* LIST (\\Noselect) \".\" #news.\r\n"),
        ("§6.3.8", b"* LIST (\\Noselect) \"/\" /\r\n"),
        ("§6.3.8", b"* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"),
        ("§6.3.8", b"* LIST () \"/\" ~/Mail/meetings\r\n"),
        ("§6.3.9", b"* LSUB () \".\" #news.comp.mail.mime\r\n"),
        // §6.3.9 prints `(\NoSelect)`; attribute names are case-insensitive and the encoder
        // writes the §7.2.2 spelling `\Noselect`.
        ("§6.3.9", b"* LSUB (\\Noselect) \".\" #news.comp.mail\r\n"),
        (
            "§6.3.10",
            b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
        ),
        ("§6.3.11", b"+ Ready for literal data\r\n"),
        ("§6.3.11", b"A003 OK APPEND completed\r\n"),
        ("§6.4.1", b"FXXZ OK CHECK Completed\r\n"),
        ("§6.4.3", b"* 3 EXPUNGE\r\n"),
        ("§6.4.3", b"* 8 EXPUNGE\r\n"),
        ("§6.4.4", b"* SEARCH 2 84 882\r\n"),
        ("§6.4.4", b"* SEARCH\r\n"),
        ("§6.4.4", b"* SEARCH 43\r\n"),
        ("§6.4.6", b"* 2 FETCH (FLAGS (\\Deleted \\Seen))\r\n"),
        (
            "§6.4.6",
            b"* 4 FETCH (FLAGS (\\Deleted \\Flagged \\Seen))\r\n",
        ),
        ("§6.4.8", b"* 23 FETCH (FLAGS (\\Seen) UID 4827313)\r\n"),
        ("§6.4.8", b"A999 OK UID FETCH completed\r\n"),
        ("§7.1.1", b"* OK [ALERT] System shutdown in 10 minutes\r\n"),
        (
            "§7.1.2",
            b"* NO Disk is 98% full, please delete unnecessary data\r\n",
        ),
        ("§7.1.2", b"A223 NO COPY failed: disk is full\r\n"),
        ("§7.1.3", b"* BAD Command line too long\r\n"),
        (
            "§7.1.3",
            b"* BAD Disk crash, attempting salvage to a new disk!\r\n",
        ),
        ("§7.1.3", b"* OK Salvage successful, no data lost\r\n"),
        (
            "§7.1.4",
            b"* PREAUTH IMAP4rev1 server logged in as Smith\r\n",
        ),
        ("§7.1.5", b"* BYE Autologout; idle for too long\r\n"),
        ("§7.2.2", b"* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"),
        ("§7.2.5", b"* SEARCH 2 3 6\r\n"),
        (
            "§7.2.6",
            b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
        ),
        (
            "§7.4.2",
            b"* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)\r\n",
        ),
        ("§7.5", b"A044 BAD No such command as \"BLURDYBLOOP\"\r\n"),
        ("§8", b"* OK IMAP4rev1 Service Ready\r\n"),
        ("§8", b"* 18 EXISTS\r\n"),
        (
            "§8",
            b"* OK [UNSEEN 17] Message 17 is the first unseen message\r\n",
        ),
        ("§8", b"a002 OK [READ-WRITE] SELECT completed\r\n"),
        // §8 folds this response over 13 lines for the page; on the wire it is one line.
        (
            "§8",
            b"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" \
RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \
\"IMAP4rev1 WG mtg summary and minutes\" \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((NIL NIL \"imap\" \"cac.washington.edu\")) \
((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) \
NIL NIL \"<B27397-0100000@cac.washington.edu>\") \
BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
        ),
        ("§8", b"a003 OK FETCH completed\r\n"),
        (
            "§8",
            b"* 12 FETCH (BODY[HEADER] {342}\r\n\
Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n\
From: Terry Gray <gray@cac.washington.edu>\r\n\
Subject: IMAP4rev1 WG mtg summary and minutes\r\n\
To: imap@cac.washington.edu\r\n\
cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n\
Message-Id: <B27397-0100000@cac.washington.edu>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
\r\n\
)\r\n",
        ),
        ("§8", b"* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n"),
        ("§8", b"a005 OK +FLAGS completed\r\n"),
        ("§8", b"* BYE IMAP4rev1 server terminating connection\r\n"),
        ("§8", b"a006 OK LOGOUT completed\r\n"),
    ]
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// parse then encode gives the same octets, for every RFC 3501 command example.
pub fn check_rfc3501_commands() -> usize {
    let cases = rfc3501_commands();
    for (section, bytes) in &cases {
        let cmd = parse_command(bytes).unwrap_or_else(|e| {
            panic!(
                "RFC 3501 {section}: {:?} does not parse: {e:?}",
                show(bytes)
            )
        });
        let mut out = Vec::new();
        encode_command(&cmd, &mut out);
        assert_eq!(show(&out), show(bytes), "RFC 3501 {section}: {cmd:?}");
        let again = parse_command(&out).expect("encoded command parses");
        assert_eq!(again, cmd, "RFC 3501 {section}");
    }
    for (lower, canonical) in rfc3501_lowercase_commands() {
        assert_eq!(
            parse_command(lower).expect("lower case parses"),
            parse_command(canonical).expect("canonical parses"),
            "RFC 3501 §8: {:?}",
            show(lower)
        );
    }
    cases.len()
}

/// parse then encode gives the same octets, for every RFC 3501 response example; the parse
/// uses exactly the response's octets.
pub fn check_rfc3501_responses() -> usize {
    let cases = rfc3501_responses();
    for (section, bytes) in &cases {
        let (resp, used) = parse_response(bytes).unwrap_or_else(|e| {
            panic!(
                "RFC 3501 {section}: {:?} does not parse: {e:?}",
                show(bytes)
            )
        });
        assert_eq!(used, bytes.len(), "RFC 3501 {section}: {:?}", show(bytes));
        let mut out = Vec::new();
        encode_response(&resp, &mut out);
        assert_eq!(show(&out), show(bytes), "RFC 3501 {section}: {resp:?}");
    }
    cases.len()
}

/// RFC 7162 client commands as printed (lines the RFC folds for the page joined with one SP):
/// (section, octets).
pub fn rfc7162_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§3.1.3 Example 3", b"a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)\r\n"),
        ("§3.1.3 Example 4", b"a104 STORE * (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted $Processed)\r\n"),
        ("§3.1.3 Example 6", b"d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)\r\n"),
        ("§3.1.3 Example 8", b"a102 STORE 12 (UNCHANGEDSINCE 0) +FLAGS.SILENT ($MDNSent)\r\n"),
        ("§3.1.3 Example 10", b"a106 STORE 100:150 (UNCHANGEDSINCE 212030000000) +FLAGS.SILENT ($Processed)\r\n"),
        ("§3.1.4.1 Example 12", b"s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n"),
        ("§3.1.4.2 Example 13", b"a FETCH 1:3 (MODSEQ)\r\n"),
        ("§3.1.5 Example 15", b"a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n"),
        ("§3.1.5 Example 16", b"t SEARCH OR NOT MODSEQ 720162338 LARGER 50000\r\n"),
        ("§3.1.7 Example 17", b"A042 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)\r\n"),
        ("§3.1.8 Example 18", b"A142 SELECT INBOX (CONDSTORE)\r\n"),
        ("§3.2.5", b"A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n"),
        ("§3.2.5.1", b"A03 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))\r\n"),
        ("§3.2.5.2", b"A04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997))\r\n"),
        // The RFC prints a space after "5000," where the line is folded; the joined form has
        // none (a sequence set holds no SP).
        ("§3.2.5.2", b"B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))\r\n"),
        ("§3.2.6", b"s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n"),
        ("§3.2.9", b". UID EXPUNGE 3000:3002\r\n"),
    ]
}

/// RFC 7162 server responses as printed (folded lines joined with one SP): (section, octets).
pub fn rfc7162_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§3.1.3 Example 3",
            b"* 1 FETCH (UID 4 MODSEQ (12121231000))\r\n",
        ),
        (
            "§3.1.3 Example 6",
            b"d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n",
        ),
        (
            "§3.1.3 Example 6",
            b"* 7 FETCH (MODSEQ (320162342) FLAGS (\\Seen \\Deleted))\r\n",
        ),
        (
            "§3.1.3 Example 8",
            b"a102 OK [MODIFIED 12] Conditional STORE failed\r\n",
        ),
        (
            "§3.1.3 Example 11",
            b"B001 NO [MODIFIED 2] Some of the messages no longer exist.\r\n",
        ),
        (
            "§3.1.4.1 Example 12",
            b"* 4 FETCH (UID 8 MODSEQ (29738) FLAGS ($NoJunk $AutoJunk $MDNSent))\r\n",
        ),
        ("§3.1.4.2 Example 13", b"* 1 FETCH (MODSEQ (624140003))\r\n"),
        (
            "§3.1.4.2 Example 14",
            b"* 7 FETCH (FLAGS (\\Deleted \\Answered) MODSEQ (12121231000))\r\n",
        ),
        (
            "§3.1.5 Example 15",
            b"* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n",
        ),
        ("§3.1.5 Example 16", b"* SEARCH\r\n"),
        (
            "§3.1.7 Example 17",
            b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)\r\n",
        ),
        (
            "§3.1.8 Example 18",
            b"* OK [HIGHESTMODSEQ 715194045007] Highest\r\n",
        ),
        (
            "§3.1.2.2",
            b"* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences\r\n",
        ),
        (
            "§3.2.5.1",
            b"* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n",
        ),
        (
            "§3.2.5.1",
            b"* 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (90060115194045001))\r\n",
        ),
        ("§3.2.6", b"* VANISHED (EARLIER) 300:310,405,411\r\n"),
        (
            "§3.2.7",
            b"A202 OK [HIGHESTMODSEQ 20010715194045319] expunged\r\n",
        ),
        ("§3.2.7", b"* VANISHED 405,407,410,425\r\n"),
        ("§3.2.10.2", b"* VANISHED 505,507,510,625\r\n"),
    ]
}

/// RFC 4731 (ESEARCH) client commands as printed, folded lines joined with one SP; `"Smith"`
/// written as the atom the encoder picks (RFC 2683 §3.4.2), as in [`rfc3501_commands`].
pub fn rfc4731_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§3.1",
            b"A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n",
        ),
        (
            "§3.1",
            b"A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n",
        ),
        ("§3.1", b"A284 SEARCH RETURN (MIN) UNSEEN\r\n"),
        ("§3.1", b"A285 UID SEARCH RETURN (MIN MAX) 1:5000\r\n"),
        ("§3.1", b"A286 SEARCH RETURN (COUNT) DELETED\r\n"),
        (
            "§3.2",
            b"a1 SEARCH RETURN (MIN) MODSEQ \"/flags/\\\\draft\" all 620162338\r\n",
        ),
        (
            "§3.2",
            b"a4 SEARCH RETURN (MIN COUNT) MODSEQ \"/flags/\\\\draft\" all 620162338\r\n",
        ),
    ]
}

/// RFC 4731 server responses as printed (and RFC 7162 §3.1.10 Example 19).
pub fn rfc4731_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§3.1", b"* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n"),
        ("§3.1", b"* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n"),
        ("§3.1", b"* ESEARCH (TAG \"A284\") MIN 4\r\n"),
        ("§3.1", b"* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n"),
        ("§3.1", b"* ESEARCH (TAG \"A286\") COUNT 15\r\n"),
        ("§3.2", b"* ESEARCH (TAG \"a1\") MIN 2 MODSEQ 917162488\r\n"),
        (
            "§3.2",
            b"* ESEARCH (TAG \"a2\") MAX 23 MODSEQ 907162321\r\n",
        ),
        (
            "§3.2",
            b"* ESEARCH (TAG \"a3\") MIN 2 MAX 23 MODSEQ 917162488\r\n",
        ),
        (
            "§3.2",
            b"* ESEARCH (TAG \"a4\") MIN 2 COUNT 10 MODSEQ 917162500\r\n",
        ),
        (
            "RFC 7162 §3.1.10 Example 19",
            b"* ESEARCH (TAG \"a\") ALL 1:3,5 MODSEQ 1236\r\n",
        ),
    ]
}

/// RFC 9051 (IMAP4rev2) client commands as printed where they differ from RFC 3501's, and the
/// STATUS items it added (§6.3.11; no example prints DELETED or SIZE, so one is built).
pub fn rfc9051_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("Appendix A", b"a1 ENABLE IMAP4rev2\r\n"),
        ("§6.4.4", b"A284 SEARCH TEXT \"string not in mailbox\"\r\n"),
        (
            "§6.4.4",
            "A285 SEARCH CHARSET UTF-8 TEXT {12}\r\nотпуск\r\n".as_bytes(),
        ),
        ("§6.3.11", b"A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n"),
        ("§6.3.11", b"a2 STATUS INBOX (MESSAGES DELETED SIZE)\r\n"),
    ]
}

/// RFC 9051 server responses as printed: the LIST of SELECT (§6.3.2), ESEARCH answering a
/// plain SEARCH (§6.4.4), unsolicited FETCH with UID (§6.1.2, §7.5.2), STATUS DELETED and SIZE
/// (built: §7.3.3 prints none; SIZE is a `number64`).
pub fn rfc9051_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§6.3.1", b"* ENABLED CONDSTORE\r\n"),
        ("§6.3.2", b"* LIST () \"/\" INBOX\r\n"),
        ("§6.3.2", b"* LIST () \"/\" Drafts\r\n"),
        (
            "§6.3.2",
            b"* OK [CLOSED] Previous mailbox is now closed\r\n",
        ),
        (
            "§6.3.2",
            b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
        ),
        ("§6.4.4", b"* ESEARCH (TAG \"A284\")\r\n"),
        ("§6.4.4", b"* ESEARCH (TAG \"A285\") ALL 43\r\n"),
        (
            "§6.1.2",
            b"* 14 FETCH (UID 1305 FLAGS (\\Seen \\Deleted))\r\n",
        ),
        (
            "§7.5.2",
            b"* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827 UID 447)\r\n",
        ),
        (
            "§7.3.3",
            b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
        ),
        (
            "§6.3.11",
            b"* STATUS INBOX (MESSAGES 6 DELETED 2 SIZE 9223372036854775807)\r\n",
        ),
    ]
}

pub fn check_rfc9051() -> usize {
    check_examples("RFC 9051", &rfc9051_commands(), &rfc9051_responses())
}

/// RFC 3516 (BINARY) has no examples: commands written to its §7 grammar, and the responses
/// Dovecot 2.3.19.1 gave to them
/// (`tests/servers/transcripts/dovecot-2.3.19.1/extra-rfc3516-binary.txt`).
pub fn rfc3516_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§7 fetch-att",
            b"i FETCH 1 (BINARY.SIZE[2] BINARY.PEEK[2])\r\n",
        ),
        ("§7 partial", b"j FETCH 1 BINARY.PEEK[2]<4.6>\r\n"),
        ("§7 section-binary", b"s UID FETCH 1 (BINARY[] FLAGS)\r\n"),
        (
            "§7 append literal8",
            b"g APPEND bin ~{19}\r\nSubject: x\r\n\r\nx\x00y\r\n\r\n",
        ),
    ]
}

pub fn rfc3516_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§7 literal8",
            b"* 1 FETCH (BINARY[2]<4> ~{6}\r\n-1.4\n%)\r\n",
        ),
        (
            "§7 literal8",
            b"* 4 FETCH (BINARY[1] ~{4}\r\n\x00a\x00b BINARY.SIZE[1] 4)\r\n",
        ),
        (
            "§7 nstring",
            b"* 1 FETCH (BINARY[3] \"\" BINARY.SIZE[3] 0)\r\n",
        ),
        (
            "§4.3",
            b"n NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding\r\n",
        ),
    ]
}

/// parse then encode gives the same octets for the RFC 3516 grammar's cases, both ways.
pub fn check_rfc3516() -> usize {
    check_examples("RFC 3516", &rfc3516_commands(), &rfc3516_responses())
}

/// RFC 4469 (CATENATE) §A client commands, folded lines joined as sent: each continuation
/// line starts with the octet after the literal, and the URLs are quoted as printed.
#[cfg(feature = "catenate")]
pub fn rfc4469_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§A Example 1",
            b"A003 APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE (URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER\" TEXT {42}\r\n\r\n--------------030308070208000400050907\r\n URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME\" URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1\" TEXT {42}\r\n\r\n--------------030308070208000400050907\r\n URL \"/Drafts;UIDVALIDITY=385759045/;UID=30\" TEXT {44}\r\n\r\n--------------030308070208000400050907--\r\n)\r\n",
        ),
        (
            "§A Example 3",
            b"A003 APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE (URL \"/Drafts;UIDVALIDITY=385759045/;UID=21/;section=HEADER\" TEXT {42}\r\n\r\n--------------030308070208000400050903\r\n URL \"/Drafts;UIDVALIDITY=385759045/;UID=21/;section=1.MIME\" URL \"/Drafts;UIDVALIDITY=385759045/;UID=21/;section=1\" TEXT {255}\r\n\r\n--------------030308070208000400050903\r\nContent-type: text/plain; charset=\"us-ascii\"\r\nContent-transfer-encoding: 7bit\r\n\r\nThis body part contained a Power Point presentation that was\r\ndeleted upon your request.\r\n--------------030308070208000400050903--\r\n)\r\n",
        ),
        // RFC 3502 §6 with RFC 4469 §5: a MULTIAPPEND whose second message is catenated.
        (
            "§5 with RFC 3502",
            b"A004 APPEND Sent {3}\r\nab\n (\\Seen) CATENATE (URL \"/INBOX/;UID=1\")\r\n",
        ),
    ]
}

/// RFC 4469 server responses as printed (§A Example 4's BADURL joined onto one line).
#[cfg(feature = "catenate")]
pub fn rfc4469_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§A Example 1", b"A003 OK catenate append completed\r\n"),
        (
            "§A Example 2",
            b"A003 OK [APPENDUID 385759045 45] append Completed\r\n",
        ),
        (
            "§A Example 4",
            b"A003 NO [BADURL \"/INBOX;UIDVALIDITY=785799047/;UID=113330;section=1.5.9\"] CATENATE append has failed, one message expunged\r\n",
        ),
        ("§4.2", b"A003 NO [TOOBIG] Message too big\r\n"),
    ]
}

/// parse then encode gives the same octets for every RFC 4469 example, both ways; the
/// malformed forms are refused with a useful text.
#[cfg(feature = "catenate")]
pub fn check_rfc4469() -> usize {
    let n = check_examples("RFC 4469", &rfc4469_commands(), &rfc4469_responses());
    let refused: &[(&[u8], &str)] = &[
        (
            b"a APPEND x CATENATE ()\r\n",
            "Expected TEXT literal or URL",
        ),
        (b"a APPEND x CATENATE\r\n", "Missing argument"),
        (
            b"a APPEND x CATENATE TEXT {1}\r\nx\r\n",
            "Expected ( after CATENATE",
        ),
        (
            b"a APPEND x CATENATE (TEXT \"x\")\r\n",
            "Expected literal after TEXT",
        ),
        (
            b"a APPEND x CATENATE (URL)\r\n",
            "Expected TEXT literal or URL",
        ),
        (
            b"a APPEND x CATENATE (BODY {1}\r\nx)\r\n",
            "Expected TEXT literal or URL",
        ),
        (
            b"a APPEND x CATENATE (TEXT {1}\r\nx\r\n",
            "Missing argument",
        ),
        (
            b"a APPEND x CATENATE (URL \"/INBOX/;UID=1\"  TEXT {1}\r\nx)\r\n",
            "Expected TEXT literal or URL",
        ),
    ];
    check_refused(refused);
    n + refused.len()
}

/// Every one of `refused` fails to parse (any reason); all that parse are reported at once.
fn check_unparsed(refused: &[&[u8]]) {
    let parsed: Vec<String> = refused
        .iter()
        .filter(|bytes| parse_command(bytes).is_ok())
        .map(|bytes| format!("{:?}", show(bytes)))
        .collect();
    assert!(parsed.is_empty(), "parsed: {parsed:#?}");
}

/// Each command is refused, tagged, with a text that says `why`.
#[cfg(any(feature = "catenate", feature = "quota"))]
fn check_refused(refused: &[(&[u8], &str)]) {
    let wrong: Vec<String> = refused
        .iter()
        .filter_map(|(bytes, why)| match parse_command(bytes) {
            Ok(c) => Some(format!("{:?} parsed: {c:?}", show(bytes))),
            Err(e) if !e.text.contains(why) || e.tag.is_none() => {
                Some(format!("{:?}: {:?}", show(bytes), e.text))
            }
            Err(_) => None,
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// RFC 9208 (QUOTA) client commands as printed (§4.1.1 to §4.1.4).
#[cfg(feature = "quota")]
pub fn rfc9208_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§4.1.1", b"G0001 GETQUOTA \"!partition/sda4\"\r\n"),
        ("§4.1.2", b"G0002 GETQUOTAROOT INBOX\r\n"),
        ("§4.1.3", b"S0000 GETQUOTA \"#user/alice\"\r\n"),
        (
            "§4.1.3",
            b"S0001 SETQUOTA \"#user/alice\" (STORAGE 510)\r\n",
        ),
        (
            "§4.1.3",
            b"S0002 SETQUOTA \"!partition/sda4\" (STORAGE 99999999)\r\n",
        ),
        (
            "§4.1.4",
            b"S0003 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)\r\n",
        ),
        ("§7 setquota-list", b"a SETQUOTA \"\" ()\r\n"),
        (
            "§7 setquota-list",
            b"a SETQUOTA \"\" (STORAGE 512 MESSAGE 9223372036854775807)\r\n",
        ),
    ]
}

/// RFC 9208 server responses as printed (§4.1 to §4.3).
#[cfg(feature = "quota")]
pub fn rfc9208_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§4.1.1",
            b"* QUOTA \"!partition/sda4\" (STORAGE 104 10923847)\r\n",
        ),
        ("§4.1.1", b"G0001 OK Getquota complete\r\n"),
        (
            "§4.1.2",
            b"* QUOTAROOT INBOX \"#user/alice\" \"!partition/sda4\"\r\n",
        ),
        ("§4.1.2", b"* QUOTA \"#user/alice\" (MESSAGE 42 1000)\r\n"),
        (
            "§4.1.3",
            b"* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42 1000)\r\n",
        ),
        ("§4.1.3", b"* QUOTA \"#user/alice\" (STORAGE 58 512)\r\n"),
        ("§4.1.3", b"S0002 NO Cannot change system limit\r\n"),
        (
            "§4.1.4",
            b"* STATUS INBOX (MESSAGES 12 DELETED 4 DELETED-STORAGE 8)\r\n",
        ),
        ("§4.2.1", b"* QUOTA \"\" (STORAGE 10 512)\r\n"),
        ("§4.2.2", b"* QUOTAROOT INBOX \"\"\r\n"),
        ("§4.2.2", b"* QUOTAROOT comp.mail.mime\r\n"),
        ("§4.3.1 Example 1", b"A003 NO [OVERQUOTA] APPEND Failed\r\n"),
        (
            "§4.3.1 Example 2",
            b"* NO [OVERQUOTA] Soft quota has been exceeded\r\n",
        ),
        (
            "§4.3.1 Example 3",
            b"A004 OK [COPYUID 38505 304,319:320 3956:3958] COPY command completed\r\n",
        ),
    ]
}

/// parse then encode gives the same octets for every RFC 9208 example, both ways; the
/// malformed forms are refused with a useful text.
#[cfg(feature = "quota")]
pub fn check_rfc9208() -> usize {
    let n = check_examples("RFC 9208", &rfc9208_commands(), &rfc9208_responses());
    // Lower case and bare atoms parse to the same values (RFC 9208 §7: case-insensitive).
    let same: &[(&[u8], &[u8])] = &[
        (b"a getquota x\r\n", b"a GETQUOTA \"x\"\r\n"),
        (
            b"a setquota x (storage 1)\r\n",
            b"a SETQUOTA \"x\" (STORAGE 1)\r\n",
        ),
        (b"a getquotaroot inbox\r\n", b"a GETQUOTAROOT INBOX\r\n"),
    ];
    for (a, b) in same {
        assert_eq!(parse_command(a).unwrap(), parse_command(b).unwrap());
    }
    let refused: &[(&[u8], &str)] = &[
        (b"a GETQUOTA\r\n", "Missing argument"),
        (b"a GETQUOTA \"\" x\r\n", "Expected CRLF"),
        (b"a GETQUOTAROOT\r\n", "Missing argument"),
        (b"a SETQUOTA \"\"\r\n", "Missing argument"),
        (
            b"a SETQUOTA \"\" STORAGE 1\r\n",
            "Expected ( before the SETQUOTA resource limits",
        ),
        (b"a SETQUOTA \"\" (STORAGE)\r\n", "Expected SP"),
        (b"a SETQUOTA \"\" (STORAGE x)\r\n", "Expected"),
        (b"a SETQUOTA \"\" (STORAGE -1)\r\n", "Expected"),
        (b"a SETQUOTA \"\" (STORAGE 9223372036854775808)\r\n", ""),
        (
            b"a SETQUOTA \"\" (STORAGE 1 STORAGE 2)\r\n",
            "Resource STORAGE is given twice",
        ),
        (
            b"a SETQUOTA \"\" (\"STORAGE\" 1)\r\n",
            "Expected resource name",
        ),
    ];
    check_refused(refused);
    let bad_responses: &[&[u8]] = &[
        b"* QUOTA \"\" (STORAGE 1)\r\n",
        b"* QUOTA \"\"\r\n",
        b"* QUOTAROOT\r\n",
        b"a NO [BADURL] x\r\n",
    ];
    for bytes in bad_responses {
        assert!(parse_response(bytes).is_err(), "{:?} parsed", show(bytes));
    }
    n + same.len() + refused.len() + bad_responses.len()
}

/// RFC 5182 (SEARCHRES) client commands as printed, folded lines joined with one SP; atoms
/// and keywords as the encoder writes them (`Smith` unquoted, `.SILENT` in capitals).
pub fn rfc5182_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§2.2 Example 1",
            b"A282 SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n",
        ),
        (
            "§2.2 Example 1",
            b"A283 FETCH $ (UID INTERNALDATE FLAGS RFC822.HEADER)\r\n",
        ),
        ("§2.2 Example 3", b"A301 UID SEARCH UID $ SMALLER 4096\r\n"),
        ("§2.2 Example 3", b"A301 UID SEARCH $ SMALLER 4096\r\n"),
        (
            "§2.2 Example 4",
            b"P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT YYYYYYYY\r\n",
        ),
        ("§2.2 Example 6", b"E283 COPY $ \"Other Messages\"\r\n"),
        (
            "§2.3 Example 7",
            b"F284 STORE $ +FLAGS.SILENT (\\Deleted)\r\n",
        ),
        (
            "§2.4 Example 10",
            b"C285 SEARCH RETURN (MAX SAVE MIN) SINCE 12-Feb-2006 NOT FROM Smith\r\n",
        ),
    ]
}

/// RFC 5182 server responses as printed.
pub fn rfc5182_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§2.3 Example 8",
            b"* ESEARCH (TAG \"G283\") ALL 3:15,27,29:103\r\n",
        ),
        (
            "§2.4 Example 10",
            b"* ESEARCH (TAG \"C286\") MIN 2 MAX 21 COUNT 8\r\n",
        ),
        (
            "§2.4 Example 10",
            b"* ESEARCH (TAG \"C286\") MIN 2 ALL 2,10:15,21\r\n",
        ),
        ("§2.5", b"a NO [NOTSAVED] Too many saved results\r\n"),
    ]
}

/// parse then encode gives the same octets for every RFC 5182 example, both ways.
pub fn check_rfc5182() -> usize {
    check_examples("RFC 5182", &rfc5182_commands(), &rfc5182_responses())
}

/// RFC 5267 (CONTEXT=SEARCH) client commands as printed, folded lines joined with one SP.
pub fn rfc5267_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§4.2",
            b"A01 SEARCH RETURN (CONTEXT COUNT) UNDELETED UNKEYWORD $Junk\r\n",
        ),
        (
            "§4.3",
            b"B01 UID SEARCH RETURN (UPDATE COUNT) DELETED KEYWORD $Junk\r\n",
        ),
        ("§4.3.5", b"B04 CANCELUPDATE \"B01\"\r\n"),
        ("§5", b"B05 CANCELUPDATE \"B01\" \"B02\"\r\n"),
        (
            "§4.4",
            b"A02 UID SEARCH RETURN (PARTIAL 23500:24000) UNDELETED UNKEYWORD $Junk\r\n",
        ),
        (
            "§4.4",
            b"A03 UID SEARCH RETURN (PARTIAL 1:500) UNDELETED UNKEYWORD $Junk\r\n",
        ),
        ("§5", b"A05 SEARCH RETURN (PARTIAL 500:400 COUNT) ALL\r\n"),
    ]
}

/// RFC 5267 server responses as printed.
pub fn rfc5267_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§4.2", b"* ESEARCH (TAG \"A01\") COUNT 23765\r\n"),
        ("§4.3", b"* ESEARCH (TAG \"B01\") COUNT 74\r\n"),
        ("§4.3.1", b"* NO [NOUPDATE \"B02\"] Too many contexts\r\n"),
        (
            "§4.3.3",
            b"* ESEARCH (TAG \"B01\") UID ADDTO (0 32768:32769)\r\n",
        ),
        (
            "§4.3.3",
            b"* ESEARCH (TAG \"C01\") UID ADDTO (1 2733 1 2732 1 2731)\r\n",
        ),
        (
            "§4.3.3",
            b"* ESEARCH (TAG \"C01\") UID ADDTO (1 2733) ADDTO (1 2731:2732)\r\n",
        ),
        (
            "§4.3.3",
            b"* ESEARCH (TAG \"C01\") UID ADDTO (1 2731:2733)\r\n",
        ),
        (
            "§4.3.4",
            b"* ESEARCH (TAG \"B01\") UID REMOVEFROM (0 32768)\r\n",
        ),
    ]
}

/// parse then encode gives the same octets for every RFC 5267 example, both ways.
pub fn check_rfc5267() -> usize {
    check_examples("RFC 5267", &rfc5267_commands(), &rfc5267_responses())
}

/// RFC 5267's examples about SORT (ESORT §3, CONTEXT=SORT §4), and RFC 7162 §3.1.10 Example
/// 20 (ESORT with MODSEQ). Elided results (`[...]`) are cut at the last number printed.
#[cfg(feature = "sort-thread")]
pub fn rfc5267_sort_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§3.3",
            b"E01 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk\r\n",
        ),
        (
            "RFC 7162 §3.1.10",
            b"a SORT RETURN (ALL) (DATE) UTF-8 MODSEQ 1234\r\n",
        ),
        (
            "§5",
            b"S1 SORT RETURN (CONTEXT UPDATE PARTIAL 500:400 MIN MAX COUNT) (SUBJECT) UTF-8 ALL\r\n",
        ),
        (
            "§4.3 adapted",
            b"B01 SORT RETURN (UPDATE) (DATE) UTF-8 FLAGGED\r\n",
        ),
        (
            "§4.3.1 adapted",
            b"B02 UID SORT RETURN (UPDATE COUNT) (ARRIVAL) UTF-8 KEYWORD $Junk\r\n",
        ),
    ]
}

/// RFC 5267 server responses about SORT as printed.
#[cfg(feature = "sort-thread")]
pub fn rfc5267_sort_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "§3.3",
            b"* ESEARCH (TAG \"E01\") UID ALL 23765,23764,23763,23761\r\n",
        ),
        ("§3.3", b"E01 OK Sort completed\r\n"),
        ("§4.3", b"B01 BAD Tag reuse\r\n"),
        ("§4.3.1", b"* ESEARCH (TAG \"B02\") COUNT 74\r\n"),
        ("§4.3.1", b"* NO [NOUPDATE \"B02\"] Too many contexts\r\n"),
        ("§4.3.1", b"B02 OK Search completed, will not notify.\r\n"),
        (
            "RFC 7162 §3.1.10",
            b"* ESEARCH (TAG \"a\") ALL 5,3,2,1 MODSEQ 1236\r\n",
        ),
        ("RFC 7162 §3.1.10", b"a OK Extended SORT completed\r\n"),
    ]
}

/// parse then encode gives the same octets for every RFC 5267 example about SORT, both ways;
/// the two printed without SORT's criteria and charset (§4.3 B01, §4.3.1 B02) do not parse.
#[cfg(feature = "sort-thread")]
pub fn check_rfc5267_sort() -> usize {
    for (section, bad) in [
        ("§4.3", &b"B01 SORT RETURN (UPDATE) FLAGGED\r\n"[..]),
        (
            "§4.3.1",
            b"B02 UID SORT RETURN (UPDATE COUNT) UTF-8 KEYWORD $Junk\r\n",
        ),
    ] {
        assert!(parse_command(bad).is_err(), "RFC 5267 {section}");
    }
    check_examples(
        "RFC 5267",
        &rfc5267_sort_commands(),
        &rfc5267_sort_responses(),
    )
}

/// parse then encode gives the same octets for every RFC 4731 example, both ways.
pub fn check_rfc4731() -> usize {
    check_examples("RFC 4731", &rfc4731_commands(), &rfc4731_responses())
}

/// Every command parses, encodes to the same octets and parses again to the same value;
/// every response parses whole and encodes to the same octets.
fn check_examples(rfc: &str, commands: &[(&str, &[u8])], responses: &[(&str, &[u8])]) -> usize {
    for (section, bytes) in commands {
        let cmd = parse_command(bytes)
            .unwrap_or_else(|e| panic!("{rfc} {section}: {:?}: {e:?}", show(bytes)));
        let mut out = Vec::new();
        encode_command(&cmd, &mut out);
        assert_eq!(show(&out), show(bytes), "{rfc} {section}: {cmd:?}");
        assert_eq!(parse_command(&out).expect("parses again"), cmd);
    }
    for (section, bytes) in responses {
        let (resp, used) = parse_response(bytes)
            .unwrap_or_else(|e| panic!("{rfc} {section}: {:?}: {e:?}", show(bytes)));
        assert_eq!(used, bytes.len(), "{rfc} {section}");
        let mut out = Vec::new();
        encode_response(&resp, &mut out);
        assert_eq!(show(&out), show(bytes), "{rfc} {section}: {resp:?}");
    }
    commands.len() + responses.len()
}

/// parse then encode gives the same octets for every RFC 7162 example, both ways.
pub fn check_rfc7162() -> usize {
    for (section, bytes) in rfc7162_commands() {
        let cmd = parse_command(bytes)
            .unwrap_or_else(|e| panic!("RFC 7162 {section}: {:?}: {e:?}", show(bytes)));
        let mut out = Vec::new();
        encode_command(&cmd, &mut out);
        assert_eq!(show(&out), show(bytes), "RFC 7162 {section}: {cmd:?}");
        assert_eq!(parse_command(&out).expect("parses again"), cmd);
    }
    for (section, bytes) in rfc7162_responses() {
        let (resp, used) = parse_response(bytes)
            .unwrap_or_else(|e| panic!("RFC 7162 {section}: {:?}: {e:?}", show(bytes)));
        assert_eq!(used, bytes.len(), "RFC 7162 {section}");
        let mut out = Vec::new();
        encode_response(&resp, &mut out);
        assert_eq!(show(&out), show(bytes), "RFC 7162 {section}: {resp:?}");
    }
    // Printed without text: RFC 3501 §9 `resp-text` needs some, so the encoder writes the
    // placeholder; the parse is what matters here.
    let textless: [(&str, &[u8], &[u8]); 2] = [
        (
            "§3.1.3 Example 5",
            b"* OK [HIGHESTMODSEQ 12111230047]\r\n",
            b"* OK [HIGHESTMODSEQ 12111230047] OK\r\n",
        ),
        ("§3.2.5.1", b"* OK [CLOSED]\r\n", b"* OK [CLOSED] OK\r\n"),
    ];
    for (section, printed, canonical) in textless {
        let (resp, _) = parse_response(printed)
            .unwrap_or_else(|e| panic!("RFC 7162 {section}: {:?}: {e:?}", show(printed)));
        let mut out = Vec::new();
        encode_response(&resp, &mut out);
        assert_eq!(show(&out), show(canonical), "RFC 7162 {section}");
    }
    rfc7162_commands().len() + rfc7162_responses().len() + textless.len()
}

fn seq(ranges: &[(u32, u32)]) -> SequenceSet {
    SequenceSet(
        ranges
            .iter()
            .map(|&(a, b)| SeqRange {
                start: SeqBound::Num(a),
                end: SeqBound::Num(b),
            })
            .collect(),
    )
}

fn status(tag: Option<&str>, kind: StatusKind, code: Option<Code>, text: &str) -> Response {
    Response::Status(StatusResponse {
        tag: tag.map(|t| Tag(t.to_string())),
        kind,
        code,
        text: text.to_string(),
    })
}

fn addr(name: Option<&str>, mailbox: Option<&str>, host: Option<&str>) -> Address {
    Address {
        name: name.map(|s| s.as_bytes().to_vec()),
        adl: None,
        mailbox: mailbox.map(|s| s.as_bytes().to_vec()),
        host: host.map(|s| s.as_bytes().to_vec()),
    }
}

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn envelope() -> Envelope {
    Envelope {
        date: Some(b("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)")),
        // A subject with a quote, a backslash and 8-bit octets: quoted escapes, then literal.
        subject: Some(b"Caf\xc3\xa9 \"menu\" \\ 1".to_vec()),
        from: vec![addr(
            Some("Terry Gray"),
            Some("gray"),
            Some("cac.washington.edu"),
        )],
        sender: vec![addr(None, Some("gray"), Some("cac.washington.edu"))],
        reply_to: vec![],
        // RFC 3501 §7.4.2 group syntax: start marker (host NIL), members, end marker.
        to: vec![
            addr(None, Some("undisclosed-recipients"), None),
            addr(None, None, None),
        ],
        cc: vec![
            addr(None, Some("minutes"), Some("CNRI.Reston.VA.US")),
            Address {
                name: Some(b("John Klensin")),
                adl: Some(b("@relay.example")),
                mailbox: Some(b("KLENSIN")),
                host: Some(b("MIT.EDU")),
            },
        ],
        bcc: vec![],
        in_reply_to: Some(b("<parent@example>")),
        message_id: Some(b("<B27397-0100000@cac.washington.edu>")),
    }
}

fn text_part(
    subtype: &str,
    size: u32,
    lines: u32,
    ext: Option<SinglePartExtension>,
) -> BodyStructure {
    BodyStructure::Single {
        basic: BasicFields {
            media_type: b("TEXT"),
            subtype: b(subtype),
            params: vec![(b("CHARSET"), b("UTF-8"))],
            id: None,
            description: None,
            encoding: b("QUOTED-PRINTABLE"),
            size,
        },
        specific: SpecificFields::Text { lines },
        extension: ext,
    }
}

/// A multipart/mixed with a text part, an attachment with every extension field, and a
/// message/rfc822 part holding a multipart/alternative: RFC 3501 §7.4.2 BODYSTRUCTURE with
/// `body-ext-1part` and `body-ext-mpart`.
pub fn bodystructure(extensions: bool) -> BodyStructure {
    let ext1 = |md5: Option<&str>| {
        extensions.then(|| SinglePartExtension {
            md5: md5.map(b),
            disposition: None,
            language: vec![],
            location: None,
        })
    };
    let attachment = BodyStructure::Single {
        basic: BasicFields {
            media_type: b("APPLICATION"),
            subtype: b("PDF"),
            params: vec![(b("NAME"), b("cv.pdf"))],
            id: Some(b("<part2@example>")),
            description: Some(b("Curriculum vitae")),
            encoding: b("BASE64"),
            size: 4096,
        },
        specific: SpecificFields::Basic,
        extension: extensions.then(|| SinglePartExtension {
            md5: Some(b("Q2hlY2sgSW50ZWdyaXR5IQ==")),
            disposition: Some(Disposition {
                kind: b("attachment"),
                params: vec![(b("filename*"), b("utf-8''R%C3%A9sum%C3%A9.pdf"))],
            }),
            language: vec![b("en"), b("de")],
            location: Some(b("http://example.org/cv.pdf")),
        }),
    };
    let inner = BodyStructure::Multi {
        parts: vec![
            text_part("PLAIN", 120, 4, ext1(None)),
            text_part("HTML", 300, 9, ext1(Some("abc="))),
        ],
        subtype: b("ALTERNATIVE"),
        extension: extensions.then(|| MultiPartExtension {
            params: vec![(b("BOUNDARY"), b("inner"))],
            disposition: None,
            language: vec![b("fr")],
            location: None,
        }),
    };
    let forwarded = BodyStructure::Single {
        basic: BasicFields {
            media_type: b("MESSAGE"),
            subtype: b("RFC822"),
            params: vec![],
            id: None,
            description: None,
            encoding: b("7BIT"),
            size: 900,
        },
        specific: SpecificFields::Message {
            envelope: Box::new(envelope()),
            body: Box::new(inner),
            lines: 30,
        },
        extension: extensions.then(|| SinglePartExtension {
            md5: None,
            disposition: Some(Disposition {
                kind: b("inline"),
                params: vec![],
            }),
            language: vec![],
            location: None,
        }),
    };
    BodyStructure::Multi {
        parts: vec![text_part("PLAIN", 10, 1, ext1(None)), attachment, forwarded],
        subtype: b("MIXED"),
        extension: extensions.then(|| MultiPartExtension {
            params: vec![(b("BOUNDARY"), b("outer"))],
            disposition: Some(Disposition {
                kind: b("inline"),
                params: vec![(b("x"), b("y"))],
            }),
            language: vec![b("en")],
            location: Some(b("here")),
        }),
    }
}

/// Every `Code` variant (RFC 3501 §7.1, RFC 4315 §3, RFC 2180 §3.4, RFC 9051 §7.1).
pub fn all_codes() -> Vec<Code> {
    #[allow(unused_mut)]
    let mut codes = vec![
        Code::Alert,
        Code::BadCharset(vec![]),
        Code::BadCharset(vec!["UTF-8".into(), "US-ASCII".into()]),
        Code::Capability(vec!["IMAP4rev1".into(), "IDLE".into()]),
        Code::Parse,
        Code::PermanentFlags(vec![
            FlagPerm::Flag(Flag::Answered),
            FlagPerm::Flag(Flag::Keyword("$Junk".into())),
            FlagPerm::Wildcard,
        ]),
        Code::PermanentFlags(vec![]),
        Code::ReadOnly,
        Code::ReadWrite,
        Code::TryCreate,
        Code::UidNext(4392),
        Code::UidValidity(3_857_529_045),
        Code::Unseen(17),
        Code::AppendUid {
            uid_validity: 38505,
            uids: seq(&[(3955, 3955)]),
        },
        Code::AppendUid {
            uid_validity: 38505,
            uids: seq(&[(3955, 3957), (3960, 3960)]),
        },
        Code::CopyUid {
            uid_validity: 38505,
            source: seq(&[(304, 304), (319, 320)]),
            destination: seq(&[(3956, 3958)]),
        },
        Code::UidNotSticky,
        Code::NewName {
            old: MailboxName("FOO".into()),
            new: MailboxName("Old Stuff/&AOk-t&AOk-".into()),
        },
        Code::AlreadyExists,
        Code::AuthenticationFailed,
        Code::AuthorizationFailed,
        Code::Cannot,
        Code::ClientBug,
        Code::Closed,
        Code::ContactAdmin,
        Code::Corruption,
        Code::ExpungeIssued,
        Code::Expired,
        Code::HasChildren,
        Code::InUse,
        Code::Limit,
        Code::Nonexistent,
        Code::NoPerm,
        Code::NotSaved,
        Code::OverQuota,
        Code::PrivacyRequired,
        Code::ServerBug,
        Code::Unavailable,
        Code::UnknownCte,
        // RFC 7162 §3.1.2.1, §3.1.2.2, §3.1.3.
        Code::HighestModSeq(715_194_045_007),
        Code::NoModSeq,
        Code::Modified(seq(&[(7, 7), (9, 9)])),
        Code::NotificationOverflow,
        Code::BadEvent(vec!["MessageNew".into(), "MailboxName".into()]),
        Code::Other {
            atom: "X-FOO".into(),
            text: None,
        },
        Code::Other {
            atom: "X-BAR".into(),
            text: Some("some words".into()),
        },
    ];
    // RFC 4469 §4.1, §4.2.
    #[cfg(feature = "catenate")]
    codes.extend([
        Code::BadUrl("/INBOX;UIDVALIDITY=785799047/;UID=113330;section=1.5.9".into()),
        Code::TooBig,
    ]);
    codes
}

/// Constructed responses: every `Response`, `Data` and `StatusKind` variant and every code.
pub fn constructed_responses() -> Vec<Response> {
    let mut v = Vec::new();
    for kind in [
        StatusKind::Ok,
        StatusKind::No,
        StatusKind::Bad,
        StatusKind::PreAuth,
        StatusKind::Bye,
    ] {
        v.push(status(None, kind, None, "untagged"));
    }
    for kind in [StatusKind::Ok, StatusKind::No, StatusKind::Bad] {
        v.push(status(Some("a1"), kind, None, "tagged"));
    }
    for code in all_codes() {
        v.push(status(
            Some("A001"),
            StatusKind::Ok,
            Some(code.clone()),
            "done",
        ));
        v.push(status(
            None,
            StatusKind::No,
            Some(code),
            "untagged with code",
        ));
    }
    v.push(Response::Continue(Continue::Text {
        code: None,
        text: "Ready for literal data".into(),
    }));
    v.push(Response::Continue(Continue::Text {
        code: Some(Code::Alert),
        text: "go on".into(),
    }));
    v.push(Response::Continue(Continue::Base64(String::new())));
    let item = |attributes: Vec<NameAttribute>, delimiter: Option<char>, name: &str| ListItem {
        attributes,
        delimiter,
        mailbox: MailboxName(name.into()),
    };
    let data = vec![
        Data::Capability(vec![
            "IMAP4rev1".into(),
            "AUTH=PLAIN".into(),
            "LITERAL+".into(),
        ]),
        Data::List(item(
            vec![
                NameAttribute::Noinferiors,
                NameAttribute::Marked,
                NameAttribute::HasChildren,
                NameAttribute::HasNoChildren,
                NameAttribute::Subscribed,
                NameAttribute::Extension("Archive".into()),
            ],
            Some('/'),
            "Archive",
        )),
        // RFC 3501 §9 `mbx-list-sflag`: at most one of \Noselect, \Marked, \Unmarked.
        Data::List(item(vec![NameAttribute::Noselect], None, "flat")),
        Data::List(item(vec![NameAttribute::Unmarked], Some('/'), "u")),
        Data::List(item(vec![], Some('"'), "quote\"d")),
        Data::List(item(vec![], Some('\\'), "")),
        Data::ListChildInfo {
            item: item(
                vec![NameAttribute::Extension("NonExistent".into())],
                Some('/'),
                "Foo bar",
            ),
            criteria: vec!["SUBSCRIBED".into(), "X-OTHER".into()],
        },
        Data::Lsub(item(
            vec![NameAttribute::Noselect],
            Some('.'),
            "#news.comp.mail",
        )),
        Data::Status {
            mailbox: MailboxName("blurdybloop".into()),
            items: vec![
                StatusValue::Messages(231),
                StatusValue::Recent(1),
                StatusValue::UidNext(44292),
                StatusValue::UidValidity(3_857_529_045),
                StatusValue::Unseen(0),
            ],
        },
        Data::Status {
            mailbox: MailboxName("with space".into()),
            items: vec![],
        },
        Data::Search(vec![], None),
        Data::Search(vec![2, 84, 882, u32::MAX], None),
        // RFC 7162 §3.1.6.
        Data::Search(vec![2, 5], Some(917_162_500)),
        Data::ESearch {
            tag: Some("A282".into()),
            uid: true,
            data: vec![
                SearchReturnData::Min(1),
                SearchReturnData::Max(u32::MAX),
                SearchReturnData::All(seq(&[(2, 2), (10, 11)])),
                SearchReturnData::Count(0),
                SearchReturnData::ModSeq(u64::MAX >> 1),
            ],
        },
        Data::ESearch {
            tag: Some("a \"quoted\" tag?".into()),
            uid: false,
            data: vec![],
        },
        Data::ESearch {
            tag: None,
            uid: true,
            data: vec![],
        },
        Data::ESearch {
            tag: Some("B01".into()),
            uid: false,
            data: vec![
                SearchReturnData::RemoveFrom(vec![(0, seq(&[(4, 5)]))]),
                SearchReturnData::AddTo(vec![(0, seq(&[(1, 1)])), (3, seq(&[(7, 9)]))]),
            ],
        },
        Data::Vanished {
            earlier: false,
            uids: seq(&[(405, 405), (407, 407), (410, 410), (425, 425)]),
        },
        Data::Vanished {
            earlier: true,
            uids: seq(&[(300, 310), (405, 405)]),
        },
        Data::Status {
            mailbox: MailboxName("blurdybloop".into()),
            items: vec![
                StatusValue::HighestModSeq(7_011_231_777),
                StatusValue::HighestModSeq(0),
            ],
        },
        // RFC 5256 §4.
        Data::Sort(vec![], None),
        Data::Sort(vec![5, 3, 4, 1, 2, u32::MAX], None),
        Data::Sort(vec![7, 2], Some(u64::from(u32::MAX) + 1)),
        Data::Thread(vec![]),
        Data::Thread(vec![
            Thread {
                members: vec![2],
                children: vec![],
            },
            Thread {
                members: vec![],
                children: vec![
                    Thread {
                        members: vec![3, 6],
                        children: vec![
                            Thread {
                                members: vec![4, 23],
                                children: vec![],
                            },
                            Thread {
                                members: vec![44, 7, 96],
                                children: vec![],
                            },
                        ],
                    },
                    Thread {
                        members: vec![5],
                        children: vec![],
                    },
                ],
            },
        ]),
        Data::Flags(vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft,
            Flag::Keyword("$Forwarded".into()),
            Flag::Extension("Important".into()),
        ]),
        Data::Exists(0),
        Data::Exists(u32::MAX),
        Data::Recent(3),
        Data::Expunge(44),
        Data::Namespace {
            personal: Some(vec![NamespaceDesc {
                prefix: vec![],
                delimiter: Some('/'),
            }]),
            other: None,
            shared: Some(vec![
                NamespaceDesc {
                    prefix: b("#shared/"),
                    delimiter: Some('/'),
                },
                NamespaceDesc {
                    prefix: b("#public"),
                    delimiter: None,
                },
            ]),
        },
        Data::Namespace {
            personal: None,
            other: None,
            shared: None,
        },
        Data::Enabled(vec![]),
        Data::Enabled(vec!["CONDSTORE".into(), "UTF8=ACCEPT".into()]),
        Data::Id(None),
        Data::Id(Some(vec![
            (b("name"), Some(b("imap-sandbox"))),
            (b("version"), None),
            (b("support-url"), Some(b("http://example.org/a b"))),
        ])),
    ];
    v.extend(data.into_iter().map(Response::Data));
    for items in constructed_fetch_items() {
        v.push(Response::Data(Data::Fetch { seq: 12, items }));
    }
    // RFC 9208 §7: QUOTA, QUOTAROOT and STATUS DELETED-STORAGE; root names that need quoting.
    #[cfg(feature = "quota")]
    v.extend(quota_responses());
    v
}

#[cfg(feature = "quota")]
fn quota_responses() -> Vec<Response> {
    vec![
        Response::Data(Data::Quota {
            root: "User quota".into(),
            resources: vec![
                QuotaResource {
                    name: "STORAGE".into(),
                    usage: 0,
                    limit: 9_223_372_036_854_775_807,
                },
                QuotaResource {
                    name: "X-OTHER".into(),
                    usage: 3,
                    limit: 4,
                },
            ],
        }),
        Response::Data(Data::Quota {
            root: String::new(),
            resources: vec![],
        }),
        Response::Data(Data::QuotaRoot {
            mailbox: MailboxName("Other Box".into()),
            roots: vec!["".into(), "a\\\"b".into()],
        }),
        Response::Data(Data::Status {
            mailbox: MailboxName("INBOX".into()),
            items: vec![
                StatusValue::Deleted(2),
                StatusValue::DeletedStorage(9_223_372_036_854_775_807),
            ],
        }),
    ]
}

/// FETCH data (RFC 3501 §7.4.2): every `FetchValue` variant, sections with origins,
/// NIL and literal data.
pub fn constructed_fetch_items() -> Vec<Vec<FetchValue>> {
    let when = DateTime {
        date: Date {
            year: 1996,
            month: 7,
            day: 17,
        },
        hour: 2,
        minute: 44,
        second: 25,
        zone_minutes: -420,
    };
    let section = |part: Vec<u32>, text: Option<SectionText>| Section { part, text };
    // RFC 7162 §3.1.4.2.
    let extra = vec![vec![
        FetchValue::Uid(4),
        FetchValue::ModSeq(65402),
        FetchValue::Flags(vec![Flag::Seen]),
    ]];
    vec![
        vec![
            FetchValue::Flags(vec![
                Flag::Seen,
                Flag::Recent,
                Flag::Keyword("$Junk".into()),
            ]),
            FetchValue::InternalDate(when),
            FetchValue::Rfc822Size(4286),
            FetchValue::Uid(4_827_313),
        ],
        vec![FetchValue::Flags(vec![])],
        vec![FetchValue::Envelope(Arc::new(envelope()))],
        vec![FetchValue::Envelope(Arc::default())],
        vec![FetchValue::BodyStructure(Box::new(bodystructure(true)))],
        vec![FetchValue::Body(Box::new(bodystructure(false)))],
        vec![FetchValue::Body(Box::new(text_part(
            "PLAIN", 3028, 92, None,
        )))],
        vec![
            FetchValue::BodySection {
                section: section(vec![], None),
                origin: None,
                data: Some(b"Subject: hi\r\n\r\nbody\r\n".to_vec()),
            },
            FetchValue::BodySection {
                section: section(vec![], Some(SectionText::Header)),
                origin: Some(0),
                data: Some(b("Date")),
            },
            FetchValue::BodySection {
                section: section(
                    vec![],
                    Some(SectionText::HeaderFields(vec![b("DATE"), b("FROM")])),
                ),
                origin: None,
                data: Some(b"From: a@b\r\n\r\n".to_vec()),
            },
            FetchValue::BodySection {
                section: section(
                    vec![1],
                    Some(SectionText::HeaderFieldsNot(vec![b("X-Spam")])),
                ),
                origin: None,
                data: None,
            },
            FetchValue::BodySection {
                section: section(vec![1, 2], Some(SectionText::Mime)),
                origin: Some(100),
                data: Some(vec![]),
            },
            FetchValue::BodySection {
                section: section(vec![4, 2, 1], Some(SectionText::Text)),
                origin: Some(4_294_967_295),
                // 8-bit octets force a literal; NUL may not appear even there (RFC 3501 §9
                // `CHAR8 = %x01-ff`).
                data: Some(vec![0xff, 0x80, b'x']),
            },
        ],
        vec![
            FetchValue::Rfc822(Some(b"a\r\nb".to_vec())),
            FetchValue::Rfc822Header(None),
            FetchValue::Rfc822Text(Some(b("text"))),
        ],
        // RFC 3516 §4.3: a literal8 is parsed back as one, NUL or not.
        vec![
            FetchValue::Binary {
                part: vec![1, 2],
                origin: Some(7),
                data: Some(vec![0, b'a', 0xff]),
                literal8: true,
            },
            FetchValue::Binary {
                part: vec![],
                origin: None,
                data: Some(b("plain")),
                literal8: true,
            },
            FetchValue::Binary {
                part: vec![3],
                origin: None,
                data: None,
                literal8: false,
            },
            FetchValue::BinarySize {
                part: vec![3],
                size: 4_294_967_295,
            },
        ],
    ]
    .into_iter()
    .chain(extra)
    .collect()
}

/// Constructed commands: every `CommandBody` variant (RFC 3501 §6, and IDLE, UIDPLUS, MOVE,
/// UNSELECT, NAMESPACE, ENABLE, ID).
pub fn constructed_commands() -> Vec<Command> {
    let mbx = |s: &str| MailboxName(s.into());
    let star = SequenceSet(vec![SeqRange {
        start: SeqBound::Num(1),
        end: SeqBound::Star,
    }]);
    let date = Date {
        year: 1994,
        month: 2,
        day: 1,
    };
    #[allow(unused_mut)]
    let mut bodies = vec![
        CommandBody::Capability,
        CommandBody::Noop,
        CommandBody::Logout,
        CommandBody::StartTls,
        CommandBody::Authenticate {
            mechanism: "PLAIN".into(),
            initial_response: None,
        },
        CommandBody::Authenticate {
            mechanism: "PLAIN".into(),
            initial_response: Some("AGFsaWNlAGFsaWNl".into()),
        },
        CommandBody::Authenticate {
            mechanism: "PLAIN".into(),
            initial_response: Some("=".into()),
        },
        CommandBody::Login {
            username: b("alice"),
            password: b"p\"a\\ss word\xc3\xa9".to_vec(),
        },
        CommandBody::Select {
            mailbox: mbx("INBOX"),
            params: vec![],
        },
        CommandBody::Examine {
            mailbox: mbx("Sent Items"),
            params: vec![],
        },
        // RFC 7162 §3.1.8, §3.2.5.
        CommandBody::Select {
            mailbox: mbx("INBOX"),
            params: vec![SelectParam::CondStore],
        },
        CommandBody::Examine {
            mailbox: mbx("INBOX"),
            params: vec![SelectParam::QResync(QResync {
                uid_validity: 67_890_007,
                mod_seq: 90_060_115_194_045_000,
                known_uids: Some(seq(&[(1, 29997)])),
                seq_match: Some((
                    seq(&[(5000, 5000), (9990, 9999)]),
                    seq(&[(15000, 15000), (29970, 29979)]),
                )),
            })],
        },
        CommandBody::Select {
            mailbox: mbx("INBOX"),
            params: vec![SelectParam::QResync(QResync {
                uid_validity: 1,
                mod_seq: (1 << 63) - 1,
                known_uids: None,
                seq_match: None,
            })],
        },
        CommandBody::Create {
            mailbox: mbx("a/b/"),
            special_use: None,
        },
        CommandBody::Create {
            mailbox: mbx("My Drafts"),
            special_use: Some(vec!["Drafts".into(), "Sent".into()]),
        },
        CommandBody::Create {
            mailbox: mbx("x"),
            special_use: Some(vec![]),
        },
        CommandBody::Delete { mailbox: mbx("a") },
        CommandBody::Rename {
            from: mbx("INBOX"),
            to: mbx("&AOk-t&AOk-"),
        },
        CommandBody::Subscribe { mailbox: mbx("x") },
        CommandBody::Unsubscribe { mailbox: mbx("x") },
        CommandBody::List {
            reference: mbx(""),
            pattern: mbx("%/*"),
        },
        CommandBody::ListExtended {
            select: Some(vec![
                ListSelectOpt::Subscribed,
                ListSelectOpt::Remote,
                ListSelectOpt::RecursiveMatch,
                ListSelectOpt::SpecialUse,
            ]),
            reference: mbx("a b"),
            patterns: vec![mbx("%"), mbx("x y/*"), mbx("")],
            parenthesized: true,
            ret: Some(vec![
                ListReturnOpt::Subscribed,
                ListReturnOpt::Children,
                ListReturnOpt::SpecialUse,
                ListReturnOpt::Status(vec![StatusItem::Messages, StatusItem::HighestModSeq]),
            ]),
        },
        CommandBody::ListExtended {
            select: Some(vec![]),
            reference: mbx(""),
            patterns: vec![mbx("*")],
            parenthesized: false,
            ret: Some(vec![]),
        },
        CommandBody::ListExtended {
            select: None,
            reference: mbx(""),
            patterns: vec![mbx("*")],
            parenthesized: true,
            ret: None,
        },
        CommandBody::Lsub {
            reference: mbx("Archive/"),
            pattern: mbx("*"),
        },
        CommandBody::Status {
            mailbox: mbx("INBOX"),
            items: vec![
                StatusItem::Messages,
                StatusItem::Recent,
                StatusItem::UidNext,
                StatusItem::UidValidity,
                StatusItem::Unseen,
            ],
        },
        CommandBody::Append {
            mailbox: mbx("Drafts"),
            flags: vec![Flag::Seen, Flag::Draft, Flag::Keyword("$x".into())],
            date: Some(DateTime {
                date: Date {
                    year: 2024,
                    month: 1,
                    day: 5,
                },
                hour: 9,
                minute: 0,
                second: 59,
                zone_minutes: 330,
            }),
            message: b"Subject: x\r\n\r\nhi\r\n".to_vec(),
            more: vec![],
            catenate: None,
        },
        CommandBody::Append {
            mailbox: mbx("Drafts"),
            flags: vec![],
            date: None,
            message: vec![],
            more: vec![],
            catenate: None,
        },
        // RFC 3502 §6: MULTIAPPEND.
        CommandBody::Append {
            mailbox: mbx("Drafts"),
            flags: vec![Flag::Flagged],
            date: None,
            message: b"one".to_vec(),
            more: vec![
                AppendMessage {
                    flags: vec![],
                    date: None,
                    message: b"two".to_vec(),
                    catenate: None,
                },
                AppendMessage {
                    flags: vec![Flag::Seen, Flag::Keyword("$x".into())],
                    date: None,
                    message: vec![],
                    catenate: None,
                },
            ],
            catenate: None,
        },
        CommandBody::Namespace,
        CommandBody::Enable {
            capabilities: vec!["CONDSTORE".into()],
        },
        CommandBody::Id { parameters: None },
        CommandBody::Id {
            parameters: Some(vec![(b("name"), Some(b("kat"))), (b("os"), None)]),
        },
        CommandBody::Idle,
        CommandBody::Check,
        CommandBody::Close,
        CommandBody::Expunge,
        CommandBody::Unselect,
        CommandBody::UidExpunge {
            set: seq(&[(1, 3), (7, 7)]),
        },
        CommandBody::UidExpunge {
            set: SequenceSet::last_result(),
        },
        CommandBody::CancelUpdate {
            tags: vec!["B01".into(), "a \"b\"".into()],
        },
        CommandBody::Search {
            charset: Some("UTF-8".into()),
            criteria: vec![
                SearchKey::Or(
                    Box::new(SearchKey::From(b("alice"))),
                    Box::new(SearchKey::Not(Box::new(SearchKey::Seen))),
                ),
                SearchKey::And(vec![
                    SearchKey::Since(date),
                    SearchKey::Before(date),
                    SearchKey::On(date),
                    SearchKey::SentBefore(date),
                    SearchKey::SentOn(date),
                    SearchKey::SentSince(date),
                ]),
                SearchKey::Header(b("X-Mailer"), b("")),
                SearchKey::Subject(b"caf\xc3\xa9".to_vec()),
                SearchKey::Larger(100),
                SearchKey::Smaller(10_000),
                SearchKey::Uid(star.clone()),
                SearchKey::SequenceSet(seq(&[(2, 4)])),
                SearchKey::Keyword("$Junk".into()),
                SearchKey::Unkeyword("$NotJunk".into()),
            ],
            uid: false,
            ret: Some(vec![
                SearchReturnOpt::Min,
                SearchReturnOpt::Max,
                SearchReturnOpt::All,
                SearchReturnOpt::Count,
                SearchReturnOpt::Save,
            ]),
        },
        CommandBody::Search {
            charset: None,
            criteria: vec![
                SearchKey::All,
                SearchKey::Answered,
                SearchKey::Bcc(b("b")),
                SearchKey::Body(b("two words")),
                SearchKey::Cc(b("c")),
                SearchKey::Deleted,
                SearchKey::Draft,
                SearchKey::Flagged,
                SearchKey::New,
                SearchKey::Old,
                SearchKey::Recent,
                SearchKey::Text(b("t")),
                SearchKey::To(b("to")),
                SearchKey::Unanswered,
                SearchKey::Undeleted,
                SearchKey::Undraft,
                SearchKey::Unflagged,
                SearchKey::Unseen,
            ],
            uid: true,
            ret: Some(vec![]),
        },
        // RFC 5256 §3, RFC 5957.
        CommandBody::Sort {
            criteria: vec![
                SortCriterion {
                    reverse: true,
                    key: SortKey::Date,
                },
                SortCriterion {
                    reverse: false,
                    key: SortKey::DisplayTo,
                },
            ],
            charset: "US-ASCII".into(),
            search: vec![SearchKey::Subject(b("a b")), SearchKey::Uid(star.clone())],
            uid: true,
            // RFC 5267 §5 `extended-sort`.
            #[cfg(feature = "sort-thread")]
            ret: Some(vec![
                SearchReturnOpt::Count,
                SearchReturnOpt::Partial(500, 400),
                SearchReturnOpt::Update(vec![]),
                SearchReturnOpt::Context,
            ]),
        },
        CommandBody::Thread {
            algorithm: ThreadAlgorithm::References,
            charset: "UTF-8".into(),
            search: vec![SearchKey::All],
            uid: false,
        },
        CommandBody::Fetch {
            set: star.clone(),
            items: FetchItems::All,
            uid: false,
            modifiers: FetchModifiers::default(),
        },
        CommandBody::Fetch {
            set: seq(&[(1, 1)]),
            items: FetchItems::Fast,
            uid: false,
            modifiers: FetchModifiers::default(),
        },
        CommandBody::Fetch {
            set: seq(&[(1, 1)]),
            items: FetchItems::Full,
            uid: true,
            modifiers: FetchModifiers::default(),
        },
        CommandBody::Fetch {
            set: seq(&[(2, 4)]),
            items: FetchItems::List {
                items: vec![
                    FetchAtt::Envelope,
                    FetchAtt::Flags,
                    FetchAtt::InternalDate,
                    FetchAtt::Rfc822,
                    FetchAtt::Rfc822Header,
                    FetchAtt::Rfc822Size,
                    FetchAtt::Rfc822Text,
                    FetchAtt::Body,
                    FetchAtt::BodyStructure,
                    FetchAtt::Uid,
                    FetchAtt::BodySection {
                        peek: true,
                        section: Section {
                            part: vec![],
                            text: Some(SectionText::HeaderFields(vec![b("FROM"), b("TO")])),
                        },
                        partial: Some((0, 100)),
                    },
                    FetchAtt::BodySection {
                        peek: false,
                        section: Section {
                            part: vec![1, 2],
                            text: Some(SectionText::Mime),
                        },
                        partial: None,
                    },
                    // RFC 3516 §7.
                    FetchAtt::Binary {
                        peek: true,
                        part: vec![2],
                        partial: Some((4, 6)),
                    },
                    FetchAtt::Binary {
                        peek: false,
                        part: vec![],
                        partial: None,
                    },
                    FetchAtt::BinarySize { part: vec![1, 1] },
                ],
                parenthesized: true,
            },
            uid: false,
            modifiers: FetchModifiers::default(),
        },
        CommandBody::Fetch {
            set: seq(&[(1, 1)]),
            items: FetchItems::List {
                items: vec![FetchAtt::Uid],
                parenthesized: false,
            },
            uid: false,
            modifiers: FetchModifiers::default(),
        },
        CommandBody::Store {
            set: seq(&[(1, 1)]),
            kind: StoreKind::Replace,
            silent: false,
            flags: vec![],
            uid: false,
            unchanged_since: None,
        },
        CommandBody::Store {
            set: seq(&[(1, 5)]),
            kind: StoreKind::Add,
            silent: true,
            flags: vec![Flag::Deleted],
            uid: true,
            unchanged_since: None,
        },
        CommandBody::Store {
            set: star.clone(),
            kind: StoreKind::Remove,
            silent: false,
            flags: vec![Flag::Seen, Flag::Keyword("foo".into())],
            uid: false,
            unchanged_since: None,
        },
        // RFC 7162 §3.1.3, §3.1.4, §3.1.5, §3.1.7, §3.2.6.
        CommandBody::Store {
            set: seq(&[(4, 4), (6, 6), (8, 8)]),
            kind: StoreKind::Add,
            silent: true,
            flags: vec![Flag::Deleted],
            uid: true,
            unchanged_since: Some(12_121_230_045),
        },
        CommandBody::Store {
            set: seq(&[(12, 12)]),
            kind: StoreKind::Add,
            silent: true,
            flags: vec![Flag::Keyword("$MDNSent".into())],
            uid: false,
            unchanged_since: Some(0),
        },
        CommandBody::Fetch {
            set: seq(&[(300, 500)]),
            items: FetchItems::List {
                items: vec![FetchAtt::Flags, FetchAtt::ModSeq],
                parenthesized: true,
            },
            uid: true,
            modifiers: FetchModifiers {
                changed_since: Some(12345),
                vanished: true,
            },
        },
        CommandBody::Fetch {
            set: seq(&[(1, 3)]),
            items: FetchItems::List {
                items: vec![FetchAtt::ModSeq],
                parenthesized: false,
            },
            uid: false,
            modifiers: FetchModifiers {
                changed_since: Some(1),
                vanished: false,
            },
        },
        CommandBody::Search {
            charset: None,
            criteria: vec![
                SearchKey::ModSeq {
                    entry: Some((b("/flags/\\draft"), EntryType::All)),
                    mod_seq: 620_162_338,
                },
                SearchKey::Not(Box::new(SearchKey::ModSeq {
                    entry: None,
                    mod_seq: 0,
                })),
                SearchKey::ModSeq {
                    entry: Some((b("/flags/$mdnsent"), EntryType::Priv)),
                    mod_seq: 1,
                },
                SearchKey::ModSeq {
                    entry: Some((b("/flags/seen"), EntryType::Shared)),
                    mod_seq: 2,
                },
            ],
            uid: false,
            ret: None,
        },
        CommandBody::Status {
            mailbox: mbx("blurdybloop"),
            items: vec![StatusItem::UidNext, StatusItem::HighestModSeq],
        },
        CommandBody::Copy {
            set: seq(&[(1, 3)]),
            mailbox: mbx("Trash"),
            uid: false,
        },
        CommandBody::Copy {
            set: seq(&[(10, 10), (12, 12)]),
            mailbox: mbx("x y"),
            uid: true,
        },
        CommandBody::Move {
            set: seq(&[(4, 4)]),
            mailbox: mbx("Archive"),
            uid: false,
        },
        CommandBody::Move {
            set: star,
            mailbox: mbx("Archive"),
            uid: true,
        },
    ];
    #[cfg(feature = "catenate")]
    bodies.extend([
        // RFC 4469 §5 CATENATE, alone and in a MULTIAPPEND (RFC 3502 §6).
        CommandBody::Append {
            mailbox: mbx("Drafts"),
            flags: vec![Flag::Draft],
            date: None,
            message: vec![],
            more: vec![AppendMessage {
                flags: vec![],
                date: None,
                message: vec![],
                catenate: Some(vec![CatPart::Url("imap://alice@h/INBOX/;UID=1".into())]),
            }],
            catenate: Some(vec![
                CatPart::Text(b"Subject: x\r\n\r\n".to_vec()),
                CatPart::Url("/INBOX;UIDVALIDITY=1/;UID=2/;SECTION=HEADER.FIELDS%20(TO)".into()),
                CatPart::Text(b"".to_vec()),
            ]),
        },
    ]);
    #[cfg(feature = "quota")]
    bodies.extend([
        // RFC 9208 §7.
        CommandBody::GetQuota { root: "".into() },
        CommandBody::GetQuota {
            root: "#user/a b".into(),
        },
        CommandBody::GetQuotaRoot {
            mailbox: mbx("Archive/2024"),
        },
        CommandBody::SetQuota {
            root: "".into(),
            limits: vec![("STORAGE".into(), 0), ("MESSAGE".into(), 10)],
        },
        CommandBody::SetQuota {
            root: "x".into(),
            limits: vec![],
        },
    ]);
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| Command {
            tag: Tag(format!("k{i}")),
            body,
        })
        .collect()
}

/// encode then parse gives back the same value, for every constructed response and command;
/// the parse uses exactly the encoded octets.
pub fn check_constructed_roundtrip() -> usize {
    let responses = constructed_responses();
    for r in &responses {
        let mut out = Vec::new();
        encode_response(r, &mut out);
        let (back, used) = parse_response(&out)
            .unwrap_or_else(|e| panic!("{:?} does not parse: {e:?}\n{r:?}", show(&out)));
        assert_eq!(&back, r, "{:?}", show(&out));
        assert_eq!(used, out.len(), "{:?}", show(&out));
    }
    let commands = constructed_commands();
    for c in &commands {
        let mut out = Vec::new();
        encode_command(c, &mut out);
        let back = parse_command(&out)
            .unwrap_or_else(|e| panic!("{:?} does not parse: {e:?}\n{c:?}", show(&out)));
        assert_eq!(&back, c, "{:?}", show(&out));
    }
    responses.len() + commands.len()
}

/// RFC 5465 (NOTIFY) client commands. The RFC prints its §3.1 example as `(selected MessageNew
/// (uid ...) MessageExpunge)` and `(subtree Lists MessageNew)`: its own grammar (§8 `events =
/// ( "(" event *(SP event) ")" ) / "NONE"`) puts the events in parentheses, and §5 makes
/// MessageNew without MessageExpunge a BAD, so the vectors here are the corrected forms (the
/// printed ones are checked to be refused by [`check_rfc5465`]). Names are upper case, as the
/// encoder writes them; §8 makes every keyword case-insensitive.
pub fn rfc5465_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§3.1 b", b"b NOTIFY SET STATUS (SELECTED (MessageNew (UID BODY.PEEK[HEADER.FIELDS (from to subject)]) MessageExpunge)) (SUBTREE Lists (MessageNew MessageExpunge))\r\n"),
        ("§3.1 e", b"e NOTIFY SET (SELECTED (MessageNew (UID BODY.PEEK[HEADER.FIELDS (from to subject)]) MessageExpunge)) (SUBTREE Lists (MessageNew MessageExpunge)) (MAILBOXES misc (MessageNew MessageExpunge))\r\n"),
        ("§6 first", b"a NOTIFY SET (MAILBOXES INBOX (MessageNew MessageExpunge)) (PERSONAL (SubscriptionChange))\r\n"),
        ("§6 second", b"a NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge)) (PERSONAL (MessageNew FlagChange MessageExpunge))\r\n"),
        ("§3.1 NONE", b"a NOTIFY NONE\r\n"),
        ("§6.1.2, §6.5, §6.6", b"a NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge)) (SUBTREE (Lists \"Other Lists\") (MailboxName)) (MAILBOXES (a b) NONE) (INBOXES (MessageNew MessageExpunge)) (SUBSCRIBED (SubscriptionChange))\r\n"),
        ("§8 event-ext", b"a NOTIFY SET (PERSONAL (AnnotationChange MailboxMetadataChange ServerMetadataChange X-Future))\r\n"),
    ]
}

/// RFC 5465 server responses, as printed (names the RFC quotes without need are bare, as the
/// encoder writes them).
pub fn rfc5465_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§3.1", b"* STATUS Lists/Lemonade (UIDVALIDITY 4 UIDNEXT 9999 MESSAGES 500)\r\n"),
        ("§3.1", b"* STATUS Lists/Im2000 (UIDVALIDITY 901 UIDNEXT 1 MESSAGES 0)\r\n"),
        ("§3.1", b"* STATUS Lists/Lemonade (UIDVALIDITY 4 UIDNEXT 10000 MESSAGES 501)\r\n"),
        ("§3.1", b"* STATUS misc (UIDVALIDITY 1 UIDNEXT 999)\r\n"),
        ("§5.1", b"* 99 FETCH (UID 9999 FLAGS ($Junk))\r\n"),
        ("§5.1", b"* STATUS Lists/Lemonade (HIGHESTMODSEQ 65666665 UIDVALIDITY 101)\r\n"),
        ("§5.2", b"* 444 EXISTS\r\n"),
        ("§5.2", b"* 444 FETCH (UID 9999)\r\n"),
        ("§5.2", b"* STATUS Lists/Lemonade (UIDNEXT 10002 MESSAGES 503)\r\n"),
        ("§5.3", b"* 444 EXPUNGE\r\n"),
        ("§5.3", b"* VANISHED 5444\r\n"),
        ("§5.3", b"* STATUS misc (UIDNEXT 999 MESSAGES 554)\r\n"),
        ("§5.4", b"* LIST () \"/\" NewMailbox\r\n"),
        ("§5.4", b"* LIST (\\NonExistent) \".\" INBOX.DeletedMailbox\r\n"),
        ("§5.4", b"* LIST () \"/\" NewMailbox (\"OLDNAME\" (OldMailbox))\r\n"),
        ("§5.5", b"* LIST (\\Subscribed) \"/\" SubscribedMailbox\r\n"),
        ("§5.8", b"* OK [NOTIFICATIONOVERFLOW] ...A comment can go here...\r\n"),
        ("§3.1 BADEVENT", b"a NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] Unsupported\r\n"),
    ]
}

/// parse then encode gives the same octets for every RFC 5465 vector, both ways; the §5.4
/// example quoted as `"NewMailbox"` parses to the same value; lower-case keywords parse like
/// upper-case ones (§8); the §3.1 example as printed is refused.
pub fn check_rfc5465() -> usize {
    for (section, bytes) in rfc5465_commands() {
        let cmd = parse_command(bytes)
            .unwrap_or_else(|e| panic!("RFC 5465 {section}: {:?}: {e:?}", show(bytes)));
        let mut out = Vec::new();
        encode_command(&cmd, &mut out);
        assert_eq!(show(&out), show(bytes), "RFC 5465 {section}: {cmd:?}");
        assert_eq!(parse_command(&out).expect("parses again"), cmd);
    }
    for (section, bytes) in rfc5465_responses() {
        let (resp, used) = parse_response(bytes)
            .unwrap_or_else(|e| panic!("RFC 5465 {section}: {:?}: {e:?}", show(bytes)));
        assert_eq!(used, bytes.len(), "RFC 5465 {section}");
        let mut out = Vec::new();
        encode_response(&resp, &mut out);
        assert_eq!(show(&out), show(bytes), "RFC 5465 {section}: {resp:?}");
    }
    let same = [
        (
            &b"* LIST () \"/\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\"))\r\n"[..],
            &b"* LIST () \"/\" NewMailbox (OLDNAME (OldMailbox))\r\n"[..],
        ),
        (
            b"* LIST () \"/\" \"NewMailbox\"\r\n",
            b"* LIST () \"/\" NewMailbox\r\n",
        ),
    ];
    for (a, b) in same {
        assert_eq!(parse_response(a).unwrap().0, parse_response(b).unwrap().0);
    }
    let lower: &[(&[u8], &[u8])] = &[
        (
            b"a notify set (mailboxes INBOX (Messagenew messageExpunge)) (personal (SubscriptionChange))\r\n",
            b"a NOTIFY SET (MAILBOXES INBOX (MessageNew MessageExpunge)) (PERSONAL (SubscriptionChange))\r\n",
        ),
        (
            b"a notify set (selected (Messagenew (uid flags) messageExpunge)) (personal (MessageNew FlagChange MessageExpunge))\r\n",
            b"a NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge)) (PERSONAL (MessageNew FlagChange MessageExpunge))\r\n",
        ),
        (b"a notify none\r\n", b"a NOTIFY NONE\r\n"),
    ];
    for (printed, canonical) in lower {
        assert_eq!(
            parse_command(printed).expect("lower case parses"),
            parse_command(canonical).expect("canonical parses")
        );
    }
    let refused: &[&[u8]] = &[
        b"b notify set status (selected MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge) (subtree Lists MessageNew)\r\n",
        b"a NOTIFY\r\n",
        b"a NOTIFY SET\r\n",
        b"a NOTIFY SET STATUS\r\n",
        b"a NOTIFY SET ()\r\n",
        b"a NOTIFY SET (PERSONAL)\r\n",
        b"a NOTIFY SET (PERSONAL ())\r\n",
        b"a NOTIFY SET (SUBTREE (MailboxName))\r\n",
        b"a NOTIFY SET (MAILBOXES () (MailboxName))\r\n",
        b"a NOTIFY SET (EVERYWHERE (MailboxName))\r\n",
        b"a NOTIFY SET (PERSONAL (MailboxName)) \r\n",
        b"a NOTIFY SET (PERSONAL (MessageNew (UID) MessageExpunge)\r\n",
        b"a NOTIFY SET STATUSX (PERSONAL (MailboxName))\r\n",
        b"a NOTIFY NONE (PERSONAL (MailboxName))\r\n",
        b"a NOTIFY SOMETIMES\r\n",
    ];
    check_unparsed(refused);
    rfc5465_commands().len() + rfc5465_responses().len() + same.len() + lower.len() + refused.len()
}

/// RFC 5258 (LIST-EXTENDED) §5, RFC 5819 (LIST-STATUS) §3 and RFC 6154 (SPECIAL-USE) §5
/// client commands, in the encoder's form: names and patterns the RFCs quote without need are
/// bare (the printed forms are checked to parse to the same value by [`check_list_extensions`]).
pub fn list_extension_commands() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("RFC 5258 §5 2", b"A02 LIST (SUBSCRIBED) \"\" *\r\n"),
        ("RFC 5258 §5 3", b"A03 LIST () \"\" % RETURN (CHILDREN)\r\n"),
        (
            "RFC 5258 §5 4",
            b"A04 LIST (REMOTE) \"\" % RETURN (CHILDREN)\r\n",
        ),
        ("RFC 5258 §5 5", b"A05 LIST (REMOTE SUBSCRIBED) \"\" *\r\n"),
        (
            "RFC 5258 §5 6",
            b"A06 LIST (REMOTE) \"\" * RETURN (SUBSCRIBED)\r\n",
        ),
        ("RFC 5258 §5 7", b"BBB LIST \"\" (INBOX Drafts Sent/%)\r\n"),
        ("RFC 5258 §5 8", b"CA3 LIST \"\" % RETURN (CHILDREN)\r\n"),
        (
            "RFC 5258 §5 8",
            b"C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %\r\n",
        ),
        (
            "RFC 5258 §5 8 C",
            b"C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (CHILDREN)\r\n",
        ),
        (
            "RFC 5258 §5 9",
            b"D03 LIST (RECURSIVEMATCH SUBSCRIBED) \"\" *2\r\n",
        ),
        ("RFC 5258 §5 10", b"a1 LIST \"\" (foo foo/*)\r\n"),
        ("RFC 5258 §5 10", b"a2 LIST (SUBSCRIBED) \"\" foo/*\r\n"),
        (
            "RFC 5258 §5 10",
            b"a3 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" foo RETURN (CHILDREN)\r\n",
        ),
        ("RFC 5258 §5 11", b"a1 LIST (REMOTE) \"\" *\r\n"),
        ("RFC 5258 §5 11", b"a2 LIST () \"\" %\r\n"),
        ("RFC 5258 §5 11", b"a3.1 LIST \"\" (% music/rock)\r\n"),
        (
            "RFC 5819 §3",
            b"A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))\r\n",
        ),
        (
            "RFC 5819 §3",
            b"A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES))\r\n",
        ),
        ("RFC 6154 §5.1", b"t1 LIST \"\" %\r\n"),
        ("RFC 6154 §5.2", b"t2 LIST \"\" % RETURN (SPECIAL-USE)\r\n"),
        ("RFC 6154 §5.2", b"t3 LIST (SPECIAL-USE) \"\" *\r\n"),
        (
            "RFC 6154 §5.3",
            b"t2 CREATE MySpecial (USE (\\Drafts \\Sent))\r\n",
        ),
        ("RFC 6154 §5.3", b"t3 CREATE Everything (USE (\\All))\r\n"),
    ]
}

/// The responses of the same examples, as printed and (where the encoder writes them
/// differently: bare names, INBOX in capitals as any case of it is (RFC 3501 §5.1),
/// `\Noinferiors` and `\Noselect` as RFC 3501 §9 spells them, the CHILDINFO tag quoted) as
/// encoded. Long lines the RFCs fold are joined with one SP.
pub fn list_extension_responses() -> Vec<(&'static str, &'static [u8], &'static [u8])> {
    vec![
        ("RFC 5258 §5 1", b"* LIST (\\Marked \\NoInferiors) \"/\" \"inbox\"\r\n", b"* LIST (\\Marked \\Noinferiors) \"/\" INBOX\r\n"),
        ("RFC 5258 §5 1", b"* LIST () \"/\" \"Fruit/Apple\"\r\n", b"* LIST () \"/\" Fruit/Apple\r\n"),
        ("RFC 5258 §5 2", b"* LIST (\\Marked \\NoInferiors \\Subscribed) \"/\" \"inbox\"\r\n", b"* LIST (\\Marked \\Noinferiors \\Subscribed) \"/\" INBOX\r\n"),
        ("RFC 5258 §5 2", b"* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n", b"* LIST (\\Subscribed \\NonExistent) \"/\" Fruit/Peach\r\n"),
        ("RFC 5258 §5 3", b"* LIST (\\HasChildren) \"/\" \"Fruit\"\r\n", b"* LIST (\\HasChildren) \"/\" Fruit\r\n"),
        ("RFC 5258 §5 3", b"* LIST (\\HasNoChildren) \"/\" \"Tofu\"\r\n", b"* LIST (\\HasNoChildren) \"/\" Tofu\r\n"),
        ("RFC 5258 §5 4", b"* LIST (\\Remote) \"/\" \"Bread\"\r\n", b"* LIST (\\Remote) \"/\" Bread\r\n"),
        ("RFC 5258 §5 4", b"* LIST (\\HasChildren \\Remote) \"/\" \"Meat\"\r\n", b"* LIST (\\HasChildren \\Remote) \"/\" Meat\r\n"),
        ("RFC 5258 §5 7", b"* LIST (\\NoInferiors) \"/\" \"Drafts\"\r\n", b"* LIST (\\Noinferiors) \"/\" Drafts\r\n"),
        ("RFC 5258 §5 7", b"* LIST (\\Marked) \"/\" \"Sent/December2003\"\r\n", b"* LIST (\\Marked) \"/\" Sent/December2003\r\n"),
        ("RFC 5258 §5 8", b"* LIST () \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", b"* LIST () \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        ("RFC 5258 §5 8 A1", b"* LIST (\\Subscribed \\HasChildren) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", b"* LIST (\\Subscribed \\HasChildren) \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        ("RFC 5258 §5 8 A2", b"* LIST (\\NonExistent) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", b"* LIST (\\NonExistent) \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        ("RFC 5258 §5 8 C", b"* LIST (\\HasChildren \\Subscribed) \"/\" \"Foo\"\r\n", b"* LIST (\\HasChildren \\Subscribed) \"/\" Foo\r\n"),
        ("RFC 5258 §5 9", b"* LIST (\\Subscribed) \"/\" \"eps2\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", b"* LIST (\\Subscribed) \"/\" eps2 (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        ("RFC 5258 §5 9", b"* LIST (\\NonExistent) \"/\" \"qux2\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", b"* LIST (\\NonExistent) \"/\" qux2 (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        ("RFC 5258 §5 10", b"* LIST () \"/\" foo\r\n", b""),
        ("RFC 5258 §5 10", b"* LIST (\\Subscribed \\NonExistent) \"/\" foo/bar\r\n", b""),
        ("RFC 5258 §5 10", b"* LIST (\\HasNoChildren) \"/\" foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", b""),
        ("RFC 5258 §5 11", b"* LIST (\\Remote) \"/\" also/jazz\r\n", b""),
        ("RFC 5258 §5 11", b"* LIST (\\NonExistent \\HasChildren) \"/\" music\r\n", b""),
        ("RFC 5819 §3", b"* STATUS \"INBOX\" (MESSAGES 17 UNSEEN 16)\r\n", b"* STATUS INBOX (MESSAGES 17 UNSEEN 16)\r\n"),
        ("RFC 5819 §3", b"* LIST () \".\" \"foo\"\r\n", b"* LIST () \".\" foo\r\n"),
        ("RFC 5819 §3", b"* STATUS \"foo\" (MESSAGES 30 UNSEEN 29)\r\n", b"* STATUS foo (MESSAGES 30 UNSEEN 29)\r\n"),
        ("RFC 5819 §3", b"* LIST (\\NoSelect) \".\" \"bar\"\r\n", b"* LIST (\\Noselect) \".\" bar\r\n"),
        ("RFC 5819 §3", b"A01 OK List completed.\r\n", b""),
        ("RFC 5819 §3", b"* STATUS \"INBOX\" (MESSAGES 17)\r\n", b"* STATUS INBOX (MESSAGES 17)\r\n"),
        ("RFC 5819 §3", b"* LIST () \".\" \"foo\" (CHILDINFO (\"SUBSCRIBED\"))\r\n", b"* LIST () \".\" foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        ("RFC 6154 §5.1", b"* LIST (\\Marked \\HasNoChildren) \"/\" Inbox\r\n", b"* LIST (\\Marked \\HasNoChildren) \"/\" INBOX\r\n"),
        ("RFC 6154 §5.1", b"* LIST (\\Sent \\HasNoChildren) \"/\" SentMail\r\n", b""),
        ("RFC 6154 §5.1", b"* LIST (\\Marked \\Drafts \\HasNoChildren) \"/\" MyDrafts\r\n", b""),
        ("RFC 6154 §5.1", b"* LIST (\\Trash \\HasNoChildren) \"/\" Trash\r\n", b""),
        ("RFC 6154 §5.2", b"* CAPABILITY IMAP4rev1 SPECIAL-USE\r\n", b""),
        ("RFC 6154 §5.2", b"* LIST (\\Sent) \"/\" SentMail\r\n", b""),
        ("RFC 6154 §5.3", b"* CAPABILITY IMAP4rev1 CREATE-SPECIAL-USE\r\n", b""),
        ("RFC 6154 §5.3", b"t2 OK MySpecial created\r\n", b""),
        ("RFC 6154 §5.3", b"t3 NO [USEATTR] \\All not supported\r\n", b""),
    ]
}

/// parse then encode gives the encoder's form of every RFC 5258 / 5819 / 6154 example, and
/// that form parses again to the same value; the examples as printed (quoted names) parse
/// like the encoder's form; lower case parses like upper case; malformed and refused forms
/// (RECURSIVEMATCH without SUBSCRIBED, unknown options: RFC 5258 §3, §3.1) do not parse.
pub fn check_list_extensions() -> usize {
    let commands = list_extension_commands();
    for (section, bytes) in &commands {
        let cmd =
            parse_command(bytes).unwrap_or_else(|e| panic!("{section}: {:?}: {e:?}", show(bytes)));
        let mut out = Vec::new();
        encode_command(&cmd, &mut out);
        assert_eq!(show(&out), show(bytes), "{section}: {cmd:?}");
        assert_eq!(parse_command(&out).expect("parses again"), cmd);
    }
    let responses = list_extension_responses();
    for (section, printed, canonical) in &responses {
        let canonical = if canonical.is_empty() {
            printed
        } else {
            canonical
        };
        let (resp, used) = parse_response(printed)
            .unwrap_or_else(|e| panic!("{section}: {:?}: {e:?}", show(printed)));
        assert_eq!(used, printed.len(), "{section}");
        let mut out = Vec::new();
        encode_response(&resp, &mut out);
        assert_eq!(show(&out), show(canonical), "{section}: {resp:?}");
        assert_eq!(parse_response(&out).expect("parses again").0, resp);
    }
    let same: &[(&[u8], &[u8])] = &[
        (b"A02 LIST (SUBSCRIBED) \"\" \"*\"\r\n", b"A02 LIST (SUBSCRIBED) \"\" *\r\n"),
        (b"BBB LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")\r\n", b"BBB LIST \"\" (INBOX Drafts Sent/%)\r\n"),
        (b"a1 LIST \"\" (\"foo\" \"foo/*\")\r\n", b"a1 LIST \"\" (foo foo/*)\r\n"),
        (b"a list (subscribed recursivematch remote) \"\" % return (children subscribed special-use status (messages))\r\n",
         b"a LIST (SUBSCRIBED RECURSIVEMATCH REMOTE) \"\" % RETURN (CHILDREN SUBSCRIBED SPECIAL-USE STATUS (MESSAGES))\r\n"),
        (b"a create x (use (\\drafts))\r\n", b"a CREATE x (USE (\\drafts))\r\n"),
    ];
    for (printed, canonical) in same {
        assert_eq!(
            parse_command(printed).expect("printed form parses"),
            parse_command(canonical).expect("canonical form parses"),
            "{}",
            show(printed)
        );
    }
    // RFC 5819 §3 prints `(SUBSCRIBED RECURSIVEMATCH)""` with no SP, which RFC 5258 §6 `list`
    // requires; the corrected form is among the commands above.
    let refused: &[&[u8]] = &[
        b"A02 LIST (SUBSCRIBED RECURSIVEMATCH)\"\" % RETURN (STATUS (MESSAGES))\r\n",
        b"a LIST (RECURSIVEMATCH) \"\" %\r\n",
        b"a LIST (REMOTE RECURSIVEMATCH) \"\" %\r\n",
        b"a LIST (SPECIAL-USE RECURSIVEMATCH) \"\" *\r\n",
        b"a LIST (FOO) \"\" %\r\n",
        b"a LIST \"\" % RETURN (FOO)\r\n",
        b"a LIST \"\" % RETURN CHILDREN\r\n",
        b"a LIST \"\" % RETURN\r\n",
        b"a LIST \"\" % CHILDREN\r\n",
        b"a LIST \"\" ()\r\n",
        b"a LIST \"\" (% )\r\n",
        b"a LIST \"\" % RETURN (STATUS ())\r\n",
        b"a LIST \"\" % RETURN (STATUS (FOO))\r\n",
        b"a LIST \"\" % RETURN (STATUS)\r\n",
        b"a LIST (SUBSCRIBED \"\" %\r\n",
        b"a CREATE x (USE)\r\n",
        b"a CREATE x ()\r\n",
        b"a CREATE x (FOO (\\Drafts))\r\n",
        b"a CREATE x (USE (Drafts))\r\n",
        b"a CREATE x (USE (\\Drafts) USE (\\Sent))\r\n",
        b"a CREATE x (USE (\\Drafts)) extra\r\n",
    ];
    check_unparsed(refused);
    commands.len() + responses.len() + same.len() + refused.len()
}

/// RFC 5465 §7 (UPDATE with fetch attributes, NOTIFY with CONTEXT=SEARCH/SORT), folded lines
/// joined with one SP; a SORT form in builds with SORT.
pub fn rfc5465_update_commands() -> Vec<(&'static str, &'static [u8])> {
    let mut out: Vec<(&'static str, &'static [u8])> = vec![
        (
            "§7",
            b"a00 SEARCH RETURN (COUNT UPDATE (UID BODY[HEADER.FIELDS (TO FROM SUBJECT)])) FROM boss\r\n",
        ),
        (
            "§7 UID",
            b"a01 UID SEARCH RETURN (UPDATE (UID FLAGS BODY.PEEK[HEADER]) COUNT) UNSEEN\r\n",
        ),
    ];
    if cfg!(feature = "sort-thread") {
        out.push((
            "§7 SORT",
            b"a02 SORT RETURN (UPDATE (ENVELOPE) MIN) (DATE) UTF-8 ALL\r\n",
        ));
    }
    out
}

/// RFC 5465 §7 server responses as printed, the malformed `* EXISTS 93` corrected to
/// `* 93 EXISTS` (RFC 3501 §7.3.1 `message-data = nz-number SP "EXISTS"`); its `a00 OK` has no
/// text, which RFC 3501 §9 `resp-text` requires, and is left out.
pub fn rfc5465_update_responses() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("§7", b"* ESEARCH (TAG \"a00\") COUNT 17\r\n"),
        ("§7", b"* 93 EXISTS\r\n"),
        (
            "§7",
            b"* 93 FETCH (UID 127001 BODY[HEADER.FIELDS (FROM TO SUBJECT)] {76}\r\nSubject: Re: good morning\r\nFrom: myboss@example.org\r\nTo: bob@example.org\r\n\r\n)\r\n",
        ),
        ("§7", b"* ESEARCH (TAG \"a00\") ADDTO (0 93)\r\n"),
    ]
}

/// parse then encode gives the same octets for every RFC 5465 §7 vector, both ways; the list
/// without a space before it (§8's ABNF) parses like the one with (§7's example); malformed
/// lists and the printed `* EXISTS 93` are refused.
pub fn check_rfc5465_update() -> usize {
    let same = [(
        &b"a00 SEARCH RETURN (COUNT UPDATE(UID BODY[HEADER.FIELDS (TO FROM SUBJECT)])) FROM \"boss\"\r\n"[..],
        &b"a00 SEARCH RETURN (COUNT UPDATE (UID BODY[HEADER.FIELDS (TO FROM SUBJECT)])) FROM boss\r\n"[..],
    )];
    for (a, b) in same {
        assert_eq!(parse_command(a).unwrap(), parse_command(b).unwrap());
    }
    let bad: &[&[u8]] = &[
        b"a SEARCH RETURN (UPDATE ()) ALL\r\n",
        b"a SEARCH RETURN (UPDATE (FOO)) ALL\r\n",
        b"a SEARCH RETURN (UPDATE (ALL)) ALL\r\n",
        b"a SEARCH RETURN (UPDATE (UID) ALL\r\n",
        b"a SEARCH RETURN (UPDATE UID) ALL\r\n",
        b"a SEARCH RETURN (UPDATE (UID  FLAGS)) ALL\r\n",
    ];
    check_unparsed(bad);
    assert!(parse_response(b"* EXISTS 93\r\n").is_err());
    check_examples(
        "RFC 5465 §7",
        &rfc5465_update_commands(),
        &rfc5465_update_responses(),
    ) + bad.len()
}
