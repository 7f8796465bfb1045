//! The server's choices for multi-accessed mailboxes: one enum per decision point that RFC 2180 and
//! RFC 2683 leave open, the [`Policies`] that hold the current value of each, named presets, and
//! the [`Citation`] a response carries when its form depends on a policy.
//!
//! Each policy is read in exactly one place in the engine (`match policies.<point>`), and each
//! variant's doc comment names the RFC paragraph it implements, or, for what a real server was
//! seen to do where no paragraph says, the server ("Dovecot 2.3 behaviour") and the transcript
//! under `tests/servers/transcripts/` that shows it.

use serde::Serialize;

use crate::quoted::Quoted;

/// Declares a policy enum with its wire names, the decision point's name and RFC reference.
macro_rules! policy_enum {
    (
        $(#[$meta:meta])*
        $name:ident, point = $point:literal, rfc = $rfc:literal, summary = $summary:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, $vrfc:literal ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// The decision point's name, as used on the command line, in the page and in tests.
            pub const POINT: &'static str = $point;
            /// Where the decision point is described.
            pub const RFC: &'static str = $rfc;
            /// One line for people.
            pub const SUMMARY: &'static str = $summary;
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every value's name, in the order of `ALL`.
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// Every value's RFC paragraph, in the order of `ALL`.
            pub const RFCS: &'static [&'static str] = &[$($vrfc),+];

            /// The value's name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The RFC paragraph this value implements.
            pub fn rfc(self) -> &'static str {
                match self { $($name::$variant => $vrfc),+ }
            }

            /// Parses a value's name.
            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

policy_enum! {
    /// A SELECT or EXAMINE of a mailbox another session has selected (RFC 2683 §3.1.1).
    SelectShared, point = "select-shared", rfc = "RFC 2683 §3.1.1",
    summary = "A second client selects a mailbox that is already selected" {
        /// Both sessions have the mailbox selected; each is told of the other's changes.
        Allow = "allow", "RFC 2683 §3.1.1";
        /// The second SELECT gets `NO [INUSE]` (RFC 9051 §7.1).
        Refuse = "refuse", "RFC 2683 §3.1.1, RFC 9051 §7.1 INUSE";
        /// The first session gets `* BYE` and is disconnected; the second SELECT succeeds.
        KickFirst = "kick-first", "RFC 2683 §3.1.1";
    }
}

policy_enum! {
    /// DELETE of a mailbox other sessions have selected (RFC 2180 §3).
    DeleteSelected, point = "delete-selected", rfc = "RFC 2180 §3",
    summary = "DELETE of a mailbox other clients have selected" {
        /// The DELETE fails with NO (RFC 2180 §3.1).
        Refuse = "refuse", "RFC 2180 §3.1";
        /// The mailbox is deleted, but the sessions that have it selected keep a "ghost" until
        /// they leave it; the name cannot be created again until then (RFC 2180 §3.2).
        Ghost = "ghost", "RFC 2180 §3.2";
        /// The mailbox is deleted and the other sessions are sent `* BYE` and disconnected
        /// (RFC 2180 §3.3).
        Bye = "bye", "RFC 2180 §3.3";
        /// The mailbox is deleted and its name is free at once; the other sessions hear nothing
        /// until their next command that reads the mailbox, which gets its data (FETCH) or a
        /// NO (STORE) and then `* BYE`; a session that deleted its own selected mailbox gets
        /// `* BYE` after the OK (Dovecot 2.3 behaviour,
        /// `tests/servers/transcripts/dovecot-2.3.19.1/rfc2180-3.2-delete-ghost.txt`,
        /// `rfc2180-3.3-delete-bye.txt`, `extra-delete-selected-elsewhere.txt`).
        ByeNext = "bye-next", "Dovecot 2.3 behaviour";
        /// The mailbox is deleted and its name is free at once; the sessions that have it
        /// selected, the deleting one included, stay selected and see every message expunged:
        /// commands on the messages get NO (Cyrus 3.6 behaviour,
        /// `tests/servers/transcripts/cyrus-3.6.1-4+deb12u5/rfc2180-3.2-delete-ghost.txt`,
        /// `extra-delete-selected-elsewhere.txt`).
        ExpungeAll = "expunge-all", "Cyrus 3.6 behaviour";
    }
}

policy_enum! {
    /// RENAME of a mailbox other sessions have selected (RFC 2180 §3).
    RenameSelected, point = "rename-selected", rfc = "RFC 2180 §3",
    summary = "RENAME of a mailbox other clients have selected" {
        /// The RENAME fails with NO (RFC 2180 §3.1).
        Refuse = "refuse", "RFC 2180 §3.1";
        /// The mailbox is renamed and the other sessions are sent `* BYE` (RFC 2180 §3.3).
        Bye = "bye", "RFC 2180 §3.3";
        /// The mailbox is renamed; the other sessions keep working on it and find out when they
        /// next use the old name (RFC 2180 §3.4).
        Rename = "rename", "RFC 2180 §3.4";
        /// As `rename`, and a NO for the old name carries `[NEWNAME old new]` (RFC 2180 §3.4).
        RenameNewname = "rename-newname", "RFC 2180 §3.4";
        /// The mailbox is renamed; the other sessions hear nothing until their next command
        /// that reads the mailbox, which gets its data and then `* BYE`; until then STATUS of
        /// the old name is answered from their selected mailbox (Dovecot 2.3 behaviour,
        /// `tests/servers/transcripts/dovecot-2.3.19.1/rfc2180-3.4-rename-plain.txt`,
        /// `extra-rename-selected-elsewhere.txt`).
        ByeNext = "bye-next", "Dovecot 2.3 behaviour";
        /// The mailbox is renamed; the sessions that had it selected, the renaming one
        /// included, stay selected on what is now nothing and see every message expunged;
        /// commands on the messages get NO (Cyrus 3.6 behaviour,
        /// `tests/servers/transcripts/cyrus-3.6.1-4+deb12u5/rfc2180-3.4-rename-newname.txt`,
        /// `extra-rename-selected-elsewhere.txt`).
        ExpungeAll = "expunge-all", "Cyrus 3.6 behaviour";
    }
}

policy_enum! {
    /// EXPUNGE while other sessions have the mailbox selected (RFC 2180 §4.1.4).
    ExpungeShared, point = "expunge-shared", rfc = "RFC 2180 §4.1.4",
    summary = "EXPUNGE while other clients have the mailbox selected" {
        /// The messages are expunged; other sessions learn of it when they may (RFC 2180 §4.1).
        Allow = "allow", "RFC 2180 §4.1";
        /// The EXPUNGE fails with NO while the mailbox is multi-accessed (RFC 2180 §4.1.4).
        Refuse = "refuse", "RFC 2180 §4.1.4";
    }
}

policy_enum! {
    /// FETCH of a message another session expunged, before this session was told (RFC 2180 §4.1).
    FetchExpunged, point = "fetch-expunged", rfc = "RFC 2180 §4.1",
    summary = "FETCH of a message another client expunged, not yet reported" {
        /// The expunged message's data is served until its EXPUNGE is delivered (RFC 2180 §4.1.1);
        /// a non-PEEK body fetch sets `\Seen` on the session's copy (RFC 3501 §6.4.5), as Cyrus
        /// 3.6 does.
        Ghost = "ghost", "RFC 2180 §4.1.1";
        /// Only live messages are answered, and the tagged reply is NO (RFC 2180 §4.1.2).
        No = "no", "RFC 2180 §4.1.2";
        /// Expunged messages are answered with NIL values, tagged OK; NO when all were
        /// expunged (RFC 2180 §4.1.3).
        Nil = "nil", "RFC 2180 §4.1.3";
        /// Expunged messages are answered with NIL content, but FLAGS, UID and BODY as the
        /// session knew them; tagged OK, also when every message named was expunged; a
        /// non-PEEK body section sets `\Seen` on the session's copy (Dovecot 2.3 behaviour,
        /// `tests/servers/transcripts/dovecot-2.3.19.1/rfc2180-4.1.3-fetch-nil.txt`,
        /// `extra-fetch-expunged-items.txt`).
        NilOk = "nil-ok", "Dovecot 2.3 behaviour";
        /// Expunged messages are left out silently with OK, as several real servers do.
        Omit = "omit", "common server practice (not in RFC 2180)";
    }
}

policy_enum! {
    /// Whether replies that touched expunged messages carry `[EXPUNGEISSUED]` (RFC 9051 §7.1).
    ExpungeIssuedCode, point = "expungeissued-code", rfc = "RFC 9051 §7.1",
    summary = "Add [EXPUNGEISSUED] to replies that touched expunged messages" {
        /// No code.
        Off = "off", "RFC 3501";
        /// Add the code, as modern servers do (RFC 9051 §7.1).
        On = "on", "RFC 9051 §7.1";
        /// Add the code only where an expunged message's content was asked for: a FETCH of any
        /// item but FLAGS and UID, and COPY or MOVE; not to STORE, SEARCH, or a FETCH of FLAGS
        /// or UID alone (Dovecot 2.3 behaviour, `tests/servers/transcripts/dovecot-2.3.19.1/`
        /// `extra-fetch-expunged-items.txt`, `rfc2180-4.4.1-copy-refused.txt`).
        Content = "content", "Dovecot 2.3 behaviour";
    }
}

policy_enum! {
    /// Non-silent STORE over a mix of live and expunged messages (RFC 2180 §4.2). Under the two
    /// RFC values a `.SILENT` STORE sets the live ones, if any, and answers OK (RFC 2180 §4.2.1),
    /// and a non-silent STORE naming only expunged messages answers NO (RFC 2180 §4.2.2); their
    /// replies cite those paragraphs, not the value's own. The servers' values answer every
    /// STORE that names expunged messages OK, `.SILENT` or not.
    StoreExpunged, point = "store-expunged", rfc = "RFC 2180 §4.2",
    summary = "STORE over a mix of live and expunged messages" {
        /// Flags are set on the live messages and reported; tagged NO (RFC 2180 §4.2.3).
        PartialNo = "partial-no", "RFC 2180 §4.2.3";
        /// Nothing is set; tagged NO (RFC 2180 §4.2.4).
        AllNo = "all-no", "RFC 2180 §4.2.4";
        /// Flags are set on the live messages and on this session's copies of the expunged
        /// ones; the live ones are reported (unless `.SILENT`), the expunged ones always, with
        /// their new flags; tagged OK, also when only expunged messages were named (Dovecot 2.3
        /// behaviour, `tests/servers/transcripts/dovecot-2.3.19.1/rfc2180-4.2.3-store-partial.txt`,
        /// `rfc2180-4.2.2-store-only-expunged.txt`, `rfc2180-4.2.1-store-silent.txt`).
        GhostOk = "ghost-ok", "Dovecot 2.3 behaviour";
        /// Flags are set on the live messages and reported (unless `.SILENT`); the expunged ones
        /// are skipped; tagged OK, also when only expunged messages were named (Cyrus 3.6
        /// behaviour, `tests/servers/transcripts/cyrus-3.6.1-4+deb12u5/rfc2180-4.2.3-store-partial.txt`,
        /// `rfc2180-4.2.2-store-only-expunged.txt`; Courier 5.0 does the same).
        PartialOk = "partial-ok", "Cyrus 3.6 behaviour";
    }
}

policy_enum! {
    /// COPY naming messages another session expunged (RFC 2180 §4.4).
    CopyExpunged, point = "copy-expunged", rfc = "RFC 2180 §4.4",
    summary = "COPY naming messages another client expunged" {
        /// Nothing is copied; tagged NO (RFC 2180 §4.4.1).
        Refuse = "refuse", "RFC 2180 §4.4.1";
        /// The messages the numbers meant when the COPY began are copied, expunged ones
        /// included (RFC 2180 §4.4.2).
        Allow = "allow", "RFC 2180 §4.4.2";
        /// The live messages are copied and the expunged ones skipped, but each expunged one
        /// still uses up a UID in the target and is named in COPYUID as if copied; tagged OK
        /// (Cyrus 3.6 behaviour, `tests/servers/transcripts/cyrus-3.6.1-4+deb12u5/`
        /// `rfc2180-4.4.1-copy-refused.txt`: `OK [COPYUID v 2,4,6,8 1:4]`, 3 messages copied).
        SkipListed = "skip-listed", "Cyrus 3.6 behaviour";
        /// The live messages are copied, the expunged ones skipped and left out of COPYUID;
        /// tagged OK (Courier 5.0 behaviour, `tests/servers/transcripts/courier-5.0.13/`
        /// `rfc2180-4.4.1-copy-refused.txt`: `OK [COPYUID v 2,6,8 1:3]`).
        Skip = "skip", "Courier 5.0 behaviour";
    }
}

policy_enum! {
    /// SEARCH matching messages another session expunged (RFC 2180 §4.3). SORT and THREAD,
    /// "a variant of SEARCH" (RFC 5256 §3), follow the same choice.
    SearchExpunged, point = "search-expunged", rfc = "RFC 2180 §4.3",
    summary = "SEARCH over messages another client expunged" {
        /// Expunged messages are left out of the result (RFC 2180 §4.3).
        Omit = "omit", "RFC 2180 §4.3";
        /// Expunged messages are searched as ghosts and may be in the result (RFC 2180 §4.3).
        Include = "include", "RFC 2180 §4.3";
        /// Expunged messages are searched with the flags this session was last told of: `ALL`
        /// includes them, `DELETED` does not match a `\Deleted` set by another client and not
        /// yet told, although FETCH then shows it (Dovecot 2.3 behaviour,
        /// `tests/servers/transcripts/dovecot-2.3.19.1/rfc2180-4.3-search.txt`; once told, SEARCH,
        /// SORT and THREAD match it, seen by hand and in `rfc5256-sort-thread-expunge`, B010).
        /// Keys on content still read the ghost's data: the transcripts do not show what
        /// Dovecot does there.
        IncludeFlagless = "include-flagless", "Dovecot 2.3 behaviour";
    }
}

policy_enum! {
    /// What a STORE with UNCHANGEDSINCE tells of the messages that failed the test (RFC 7162
    /// §3.1.3). The messages that pass are changed whatever this says: "For each message
    /// specified in the message set, the server performs the following" is a MUST per message,
    /// and the failed ones are only listed in `[MODIFIED set]`.
    ModifiedReport, point = "modified-report", rfc = "RFC 7162 §3.1.3",
    summary = "STORE UNCHANGEDSINCE: what the client is told of the messages that failed" {
        /// An untagged FETCH with the failed messages' current FLAGS, UID and MODSEQ before the
        /// `[MODIFIED]` reply, so the client need not ask (RFC 7162 §3.1.3: "It is RECOMMENDED
        /// that the server avoids the need for the client to do that by sending an unsolicited
        /// FETCH response", Examples 6 and 10).
        Fetch = "fetch", "RFC 7162 §3.1.3 Example 10";
        /// Only the `[MODIFIED set]` code; the client fetches or NOOPs to learn why (RFC 7162
        /// §3.1.3 Examples 5 and 9).
        CodeOnly = "code-only", "RFC 7162 §3.1.3 Example 9";
    }
}

policy_enum! {
    /// Whether the FETCH responses a CONDSTORE session gets about flag changes (its own STORE's,
    /// another client's, a FETCH that sets \Seen) carry the UID. RFC 7162 §3.2.4 says "Once a
    /// CONDSTORE enabling command is issued by the client, the server MUST automatically
    /// include both UID and mod-sequence data", but under the heading "Additional Requirements
    /// on QRESYNC Servers", and servers read it as applying once QRESYNC is enabled. MODSEQ is
    /// sent in both cases (RFC 7162 §3.1.3, §3.1.4).
    CondstoreUid, point = "condstore-uid", rfc = "RFC 7162 §3.2.4",
    summary = "UID in a CONDSTORE session's FETCH responses about flag changes" {
        /// Only once `ENABLE QRESYNC` was given; a CONDSTORE-only session gets FLAGS and MODSEQ
        /// (Dovecot 2.3 and Cyrus 3.6 behaviour, observed live by `tests/live_servers.rs` in
        /// `rfc7162-3.1.3-unchangedsince`).
        Qresync = "qresync", "Dovecot 2.3 and Cyrus 3.6 behaviour";
        /// Once any CONDSTORE enabling command was given, as §3.2.4 is written.
        Condstore = "condstore", "RFC 7162 §3.2.4";
    }
}

policy_enum! {
    /// When the notifications a NOTIFY SET asked for reach the client (RFC 5465 §3.1, §4,
    /// §6.1.2). Only the events NOTIFY names are concerned: without NOTIFY, or for the
    /// selected mailbox without SELECTED, changes are told as RFC 3501 §7.4.1 says.
    NotifyTiming, point = "notify-timing", rfc = "RFC 5465 §3.1",
    summary = "NOTIFY: when another client's changes are sent" {
        /// At once, as in IDLE: after NOTIFY "the client listens for event notifications all
        /// the time (even when no command is in progress)" (RFC 5465 §3.1, §4).
        Immediate = "immediate", "RFC 5465 §3.1";
        /// Held until the client's next command and sent before its responses, as SELECTED-DELAYED
        /// allows for every message event (RFC 5465 §6.1.2: "the server MAY also delay returning
        /// other `<message-event>`s until the client issues" a command).
        NextCommand = "next-command", "RFC 5465 §6.1.2";
    }
}

policy_enum! {
    /// What an unsolicited STATUS about another mailbox carries (RFC 5465 §5.1 to §5.3). Both
    /// values send MESSAGES, UIDNEXT and UIDVALIDITY for MessageNew and MessageExpunge
    /// (§3.1, §5.2, §5.3) and HIGHESTMODSEQ once CONDSTORE is enabled (§5.1, §5.2).
    NotifyStatusItems, point = "notify-status-items", rfc = "RFC 5465 §5.1",
    summary = "NOTIFY: the items of a STATUS about another mailbox" {
        /// Only those: a FlagChange in another mailbox is then told only to a client that
        /// enabled CONDSTORE (§5.1: "If CONDSTORE/QRESYNC is not enabled by the client and the
        /// server chooses not to include the UNSEEN data item, the server does not notify").
        Required = "required", "RFC 5465 §5.2";
        /// UNSEEN too, so a flag change is told without CONDSTORE as well (§5.1: "the server MAY
        /// also include the UNSEEN data item").
        WithUnseen = "with-unseen", "RFC 5465 §5.1";
        /// UNSEEN in every STATUS that carries MESSAGES (NOTIFY SET STATUS's answer, MessageNew,
        /// MessageExpunge, FlagChange or not) and, under FlagChange, whenever it changed; but
        /// UIDVALIDITY only in NOTIFY SET STATUS's answer and when it changed, so a flag change
        /// under CONDSTORE is `(HIGHESTMODSEQ n)` alone, short of §5.1's "at least HIGHESTMODSEQ
        /// and UIDVALIDITY" (Dovecot 2.3 behaviour,
        /// `tests/servers/transcripts/dovecot-2.3.19.1/extra-rfc5465-notify-status.txt`).
        UnseenNoUidvalidity = "unseen-no-uidvalidity", "Dovecot 2.3 behaviour";
    }
}

policy_enum! {
    /// When a search with RETURN (UPDATE) tells its client that the result changed (RFC 5267
    /// §4.3.2: "ESEARCH responses carrying ADDTO and/or REMOVEFROM return data items MAY be sent
    /// at any time").
    ContextUpdate, point = "context-update", rfc = "RFC 5267 §4.3.2",
    summary = "SEARCH RETURN (UPDATE): when ADDTO and REMOVEFROM are sent" {
        /// With the responses that tell of the same change, when the session is next told of
        /// changes (its next command, or at once in IDLE): "It is anticipated that typical
        /// server implementations will emit ADDTO when they normally emit the causal FETCH or
        /// EXISTS, and similarly emit REMOVEFROM when they normally emit the causal FETCH or
        /// EXPUNGE" (RFC 5267 §4.3.2).
        WithResponses = "with-responses", "RFC 5267 §4.3.2";
        /// At once, even with no command in progress, ahead of the FETCH, EXISTS and EXPUNGE
        /// that wait for the session's next command (RFC 5267 §4.3.2: "servers MAY send such
        /// responses when no command is in progress"; §4.3.4's example shows REMOVEFROM sent
        /// so, the EXPUNGE at the next NOOP).
        Immediate = "immediate", "RFC 5267 §4.3.4";
    }
}

policy_enum! {
    /// Which commands tell a session of the messages other clients expunged (RFC 3501 §7.4.1:
    /// EXPUNGE "MUST NOT be sent ... while responding to a FETCH, STORE, or SEARCH command";
    /// any other command may carry it, none must but NOOP's purpose is to).
    ExpungeTiming, point = "expunge-timing", rfc = "RFC 3501 §7.4.1",
    summary = "Which commands tell of other clients' expunges" {
        /// Every command but FETCH, STORE, SEARCH, SORT and THREAD (RFC 5256 §3); their UID
        /// forms too.
        AnyCommand = "any-command", "RFC 3501 §7.4.1";
        /// Only NOOP, CHECK, IDLE, EXPUNGE, APPEND, MOVE and UID FETCH, STORE, COPY, MOVE,
        /// EXPUNGE; the others tell EXISTS and flags, but STATUS of another mailbox nothing.
        /// A selected mailbox renamed or deleted away is told at any command that tells
        /// (Cyrus 3.6 behaviour, observed live and in `tests/engine_cyrus_points.rs`, IDLE not
        /// observed; Cyrus's ENABLE, valid there when selected, tells nothing either).
        SyncCommands = "sync-commands", "Cyrus 3.6 behaviour";
    }
}

policy_enum! {
    /// Whether `.SILENT` leaves out a STORE's untagged FETCH (RFC 3501 §6.4.6: "A suffix of
    /// ".SILENT" in the data item name prevents the untagged FETCH").
    StoreSilent, point = "store-silent", rfc = "RFC 3501 §6.4.6",
    summary = "STORE .SILENT: whether the new flags are still sent" {
        /// No FETCH of the new flags (RFC 3501 §6.4.6); under CONDSTORE still one with MODSEQ
        /// (RFC 7162 §3.1.3).
        Honoured = "honoured", "RFC 3501 §6.4.6";
        /// The new flags are sent as without .SILENT: departs from RFC 3501 §6.4.6, which
        /// clients survive as they must accept FETCH at any time (Cyrus 3.6 behaviour).
        Ignored = "ignored", "Cyrus 3.6 behaviour, contrary to RFC 3501 §6.4.6";
    }
}

policy_enum! {
    /// A message sequence number beyond the mailbox in FETCH, STORE, COPY or MOVE (RFC 3501
    /// §9 seq-number: "The server should respond with a tagged BAD response").
    SeqOutOfRange, point = "seq-out-of-range", rfc = "RFC 3501 §9",
    summary = "A message number beyond the mailbox (FETCH, STORE, COPY, MOVE)" {
        /// Tagged BAD (RFC 3501 §9 seq-number).
        Bad = "bad", "RFC 3501 §9";
        /// The numbers beyond are ignored; NO if a FETCH, COPY or MOVE names no message left,
        /// OK for STORE (Cyrus 3.6 behaviour; RFC 3501 §9 says "should").
        Ignore = "ignore", "Cyrus 3.6 behaviour";
    }
}

#[cfg(feature = "quota")]
policy_enum! {
    /// Whether a logged-in user may set their own quota root's limits with SETQUOTA (RFC 9208
    /// §4.1.3 gives SETQUOTA a NO for "can't set that data"; §6: where ACLs (RFC 4314) are
    /// built, it needs the `a` right, which users seldom have on their own quota root). Another
    /// session of the same user sees the outcome (GETQUOTAROOT). Only with the `quota` feature.
    QuotaSet, point = "setquota", rfc = "RFC 9208 §4.1.3",
    summary = "SETQUOTA by a user on their own quota root" {
        /// Any logged-in user sets the limits of their own root `""`: the sandbox's users are
        /// test suites arranging a quota over IMAP (RFC 9208 §4.1.3).
        Allow = "allow", "RFC 9208 §4.1.3";
        /// `NO [NOPERM]` (the default; Dovecot 2.3 and Cyrus 3.6 answer NO, without a code,
        /// `tests/servers/transcripts/*/extra-rfc9208-setquota.txt`): limits are the
        /// administrator's, as on servers where only the `a`
        /// right (RFC 9208 §6, RFC 4314) allows SETQUOTA; here the control API
        /// (`Server::set_quota`) or a world file sets them.
        Refuse = "refuse", "RFC 9208 §6";
    }
}

policy_enum! {
    /// A STORE +FLAGS or -FLAGS with UNCHANGEDSINCE on a message whose mod-sequence rose since,
    /// when the flags it names are as this session was last told them: the change was to other
    /// flags (RFC 7162 §3.1.12: "the server doesn't have to report MODIFIED to the client.
    /// Instead, the server may set the $Processed flag"). Not for FLAGS (§3.1.12: "can't be
    /// performed in case of a conditional STORE FLAGS"), nor UNCHANGEDSINCE 0 (§3.1.3: it
    /// "always fails").
    OtherFlagsChanged, point = "other-flags-changed", rfc = "RFC 7162 §3.1.12",
    summary = "UNCHANGEDSINCE +FLAGS when only other flags changed" {
        /// The message fails and is named in `[MODIFIED]` (RFC 7162 §3.1.3; Dovecot 2.3 and
        /// Cyrus 3.6, `tests/servers/transcripts/*/extra-rfc7162-3.1.12-*.txt`).
        Strict = "strict", "RFC 7162 §3.1.3";
        /// The flags are stored anyway and an untagged FETCH gives the new FLAGS and MODSEQ,
        /// also for `.SILENT` (RFC 7162 §3.1.12).
        ApplyOtherFlags = "apply-other-flags", "RFC 7162 §3.1.12";
    }
}

policy_enum! {
    /// CANCELUPDATE naming a tag with no live search behind it (never a search with RETURN
    /// (UPDATE), or cancelled already): RFC 5267 §4.3.5 defines the command for "the tags of
    /// the commands used to request updates" and names no error for others.
    CancelupdateTag, point = "cancelupdate-tag", rfc = "RFC 5267 §4.3.5",
    summary = "CANCELUPDATE of a tag with no live search" {
        /// OK: after the command no updates come for any tag named, all the client asked.
        Ok = "ok", "RFC 5267 §4.3.5";
        /// NO, while the live searches named are cancelled all the same (Dovecot 2.3
        /// behaviour, `tests/servers/transcripts/dovecot-2.3.19.1/extra-rfc5267-cancelupdate-unknown.txt`).
        No = "no", "Dovecot 2.3 behaviour";
    }
}

/// The current value of every decision point: how the server behaves where RFC 2180 and
/// RFC 2683 leave the choice to it. Set by field, by name (as on the command line), or from a
/// named preset; a [`crate::server::Server`] reads them with each command.
///
/// ```
/// use imap_sandbox::server::policy::FetchExpunged;
/// use imap_sandbox::server::Policies;
///
/// let mut policies = Policies::default();
/// assert_eq!(policies.fetch_expunged, FetchExpunged::Ghost);
/// policies.set("fetch-expunged", "nil").unwrap(); // RFC 2180 §4.1.3
/// assert_eq!(policies.get("fetch-expunged"), Some("nil"));
/// policies.set_assignment("expunge-shared=refuse").unwrap(); // as `--policy` takes it
/// assert!(policies.set("fetch-expunged", "maybe").is_err());
///
/// // Every decision point, its values and RFC paragraphs:
/// assert!(policies.table().iter().any(|row| row.point == "search-expunged"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Policies {
    pub select_shared: SelectShared,
    pub delete_selected: DeleteSelected,
    pub rename_selected: RenameSelected,
    pub expunge_shared: ExpungeShared,
    pub fetch_expunged: FetchExpunged,
    pub expungeissued_code: ExpungeIssuedCode,
    pub store_expunged: StoreExpunged,
    pub copy_expunged: CopyExpunged,
    pub search_expunged: SearchExpunged,
    pub modified_report: ModifiedReport,
    pub condstore_uid: CondstoreUid,
    pub notify_timing: NotifyTiming,
    pub notify_status_items: NotifyStatusItems,
    pub context_update: ContextUpdate,
    pub expunge_timing: ExpungeTiming,
    pub store_silent: StoreSilent,
    pub seq_out_of_range: SeqOutOfRange,
    /// Feature `quota`.
    #[cfg(feature = "quota")]
    pub quota_set: QuotaSet,
    pub other_flags_changed: OtherFlagsChanged,
    pub cancelupdate_tag: CancelupdateTag,
}

impl Default for Policies {
    /// Where the three servers observed in `tests/servers/` (Dovecot 2.3.19, Cyrus 3.6.1,
    /// Courier 5.0.13) agree, what they do: shared SELECT and EXPUNGE allowed, and a STORE over
    /// expunged messages answered OK with the live messages set (they differ only in what they
    /// report of the expunged ones). Where they disagree, the RFC 2180 choice kindest to
    /// clients: DELETE refused while in use, RENAME carried out with the NEWNAME hint, ghost
    /// data served for FETCH (§4.1.1), the permissive COPY (§4.4.2), expunged messages left out
    /// of SEARCH, no EXPUNGEISSUED code. Dovecot 2.3 and Cyrus 3.6 agree on `modified-report`
    /// (the `[MODIFIED]` code alone, RFC 7162 §3.1.3 Example 9), so the default is that too.
    fn default() -> Self {
        Policies {
            select_shared: SelectShared::Allow,
            delete_selected: DeleteSelected::Refuse,
            rename_selected: RenameSelected::RenameNewname,
            expunge_shared: ExpungeShared::Allow,
            fetch_expunged: FetchExpunged::Ghost,
            expungeissued_code: ExpungeIssuedCode::Off,
            store_expunged: StoreExpunged::PartialOk,
            copy_expunged: CopyExpunged::Allow,
            search_expunged: SearchExpunged::Omit,
            modified_report: ModifiedReport::CodeOnly,
            condstore_uid: CondstoreUid::Qresync,
            // RFC 5465 §3.1: the point of NOTIFY is that the client hears at once.
            notify_timing: NotifyTiming::Immediate,
            notify_status_items: NotifyStatusItems::Required,
            context_update: ContextUpdate::WithResponses,
            expunge_timing: ExpungeTiming::AnyCommand,
            store_silent: StoreSilent::Honoured,
            seq_out_of_range: SeqOutOfRange::Bad,
            #[cfg(feature = "quota")]
            // Dovecot 2.3 and Cyrus 3.6 both refuse (observed by hand; README, Policies).
            quota_set: QuotaSet::Refuse,
            other_flags_changed: OtherFlagsChanged::Strict,
            cancelupdate_tag: CancelupdateTag::Ok,
        }
    }
}

/// Why a policy name or value was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One row of the policy table, for listings (`imap-sandbox policies`, the page's panel).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct PointInfo {
    pub point: &'static str,
    pub rfc: &'static str,
    pub summary: &'static str,
    pub current: &'static str,
    pub values: Vec<(&'static str, &'static str)>,
}

/// The error for a value `point` does not have; `names` are the ones it has. One function for
/// every point, not one copy per enum, to keep the page's wasm small.
fn unknown_value(point: &str, value: &str, names: &[&str]) -> PolicyError {
    PolicyError(format!(
        "unknown value {} for {point}; one of: {}",
        Quoted(value),
        names.join(", ")
    ))
}

/// A point's `(value, RFC paragraph)` rows for [`PointInfo::values`].
fn value_rows(names: &[&'static str], rfcs: &[&'static str]) -> Vec<(&'static str, &'static str)> {
    names.iter().copied().zip(rfcs.iter().copied()).collect()
}

macro_rules! each_point {
    ($m:ident) => {
        $m!(select_shared, SelectShared);
        $m!(delete_selected, DeleteSelected);
        $m!(rename_selected, RenameSelected);
        $m!(expunge_shared, ExpungeShared);
        $m!(fetch_expunged, FetchExpunged);
        $m!(expungeissued_code, ExpungeIssuedCode);
        $m!(store_expunged, StoreExpunged);
        $m!(copy_expunged, CopyExpunged);
        $m!(search_expunged, SearchExpunged);
        $m!(modified_report, ModifiedReport);
        $m!(condstore_uid, CondstoreUid);
        $m!(notify_timing, NotifyTiming);
        $m!(notify_status_items, NotifyStatusItems);
        $m!(context_update, ContextUpdate);
        $m!(expunge_timing, ExpungeTiming);
        $m!(store_silent, StoreSilent);
        $m!(seq_out_of_range, SeqOutOfRange);
        #[cfg(feature = "quota")]
        $m!(quota_set, QuotaSet);
        $m!(other_flags_changed, OtherFlagsChanged);
        $m!(cancelupdate_tag, CancelupdateTag);
    };
}

impl Policies {
    /// Sets one decision point by name: `set("fetch-expunged", "nil")`.
    pub fn set(&mut self, point: &str, value: &str) -> Result<(), PolicyError> {
        macro_rules! try_set {
            ($field:ident, $ty:ident) => {
                if point == $ty::POINT {
                    self.$field = $ty::from_name(value)
                        .ok_or_else(|| unknown_value(point, value, $ty::NAMES))?;
                    return Ok(());
                }
            };
        }
        each_point!(try_set);
        let mut points = Vec::new();
        macro_rules! name {
            ($field:ident, $ty:ident) => {
                points.push($ty::POINT);
            };
        }
        each_point!(name);
        Err(PolicyError(format!(
            "unknown decision point {}; one of: {}",
            Quoted(point),
            points.join(", ")
        )))
    }

    /// Parses `NAME=VALUE`, as given to `--policy`.
    pub fn set_assignment(&mut self, assignment: &str) -> Result<(), PolicyError> {
        let (point, value) = assignment.split_once('=').ok_or_else(|| {
            PolicyError(format!("expected NAME=VALUE, got {}", Quoted(assignment)))
        })?;
        self.set(point.trim(), value.trim())
    }

    /// The current value of a decision point by name.
    pub fn get(&self, point: &str) -> Option<&'static str> {
        macro_rules! try_get {
            ($field:ident, $ty:ident) => {
                if point == $ty::POINT {
                    return Some(self.$field.as_str());
                }
            };
        }
        each_point!(try_get);
        None
    }

    /// Every decision point with its values and their RFC references.
    pub fn table(&self) -> Vec<PointInfo> {
        let mut rows = Vec::new();
        macro_rules! row {
            ($field:ident, $ty:ident) => {
                rows.push(PointInfo {
                    point: $ty::POINT,
                    rfc: $ty::RFC,
                    summary: $ty::SUMMARY,
                    current: self.$field.as_str(),
                    values: value_rows($ty::NAMES, $ty::RFCS),
                });
            };
        }
        each_point!(row);
        rows
    }

    /// Applies a named preset on top of the defaults.
    pub fn preset(name: &str) -> Result<Policies, PolicyError> {
        let preset = PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
            let names: Vec<_> = PRESETS.iter().map(|p| p.name).collect();
            PolicyError(format!(
                "unknown preset {}; one of: {}",
                Quoted(name),
                names.join(", ")
            ))
        })?;
        let mut policies = Policies::default();
        for assignment in preset.settings {
            policies.set_assignment(assignment)?;
        }
        Ok(policies)
    }
}

/// A named combination of policies: one per RFC section at least, and one per real server whose
/// answers were recorded (`dovecot`, `cyrus`), setting every decision point.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Preset {
    pub name: &'static str,
    pub rfc: &'static str,
    pub description: &'static str,
    /// `NAME=VALUE` assignments applied on top of the defaults.
    pub settings: &'static [&'static str],
}

/// The presets, in documentation order.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "default",
        rfc: "-",
        description: "What Dovecot 2.3, Cyrus 3.6 and Courier 5.0 agree on (shared SELECT and \
                      EXPUNGE, STORE over expunged messages answered OK); elsewhere the RFC 2180 \
                      choice kindest to clients",
        settings: &[],
    },
    Preset {
        name: "dovecot",
        rfc: "Dovecot 2.3.19.1",
        description: "Dovecot 2.3 (Debian 12 dovecot-imapd 2.3.19.1), verified against \
                      tests/servers/transcripts/dovecot-2.3.19.1/ and live in CI \
                      (tests/live_servers.rs)",
        settings: &[
            "select-shared=allow",
            "delete-selected=bye-next",
            "rename-selected=bye-next",
            "expunge-shared=allow",
            "fetch-expunged=nil-ok",
            "expungeissued-code=content",
            "store-expunged=ghost-ok",
            "copy-expunged=refuse",
            "search-expunged=include-flagless",
            // Observed live (tests/live_servers.rs, rfc7162-3.1.3-unchangedsince): `[MODIFIED 2]`
            // with no FETCH of the failed message.
            "modified-report=code-only",
            // Observed live, as modified-report.
            "condstore-uid=qresync",
            // Observed live (tests/live_servers.rs, rfc5465-3.1-notify-set-status,
            // rfc5465-5.1-flagchange-elsewhere): the news comes unasked, about 0.5 s after the
            // change.
            "notify-timing=immediate",
            "notify-status-items=unseen-no-uidvalidity",
            // Not observed (CONTEXT=SEARCH is not probed): the RFC's anticipation.
            "context-update=with-responses",
            // Observed live (tests/live_servers.rs): EXPUNGE with COPY, BAD beyond the mailbox.
            "expunge-timing=any-command",
            "store-silent=honoured",
            "seq-out-of-range=bad",
            // Observed by hand with the quota plugin on (bench/ and tests/servers/ run Dovecot
            // without it), not by the probe (which sends no SETQUOTA: a quota root is the
            // account's, outside its scratch mailbox): NO "Quota can be changed only by admin",
            // without the [NOPERM] code `refuse` sends
            // (tests/servers/transcripts/dovecot-2.3.19.1/extra-rfc9208-setquota.txt).
            #[cfg(feature = "quota")]
            "setquota=refuse",
            // tests/servers/transcripts/dovecot-2.3.19.1/extra-rfc7162-3.1.12-*.txt, and live.
            "other-flags-changed=strict",
            // extra-rfc5267-cancelupdate-unknown.txt, and live.
            "cancelupdate-tag=no",
        ],
    },
    Preset {
        name: "cyrus",
        rfc: "Cyrus IMAP 3.6.1",
        description: "Cyrus IMAP 3.6 (Debian 12 cyrus-imapd 3.6.1-4+deb12u5), verified against \
                      tests/servers/transcripts/cyrus-3.6.1-4+deb12u5/ and live in CI \
                      (tests/live_servers.rs)",
        settings: &[
            "select-shared=allow",
            "delete-selected=expunge-all",
            "rename-selected=expunge-all",
            "expunge-shared=allow",
            "fetch-expunged=ghost",
            "expungeissued-code=off",
            "store-expunged=partial-ok",
            "copy-expunged=skip-listed",
            "search-expunged=omit",
            // Observed live (tests/live_servers.rs, rfc7162-3.1.3-unchangedsince): `[MODIFIED 2]`
            // with no FETCH of the failed message.
            "modified-report=code-only",
            // Observed live, as modified-report.
            "condstore-uid=qresync",
            // Not observable: Cyrus 3.6 has no NOTIFY. The defaults.
            "notify-timing=immediate",
            "notify-status-items=required",
            // Not observed (CONTEXT=SEARCH is not probed): the RFC's anticipation.
            "context-update=with-responses",
            // Observed live (tests/live_servers.rs, rfc3501-7.4.1-expunge-timing,
            // rfc3501-6.4.6-store-silent, rfc3501-9-seq-out-of-range).
            "expunge-timing=sync-commands",
            "store-silent=ignored",
            "seq-out-of-range=ignore",
            // Observed by hand, not by the probe (which sends no SETQUOTA: a quota root is the
            // account's, outside its scratch mailbox): a user's SETQUOTA on any root answers NO
            // "Permission denied", without the [NOPERM] code `refuse` sends
            // (tests/servers/transcripts/cyrus-3.6.1-4+deb12u5/extra-rfc9208-setquota.txt).
            #[cfg(feature = "quota")]
            "setquota=refuse",
            // tests/servers/transcripts/cyrus-3.6.1-4+deb12u5/extra-rfc7162-3.1.12-*.txt, and live.
            "other-flags-changed=strict",
            // Not observed (Cyrus 3.6 lacks CONTEXT=SEARCH): the default.
            "cancelupdate-tag=ok",
        ],
    },
    Preset {
        name: "rfc2180-3.1",
        rfc: "RFC 2180 §3.1",
        description: "DELETE and RENAME of a selected mailbox are refused",
        settings: &["delete-selected=refuse", "rename-selected=refuse"],
    },
    Preset {
        name: "rfc2180-3.2",
        rfc: "RFC 2180 §3.2",
        description: "DELETE leaves a ghost mailbox for the clients that have it selected",
        settings: &["delete-selected=ghost"],
    },
    Preset {
        name: "rfc2180-3.3",
        rfc: "RFC 2180 §3.3",
        description: "DELETE and RENAME disconnect the other clients with BYE",
        settings: &["delete-selected=bye", "rename-selected=bye"],
    },
    Preset {
        name: "rfc2180-3.4",
        rfc: "RFC 2180 §3.4",
        description: "RENAME changes the name under the other clients, with the NEWNAME hint",
        settings: &["rename-selected=rename-newname"],
    },
    Preset {
        name: "rfc2180-4.1.1",
        rfc: "RFC 2180 §4.1.1",
        description: "Expunged messages stay fetchable as ghosts until reported",
        settings: &["fetch-expunged=ghost"],
    },
    Preset {
        name: "rfc2180-4.1.2",
        rfc: "RFC 2180 §4.1.2",
        description: "FETCH of expunged messages answers NO",
        settings: &["fetch-expunged=no"],
    },
    Preset {
        name: "rfc2180-4.1.3",
        rfc: "RFC 2180 §4.1.3",
        description: "FETCH of expunged messages answers NIL values",
        settings: &["fetch-expunged=nil"],
    },
    Preset {
        name: "rfc2180-4.1.4",
        rfc: "RFC 2180 §4.1.4",
        description: "EXPUNGE is refused while the mailbox is multi-accessed",
        settings: &["expunge-shared=refuse"],
    },
    Preset {
        name: "rfc2180-4.2.3",
        rfc: "RFC 2180 §4.2.3",
        description: "STORE sets the live messages and answers NO",
        settings: &["store-expunged=partial-no"],
    },
    Preset {
        name: "rfc2180-4.2.4",
        rfc: "RFC 2180 §4.2.4",
        description: "STORE over expunged messages sets nothing and answers NO",
        settings: &["store-expunged=all-no"],
    },
    Preset {
        name: "rfc2180-4.4.1",
        rfc: "RFC 2180 §4.4.1",
        description: "COPY naming expunged messages is refused",
        settings: &["copy-expunged=refuse"],
    },
    Preset {
        name: "rfc2180-4.4.2",
        rfc: "RFC 2180 §4.4.2",
        description: "COPY copies what the numbers meant when it began",
        settings: &["copy-expunged=allow"],
    },
    Preset {
        name: "rfc9051",
        rfc: "RFC 9051 §7.1",
        description: "Modern codes: EXPUNGEISSUED, and INUSE for a second SELECT",
        settings: &[
            "expungeissued-code=on",
            "select-shared=refuse",
            "fetch-expunged=omit",
        ],
    },
    Preset {
        name: "strict",
        rfc: "RFC 2180 §3.1, §4.1.4, §4.4.1",
        description: "Refuse everything that could surprise another client",
        settings: &[
            "select-shared=refuse",
            "delete-selected=refuse",
            "rename-selected=refuse",
            "expunge-shared=refuse",
            "copy-expunged=refuse",
        ],
    },
];

/// The machine-readable reason a response has the form it has: which decision point, which
/// value, which RFC paragraph. Carried out of the engine next to the response it explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Citation {
    pub point: &'static str,
    pub value: &'static str,
    pub rfc: &'static str,
}

impl Citation {
    /// The citation for one value of one decision point, where the paragraph that value
    /// implements is the one that applied.
    pub fn of<P: PolicyValue>(value: P) -> Citation {
        Citation::at(value, value.rfc_ref())
    }

    /// The citation for a response whose form a paragraph other than the value's own decided,
    /// while `value` was in force: a `.SILENT` STORE is answered by RFC 2180 §4.2.1 whichever
    /// value store-expunged has.
    pub fn at<P: PolicyValue>(value: P, rfc: &'static str) -> Citation {
        Citation {
            point: P::point(),
            value: value.name(),
            rfc,
        }
    }
}

/// Implemented by every policy enum, so that [`Citation::of`] can take any of them.
pub trait PolicyValue: Copy {
    fn point() -> &'static str;
    fn name(self) -> &'static str;
    fn rfc_ref(self) -> &'static str;
}

macro_rules! impl_value {
    ($field:ident, $ty:ident) => {
        impl PolicyValue for $ty {
            fn point() -> &'static str {
                $ty::POINT
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn rfc_ref(self) -> &'static str {
                self.rfc()
            }
        }
    };
}
each_point!(impl_value);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_name_round_trips_through_set_and_get() {
        let mut p = Policies::default();
        for row in Policies::default().table() {
            for (value, _) in &row.values {
                p.set(row.point, value).unwrap();
                assert_eq!(p.get(row.point), Some(*value));
            }
        }
    }

    #[test]
    fn unknown_names_are_refused_with_the_choices() {
        let mut p = Policies::default();
        let err = p.set("fetch-expunged", "maybe").unwrap_err();
        assert!(err.0.contains("ghost, no, nil, nil-ok, omit"), "{err}");
        let err = p.set("no-such-point", "x").unwrap_err();
        assert!(
            err.0
                .contains("select-shared, delete-selected, rename-selected"),
            "{err}"
        );
        assert!(p.set_assignment("fetch-expunged").is_err());
        let err = Policies::preset("no-such-preset").unwrap_err();
        assert!(
            err.0.contains("default, dovecot, cyrus, rfc2180-3.1"),
            "{err}"
        );
        assert!(err.0.contains("strict"), "{err}");
    }

    #[test]
    fn every_preset_applies() {
        for preset in PRESETS {
            Policies::preset(preset.name).unwrap();
        }
        assert_eq!(
            Policies::preset("rfc2180-4.1.3").unwrap().fetch_expunged,
            FetchExpunged::Nil
        );
    }

    #[test]
    fn the_server_presets_set_every_decision_point() {
        let points = Policies::default().table().len();
        for name in ["dovecot", "cyrus"] {
            let preset = PRESETS.iter().find(|p| p.name == name).unwrap();
            assert_eq!(preset.settings.len(), points, "{name}");
            assert!(preset
                .description
                .contains("verified against tests/servers/transcripts/"));
            assert!(preset.description.contains("live in CI"));
        }
        let dovecot = Policies::preset("dovecot").unwrap();
        assert_eq!(dovecot.store_expunged, StoreExpunged::GhostOk);
        assert_eq!(dovecot.delete_selected, DeleteSelected::ByeNext);
        let cyrus = Policies::preset("cyrus").unwrap();
        assert_eq!(cyrus.copy_expunged, CopyExpunged::SkipListed);
        assert_eq!(cyrus.rename_selected, RenameSelected::ExpungeAll);
        // Found live on Cyrus 3.6; Dovecot 2.3 keeps the RFC's values.
        assert_eq!(cyrus.expunge_timing, ExpungeTiming::SyncCommands);
        assert_eq!(cyrus.store_silent, StoreSilent::Ignored);
        assert_eq!(cyrus.seq_out_of_range, SeqOutOfRange::Ignore);
        assert_eq!(dovecot.expunge_timing, ExpungeTiming::AnyCommand);
        assert_eq!(dovecot.store_silent, StoreSilent::Honoured);
        assert_eq!(dovecot.seq_out_of_range, SeqOutOfRange::Bad);
    }

    #[test]
    fn every_preset_but_cyrus_keeps_the_rfc_values_of_the_cyrus_points() {
        for preset in PRESETS.iter().filter(|p| p.name != "cyrus") {
            let p = Policies::preset(preset.name).unwrap();
            assert_eq!(
                (p.expunge_timing, p.store_silent, p.seq_out_of_range),
                (
                    ExpungeTiming::AnyCommand,
                    StoreSilent::Honoured,
                    SeqOutOfRange::Bad
                ),
                "{}",
                preset.name
            );
        }
    }

    #[test]
    fn the_default_is_what_the_verified_personalities_agree_on() {
        let default = Policies::default();
        let (dovecot, cyrus) = (
            Policies::preset("dovecot").unwrap(),
            Policies::preset("cyrus").unwrap(),
        );
        for row in default.table() {
            let (d, c) = (dovecot.get(row.point), cyrus.get(row.point));
            if d == c {
                assert_eq!(Some(row.current), d, "{}", row.point);
            }
        }
        // Where they differ but both answer a STORE over expunged messages OK, the default
        // answers OK too, as Cyrus does.
        assert_eq!(default.store_expunged, cyrus.store_expunged);
    }

    #[test]
    fn citation_names_point_value_and_paragraph() {
        let c = Citation::of(FetchExpunged::Nil);
        assert_eq!(
            (c.point, c.value, c.rfc),
            ("fetch-expunged", "nil", "RFC 2180 §4.1.3")
        );
    }

    #[test]
    fn a_citation_can_name_the_paragraph_that_applied() {
        let c = Citation::at(StoreExpunged::AllNo, "RFC 2180 §4.2.1");
        assert_eq!(
            (c.point, c.value, c.rfc),
            ("store-expunged", "all-no", "RFC 2180 §4.2.1")
        );
    }
}
