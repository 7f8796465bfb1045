//! One connection's state: where it is in the protocol (RFC 3501 §3), and, when a mailbox is
//! selected, its own view of it: the sequence-number to UID map, which messages it sees as
//! `\Recent`, and the changes other sessions made that it has not yet been told about.
//!
//! The only conversion between sequence numbers and UIDs is here ([`View::resolve`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::protocol::framer::Framer;
use crate::protocol::types::{
    Code, Data, Flag, FlagPerm, Response, SearchKey, SeqBound, SequenceSet, StatusKind,
    StatusResponse, Tag,
};
use crate::server::mailstore::{Flags, Mailbox, MailboxId, MessageData, SeqNum, Uid};
use crate::server::policy::Citation;

/// A connected client, as numbered by the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ClientId(pub u32);

/// Where a connection is in the protocol (RFC 3501 §3). Each state carries what it needs, so
/// "selected without a mailbox" cannot be written.
#[derive(Debug)]
pub enum State {
    NotAuthenticated,
    Authenticated { user: String },
    Selected { user: String, view: View },
    Logout,
}

impl State {
    pub fn user(&self) -> Option<&str> {
        match self {
            State::Authenticated { user } | State::Selected { user, .. } => Some(user),
            State::NotAuthenticated | State::Logout => None,
        }
    }

    pub fn view(&self) -> Option<&View> {
        match self {
            State::Selected { view, .. } => Some(view),
            _ => None,
        }
    }

    pub fn view_mut(&mut self) -> Option<&mut View> {
        match self {
            State::Selected { view, .. } => Some(view),
            _ => None,
        }
    }
}

/// What the next line from the client means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// A command.
    Command,
    /// `DONE` ends the IDLE with this tag (RFC 2177 §3).
    Idle(Tag),
    /// The client's answer to the `+` of AUTHENTICATE PLAIN (RFC 3501 §6.2.2).
    SaslPlain(Tag),
}

/// What a driver's connection can do about TLS, as it tells [`crate::server::Server::connect_with`].
/// The engine does no TLS itself (it is sans-IO): it advertises STARTTLS only where the driver
/// can switch to TLS (RFC 3501 §6.2.1), and LOGINDISABLED where logins in the clear must be
/// refused (RFC 3501 §6.2.3, §11.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Clear text that stays clear (the page; `serve` without `--tls`): no STARTTLS.
    Plain,
    /// Clear text the driver can switch to TLS: STARTTLS is advertised, and its tagged OK is
    /// followed by an [`crate::server::OutputKind::StartTls`]. With `require_tls`, LOGIN and
    /// AUTHENTICATE are refused until then.
    StartTls { require_tls: bool },
    /// TLS: implicit (RFC 8314 §3.3) or after STARTTLS.
    Tls,
}

/// One connection.
#[derive(Debug)]
pub struct Session {
    pub id: ClientId,
    pub state: State,
    pub mode: Mode,
    pub framer: Framer,
    pub transport: Transport,
    /// Set by a successful STARTTLS: once its tagged OK is queued, the driver is told to start
    /// TLS and the rest of the clear-text input is handed over with it.
    pub starting_tls: bool,
    /// Set once the connection is to be closed: nothing more is read from it.
    pub closing: bool,
    /// Set when the selected mailbox was deleted or renamed under the session and the server
    /// will disconnect it for that (Dovecot 2.3 behaviour).
    pub doomed: Option<Doom>,
    /// What the client enabled, for the rest of the connection (RFC 7162 §3.1, §3.2.3).
    pub enabled: Enabled,
    /// The last successful NOTIFY SET (RFC 5465 §3.1); `None` before one and after NOTIFY NONE.
    pub notify: Option<crate::server::notify::Watch>,
}

/// The RFC 7162 behaviours a client turned on; never turned off until the connection closes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enabled {
    /// A CONDSTORE enabling command was given (RFC 7162 §3.1): FETCH responses about flag
    /// changes carry MODSEQ, and UID too (§3.2.4).
    pub condstore: bool,
    /// `ENABLE QRESYNC` (RFC 7162 §3.2.3): expunges are reported with VANISHED (§3.2.10).
    pub qresync: bool,
    /// `ENABLE IMAP4rev2` (RFC 9051 §6.3.1, Appendix A): the session follows RFC 9051 where it
    /// differs from RFC 3501 (Appendix E); see README, "IMAP4rev2".
    pub rev2: bool,
}

impl Enabled {
    /// Whether a FETCH response about a flag change carries the UID beside MODSEQ (RFC 7162
    /// §3.2.4, as the `condstore-uid` decision point reads it).
    pub fn uid_with_modseq(&self, policy: crate::server::policy::CondstoreUid) -> bool {
        use crate::server::policy::CondstoreUid;
        self.qresync || (self.condstore && policy == CondstoreUid::Condstore)
    }

    /// Whether an unsolicited FETCH (about a flag change) carries the UID: RFC 9051 §7.5.2
    /// ("an unsolicited FETCH response MUST include UID", Appendix E item 21), else as
    /// [`Enabled::uid_with_modseq`].
    pub fn uid_in_unsolicited(&self, policy: crate::server::policy::CondstoreUid) -> bool {
        self.rev2 || self.uid_with_modseq(policy)
    }
}

/// When and how a session whose mailbox was deleted or renamed under it is disconnected
/// (`delete-selected` / `rename-selected` = `bye-next`).
#[derive(Debug, Clone)]
pub struct Doom {
    /// Right after the reply to the command that caused it (the session deleted its own
    /// selected mailbox); otherwise at its next command that reads the mailbox.
    pub after_reply: bool,
    /// The BYE's text.
    pub text: String,
    pub citation: Citation,
    /// After a RENAME, the old name: STATUS of it is answered from the mailbox the session
    /// still has selected (Dovecot 2.3 behaviour,
    /// `tests/servers/transcripts/dovecot-2.3.19.1/rfc2180-3.4-rename-plain.txt`).
    pub renamed_from: Option<String>,
}

/// What a session still holds of a message another session expunged: enough to answer FETCH
/// with the message's data until the EXPUNGE is delivered (RFC 2180 §4.1.1).
#[derive(Debug, Clone)]
pub struct Ghost {
    pub data: Arc<MessageData>,
    pub flags: Flags,
    /// The message's last mod-sequence (RFC 7162 §3.1).
    pub modseq: u64,
    /// The flags this session was last told, when they are not `flags` (a change it was not
    /// told of yet): what search-expunged `include-flagless` reads (Dovecot 2.3 behaviour).
    pub told: Option<Flags>,
}

/// One message as this session sees it: its place in the list is its sequence number.
#[derive(Debug, Clone)]
pub struct Entry {
    pub uid: Uid,
    /// This session is the one that sees the message as `\Recent` (RFC 3501 §2.3.2).
    pub recent: bool,
    /// Expunged by another session, and this session not yet told (RFC 3501 §7.4.1). Boxed:
    /// a ghost is rare, and inline it made every entry of every selecting session 144 bytes
    /// instead of 24 (issue 14's memory row).
    pub expunged: Option<Box<Ghost>>,
    /// Another session changed its flags and this session was not told yet (RFC 3501
    /// §7.4.2). A flag here rather than a set of UIDs in the view: a change of every message
    /// costs each other session one write per message, and its NOOP one walk (issue 14). In
    /// the padding after `recent`: the entry stays 24 bytes.
    pub changed: bool,
    /// Its flags before another session's change this session was not told of yet (while
    /// `changed`), for [`Ghost::told`]. Shared: a change of many messages records one copy for
    /// each distinct value of the flags before.
    pub told: Option<Arc<Flags>>,
}

/// The flags of messages before a change, each distinct value kept once, for the sessions
/// told of the change later ([`Entry::told`]): a change of many messages meets few distinct
/// values, and is shared by every other session in one copy.
#[derive(Debug, Default)]
pub struct SharedFlags {
    kept: Vec<Arc<Flags>>,
    /// The value given last, looked at first: neighbours often had the same flags.
    last: Option<Arc<Flags>>,
}

impl SharedFlags {
    /// `flags`, or the value equal to it kept already.
    pub fn share(&mut self, flags: Flags) -> Arc<Flags> {
        if let Some(last) = self.last.as_ref().filter(|last| ***last == flags) {
            return last.clone();
        }
        // The few latest distinct values: looking further back would make a change of many
        // distinct ones quadratic.
        let kept = match self.kept.iter().rev().take(8).find(|kept| ***kept == flags) {
            Some(kept) => kept.clone(),
            None => {
                let kept = Arc::new(flags);
                self.kept.push(kept.clone());
                kept
            }
        };
        self.last = Some(kept.clone());
        kept
    }
}

/// A session's view of its selected mailbox.
#[derive(Debug)]
pub struct View {
    pub mailbox: MailboxId,
    /// EXAMINE, or SELECT of a mailbox the session may not change (RFC 3501 §6.3.2).
    pub read_only: bool,
    /// In sequence-number order; UIDs strictly ascending (RFC 3501 §2.3.1.1).
    pub entries: Vec<Entry>,
    /// How many entries are [`Entry::changed`] (RFC 3501 §7.4.2), and the lowest and highest
    /// of their UIDs: a flush walks those entries only, so a NOOP after a change of one
    /// message reads one entry.
    flags_changed: usize,
    changed_span: (Uid, Uid),
    /// Messages another session changed that this session does not know yet (they arrived
    /// after its last flush), ascending: their FETCH follows their EXISTS, as for any other
    /// change.
    changed_unknown: Vec<Uid>,
    /// How many entries are expunged and not yet reported.
    pub pending_expunges: usize,
    /// Some pending expunge was made by another session: after reporting it, EXISTS is sent
    /// too, as RFC 2180 §4.1.1 shows. A session's own EXPUNGE is answered with EXPUNGE
    /// responses only, as RFC 3501 §6.4.3 shows.
    pub expunged_elsewhere: bool,
    /// The highest UID this session knows; larger UIDs in the mailbox are news to it.
    pub last_uid: Uid,
    /// How many of the mailbox's keywords the session was told of in FLAGS.
    pub keywords_known: usize,
    /// How many entries are `recent`: kept as a count, since RECENT is sent with every arrival.
    recent_count: usize,
    /// The session's [`Enabled`], copied here before each flush.
    pub enabled: Enabled,
    /// The saved search result, `$` (RFC 5182 §2.1), as UIDs: UIDs are never reused, so an
    /// expunged message leaves it by itself ("When a message listed in the search result
    /// variable is EXPUNGEd, it is automatically removed from the list"). A new view starts
    /// empty: SELECT and EXAMINE reset it (§2.1).
    pub saved: Ranges,
    /// Searches with RETURN (UPDATE) (RFC 5267 §4.3): kept until CANCELUPDATE or until the
    /// mailbox is no longer selected.
    pub contexts: Vec<SearchContext>,
}

/// One searching command whose result the client keeps up to date (RFC 5267 §4.3).
#[derive(Debug, Clone)]
pub struct SearchContext {
    /// The searching command's tag, the ESEARCH correlator of every update.
    pub tag: String,
    /// Updates in UIDs (UID SEARCH) or sequence numbers (RFC 5267 §4.3.2).
    pub uid: bool,
    /// The criteria, message numbers already turned into UIDs: "any message sequence numbers
    /// used in the search program are evaluated at the time the command is received" (§4.3).
    pub criteria: Vec<SearchKey>,
    /// The result as the client holds it, as UIDs.
    pub result: BTreeSet<Uid>,
    /// The mailbox's HIGHESTMODSEQ when the result was last brought up to date: a message
    /// whose mod-sequence is higher arrived or changed flags since.
    pub checked: u64,
    /// A key reads message octets (headers or text), so each update may read the changed
    /// messages: at most one such live search per session.
    pub reads: bool,
    /// UPDATE's fetch attributes (RFC 5465 §7): sent for each new message that joins the result.
    pub fetch: Vec<crate::protocol::types::FetchAtt>,
    /// The highest UID the session had been told of when the result was last brought up to
    /// date: a message above it that joins is new (its FETCH is due), one below joined by a
    /// flag change (none is).
    pub last_uid: Uid,
    /// A SORT's result in its requested order (CONTEXT=SORT, RFC 5267 §4.1), whose updates name
    /// positions in it; `None` for a SEARCH, whose order is the mailbox's.
    #[cfg(feature = "sort-thread")]
    pub sorted: Option<crate::server::sort::Sorted>,
}

/// A resolved message: its index in the view (sequence number - 1).
pub type Index = usize;

/// Why a sequence set could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadSet(pub String);

impl View {
    /// Builds the view at SELECT / EXAMINE time. Unless read-only, the session claims every
    /// message no other session has seen as recent (RFC 3501 §2.3.2, §6.3.2).
    pub fn open(mailbox: &mut Mailbox, read_only: bool) -> View {
        let entries: Vec<Entry> = mailbox
            .messages
            .iter_mut()
            .map(|m| {
                let recent = m.recent_unclaimed;
                if !read_only {
                    m.recent_unclaimed = false;
                }
                Entry {
                    uid: m.uid,
                    recent,
                    expunged: None,
                    changed: false,
                    told: None,
                }
            })
            .collect();
        View {
            mailbox: mailbox.id,
            read_only,
            last_uid: entries.last().map_or(Uid(0), |e| e.uid),
            recent_count: entries.iter().filter(|e| e.recent).count(),
            entries,
            keywords_known: mailbox.keywords().len(),
            flags_changed: 0,
            changed_span: (Uid(0), Uid(0)),
            changed_unknown: Vec::new(),
            pending_expunges: 0,
            expunged_elsewhere: false,
            enabled: Enabled::default(),
            saved: Ranges::from_spans(Vec::new()),
            contexts: Vec::new(),
        }
    }

    pub fn exists(&self) -> u32 {
        u32::try_from(self.entries.len()).unwrap_or(u32::MAX)
    }

    /// Opens the view for an IMAP4rev2 session (RFC 9051 Appendix E item 12): it claims
    /// `\Recent` as [`View::open`] does (RFC 3501 §2.3.2 counts every session notified of a
    /// message, and this one is), but shows it nowhere.
    pub fn open_for(mailbox: &mut Mailbox, read_only: bool, enabled: Enabled) -> View {
        let mut view = View::open(mailbox, read_only);
        view.enabled = enabled;
        if enabled.rev2 {
            view.entries.iter_mut().for_each(|e| e.recent = false);
            view.recent_count = 0;
        }
        view
    }

    pub fn recent(&self) -> u32 {
        u32::try_from(self.recent_count).unwrap_or(u32::MAX)
    }

    pub fn seq_of(index: Index) -> SeqNum {
        SeqNum(
            u32::try_from(index)
                .unwrap_or(u32::MAX - 1)
                .saturating_add(1),
        )
    }

    /// `$` in the number space of a command (RFC 5182 §2.1 implementation note: `$` saved by
    /// SEARCH may be used by UID FETCH and the other way round): the saved UIDs, or the sequence
    /// numbers of those the view still holds. O(spans × log messages). The empty set when
    /// nothing is saved.
    pub fn last_result(&self, uid: bool) -> SequenceSet {
        let ranges = if uid {
            self.saved.clone()
        } else {
            let spans = self.saved.spans().iter().filter_map(|&(lo, hi)| {
                let start = self.entries.partition_point(|e| e.uid.0 < lo);
                let end = self.entries.partition_point(|e| e.uid.0 <= hi);
                (start < end).then(|| (Self::seq_of(start).0, Self::seq_of(end - 1).0))
            });
            Ranges::from_spans(spans.collect())
        };
        ranges.to_set().unwrap_or_else(SequenceSet::last_result)
    }

    pub fn index_of_uid(&self, uid: Uid) -> Option<Index> {
        self.entries.binary_search_by_key(&uid, |e| e.uid).ok()
    }

    /// [`View::index_of_uid`], trying `hint` first: walking a set in order, the next message
    /// is usually the next entry, and a FETCH 1:* needs no search per message.
    pub fn index_near(&self, uid: Uid, hint: Index) -> Option<Index> {
        match self.entries.get(hint) {
            Some(e) if e.uid == uid => Some(hint),
            _ => self.index_of_uid(uid),
        }
    }

    /// Resolves a sequence set (`uid == false`) or UID set (`uid == true`) to the view's
    /// indexes, ascending and without duplicates, in O(messages + ranges × log ranges) time and
    /// O(messages + ranges) memory: the ranges are merged first ([`Ranges`]), so `1:*,1:*,...`
    /// costs no more than `1:*`.
    ///
    /// Sequence numbers must exist, RFC 3501 §9 `seq-number`: "The server should respond with
    /// a tagged BAD response to a command that uses a message sequence number greater than the
    /// number of messages in the selected mailbox.  This includes "*" if the selected mailbox
    /// is empty." UIDs that do not exist are
    /// ignored (RFC 3501 §6.4.8), and `*` is the largest UID in use, so `n:*` always includes
    /// the last message even when n is larger (RFC 3501 §6.4.8, §9 `seq-range`).
    pub fn resolve(&self, set: &SequenceSet, uid: bool) -> Result<Vec<Index>, BadSet> {
        let mut out = Vec::new();
        // RFC 5182 §2.1: an empty `$` "must be treated ... as a valid, but non-matching list of
        // messages", in an empty mailbox too.
        if set.is_last_result() {
            return Ok(out);
        }
        if uid {
            let Some(max) = self.entries.last().map(|e| e.uid.0) else {
                return Ok(out);
            };
            for &(lo, hi) in Ranges::of(set, max).spans() {
                let start = self.entries.partition_point(|e| e.uid.0 < lo);
                let end = self.entries.partition_point(|e| e.uid.0 <= hi);
                out.extend(start..end);
            }
        } else {
            let max = self.exists();
            // RFC 3501 §9 seq-number: "*" in an empty mailbox is BAD too (a set is never empty).
            if max == 0 {
                return Err(BadSet(
                    "No messages in the mailbox: sequence numbers are invalid".to_string(),
                ));
            }
            let ranges = Ranges::of(set, max);
            if let Some(hi) = ranges.last().filter(|&hi| hi > max) {
                return Err(BadSet(format!(
                    "Invalid sequence number {hi}: the mailbox has {max} messages"
                )));
            }
            for &(lo, hi) in ranges.spans() {
                // lo >= 1: the parser refuses 0 (RFC 3501 §9 nz-number).
                out.extend((lo.max(1) as usize - 1)..(hi as usize));
            }
        }
        Ok(out)
    }

    /// The messages of a sequence set that exist, numbers beyond the mailbox left out (the
    /// seq-out-of-range decision point's `ignore`); in O(messages + ranges × log ranges) like
    /// [`View::resolve`].
    pub fn resolve_within(&self, set: &SequenceSet) -> Vec<Index> {
        let max = self.exists();
        if max == 0 || set.is_last_result() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &(lo, hi) in Ranges::of(set, max).spans() {
            let hi = hi.min(max);
            if lo <= hi {
                out.extend((lo.max(1) as usize - 1)..(hi as usize));
            }
        }
        out
    }

    /// Records that this session was told the current flags of the message at `index`: a
    /// change another session made to them needs no second FETCH (RFC 3501 §7.4.2).
    pub fn told_at(&mut self, index: Index) {
        if let Some(e) = self.entries.get_mut(index) {
            e.told = None;
            if std::mem::take(&mut e.changed) {
                self.flags_changed = self.flags_changed.saturating_sub(1);
            }
        }
    }

    /// How many messages' flags another session changed that this session was not told of.
    pub fn flag_changes(&self) -> usize {
        self.flags_changed + self.changed_unknown.len()
    }

    /// The UIDs of [`View::flag_changes`], ascending.
    pub fn changed_uids(&self) -> Vec<Uid> {
        let known = self.entries.get(self.changed_range()).unwrap_or_default();
        let known = known.iter().filter(|e| e.changed).map(|e| e.uid);
        // The others are above every known one.
        known.chain(self.changed_unknown.iter().copied()).collect()
    }

    /// The entries from the lowest to the highest changed UID; empty when none is changed.
    fn changed_range(&self) -> std::ops::Range<Index> {
        if self.flags_changed == 0 {
            return 0..0;
        }
        let (lo, hi) = self.changed_span;
        let start = self.entries.partition_point(|e| e.uid < lo);
        let end = self.entries.partition_point(|e| e.uid <= hi);
        start..end.max(start)
    }

    /// Marks the entry at `index` [`Entry::changed`]; false when it already was.
    fn mark_changed(&mut self, index: Index) -> bool {
        let Some(e) = self.entries.get_mut(index) else {
            return false;
        };
        if std::mem::replace(&mut e.changed, true) {
            return false;
        }
        let uid = e.uid;
        self.changed_span = if self.flags_changed == 0 {
            (uid, uid)
        } else {
            (self.changed_span.0.min(uid), self.changed_span.1.max(uid))
        };
        self.flags_changed += 1;
        true
    }

    /// Records another session's change of these messages' flags, each with its flags before
    /// the change ([`SharedFlags`]), to be told (RFC 3501 §7.4.2). Changes in ascending UID
    /// order (as the handlers make them, walking a set) find their entries in one walk, not
    /// one search each.
    pub fn flags_changed_from_all(&mut self, changes: &[(Uid, Arc<Flags>)]) {
        let mut next = 0;
        // The entries marked here, and the lowest and highest of their UIDs: the count and span
        // are updated once, after the walk.
        let mut marked = 0;
        let mut span = (Uid(0), Uid(0));
        for (uid, before) in changes {
            let i = match self.entries.get(next) {
                Some(e) if e.uid == *uid => next,
                _ => match self.index_of_uid(*uid) {
                    Some(i) => i,
                    None => {
                        // Kept sorted and once each; appended at the end as changes come in
                        // order.
                        if *uid > self.last_uid {
                            if let Err(p) = self.changed_unknown.binary_search(uid) {
                                self.changed_unknown.insert(p, *uid);
                            }
                        }
                        continue;
                    }
                },
            };
            next = i + 1;
            let Some(e) = self.entries.get_mut(i) else {
                continue;
            };
            // A message expunged elsewhere is not reported (RFC 3501 §7.4.1: its EXPUNGE is);
            // one already changed keeps the flags it was last told.
            if e.expunged.is_some() || e.changed {
                continue;
            }
            e.changed = true;
            span = if marked == 0 {
                (*uid, *uid)
            } else {
                (span.0.min(*uid), span.1.max(*uid))
            };
            marked += 1;
            e.told = Some(before.clone());
        }
        if marked > 0 {
            self.changed_span = if self.flags_changed == 0 {
                span
            } else {
                (
                    self.changed_span.0.min(span.0),
                    self.changed_span.1.max(span.1),
                )
            };
            self.flags_changed += marked;
        }
    }

    /// Marks messages expunged by another session (RFC 3501 §7.4.1: this session may not be
    /// told at once). Messages it never knew are simply gone.
    pub fn mark_expunged(&mut self, uid: Uid, ghost: Ghost, by_self: bool) {
        if let Some(i) = self.index_of_uid(uid) {
            if let Some(entry) = self.entries.get_mut(i) {
                if entry.expunged.is_none() {
                    let told = entry.told.take().map(Arc::unwrap_or_clone).or(ghost.told);
                    entry.expunged = Some(Box::new(Ghost { told, ..ghost }));
                    self.pending_expunges += 1;
                    self.expunged_elsewhere |= !by_self;
                }
            }
            self.told_at(i);
        }
        self.changed_unknown.retain(|&u| u != uid);
    }

    /// Tells the session what changed since it was last told, as untagged responses appended
    /// to `out`:
    /// - EXPUNGE for messages expunged elsewhere, only when `allow_expunge` (RFC 3501 §7.4.1:
    ///   never during FETCH, STORE or SEARCH; RFC 2180 §4.4: always with COPY). Sequence
    ///   numbers are sent in ascending order, each one as it is after the previous removal
    ///   (RFC 3501 §7.4.1), then EXISTS with the new count, as RFC 2180 §4.1.1 shows;
    /// - EXISTS and RECENT for new messages (RFC 3501 §7.3.1, §7.3.2), claiming `\Recent`
    ///   for this session unless read-only (RFC 3501 §2.3.2);
    /// - FLAGS and PERMANENTFLAGS for new keywords ([`View::announce_keywords`]).
    ///
    /// The FETCH responses for flags changed elsewhere follow: [`View::flush_flags`].
    pub fn flush(
        &mut self,
        mut mailbox: Option<&mut Mailbox>,
        allow_expunge: bool,
    ) -> Vec<Response> {
        let mut out = Vec::new();
        let mut announce = false;
        if allow_expunge && self.pending_expunges > 0 {
            if self.enabled.qresync {
                // RFC 7162 §3.2.10.2: after ENABLE QRESYNC, one VANISHED (without EARLIER)
                // instead of the EXPUNGEs, naming only messages this session was told of.
                let uids: Vec<Uid> = self
                    .entries
                    .iter()
                    .filter(|e| e.expunged.is_some())
                    .map(|e| e.uid)
                    .collect();
                out.push(Response::Data(Data::Vanished {
                    earlier: false,
                    uids: crate::server::fetch_items::uid_set(&uids),
                }));
            } else {
                let mut removed = 0u32;
                for (i, e) in self.entries.iter().enumerate() {
                    if e.expunged.is_some() {
                        let seq = View::seq_of(i).0 - removed;
                        out.push(Response::Data(Data::Expunge(seq)));
                        removed += 1;
                    }
                }
            }
            let recent_gone = self
                .entries
                .iter()
                .filter(|e| e.recent && e.expunged.is_some())
                .count();
            self.recent_count -= recent_gone;
            self.entries.retain(|e| e.expunged.is_none());
            self.pending_expunges = 0;
            // RFC 7162 §3.2.10.2: VANISHED "also decrements the number of messages ... it is
            // not necessary for the server to send an EXISTS response"; none is sent.
            announce = std::mem::take(&mut self.expunged_elsewhere) && !self.enabled.qresync;
        }
        let mut arrived = false;
        if let Some(mailbox) = mailbox.as_deref_mut() {
            let first_new = mailbox.messages.partition_point(|m| m.uid <= self.last_uid);
            for m in mailbox.messages.iter_mut().skip(first_new) {
                let recent = m.recent_unclaimed;
                // RFC 3501 §2.3.2: the first session told claims it, an IMAP4rev2 one too (RFC
                // 9051 is silent: it only stops showing \Recent; tests/rev2.rs).
                if recent && !self.read_only {
                    m.recent_unclaimed = false;
                }
                // RFC 9051 Appendix E item 12: no \Recent in an IMAP4rev2 session.
                let recent = recent && !self.enabled.rev2;
                arrived = true;
                self.recent_count += usize::from(recent);
                self.entries.push(Entry {
                    uid: m.uid,
                    recent,
                    expunged: None,
                    changed: false,
                    told: None,
                });
                self.last_uid = m.uid;
                announce = true;
            }
        }
        if announce {
            out.push(Response::Data(Data::Exists(self.exists())));
            // RFC 3501 §7.3.2: RECENT is sent "if the size of the mailbox changes (e.g., new
            // messages)"; this session may have claimed none of them.
            // RFC 9051 Appendix E item 12: no RECENT response in an IMAP4rev2 session.
            if arrived && !self.enabled.rev2 {
                out.push(Response::Data(Data::Recent(self.recent())));
            }
        }
        if let Some(mailbox) = mailbox {
            out.extend(self.announce_keywords(mailbox));
        }
        out
    }

    /// Tells the session of flags changed elsewhere (RFC 3501 §7.4.2), after [`View::flush`]:
    /// `emit` gets each FETCH response's sequence number, flags (with `\Recent` or not), UID
    /// and MODSEQ, in ascending order, for the caller to write straight into its output. The
    /// changed entries are walked once, from the lowest changed UID to the highest.
    pub fn flush_flags(
        &mut self,
        mailbox: &Mailbox,
        condstore_uid: crate::server::policy::CondstoreUid,
        mut emit: impl FnMut(u32, Option<(&Flags, bool)>, Option<u32>, Option<u64>),
    ) {
        // Changes of messages that arrived since: the flush just made them entries.
        for uid in std::mem::take(&mut self.changed_unknown) {
            match self.index_of_uid(uid) {
                Some(i) => {
                    self.mark_changed(i);
                }
                None if uid > self.last_uid => self.changed_unknown.push(uid),
                None => {}
            }
        }
        // RFC 7162 §3.1: once CONDSTORE is enabled, MODSEQ too; §3.2.4: the UID as the
        // condstore-uid decision point reads it.
        let with_uid = self.enabled.uid_in_unsolicited(condstore_uid);
        let condstore = self.enabled.condstore;
        let range = self.changed_range();
        let start = range.start;
        // Both walks go up in UID order, the mailbox's from where the last one stopped.
        let mut next_message = 0;
        for (i, entry) in self
            .entries
            .get_mut(range)
            .unwrap_or_default()
            .iter_mut()
            .enumerate()
        {
            if !std::mem::take(&mut entry.changed) {
                continue;
            }
            // Told now (`View::told_at`), expunged or not.
            entry.told = None;
            if entry.expunged.is_some() {
                continue;
            }
            let Some(p) = mailbox.position_near(entry.uid, next_message) else {
                continue;
            };
            next_message = p + 1;
            if let Some(m) = mailbox.messages.get(p) {
                emit(
                    View::seq_of(start + i).0,
                    Some((&m.flags, entry.recent)),
                    with_uid.then_some(entry.uid.0),
                    condstore.then_some(m.modseq),
                );
            }
        }
        self.flags_changed = 0;
    }

    /// FLAGS and PERMANENTFLAGS again when the mailbox gained keywords since this session was
    /// last told; nothing otherwise. RFC 3501 §7.2.6: FLAGS says which flags the mailbox
    /// defines, so a keyword must be announced before any FETCH response carries it. FLAGS is
    /// no EXPUNGE, so it may be sent during FETCH, STORE and SEARCH too (RFC 3501 §7.4.1).
    pub fn announce_keywords(&mut self, mailbox: &Mailbox) -> Vec<Response> {
        // Keywords are only ever added to a mailbox, so the count says what is new.
        if mailbox.keywords().len() <= self.keywords_known {
            return Vec::new();
        }
        self.keywords_known = mailbox.keywords().len();
        flag_responses(mailbox, self.read_only).into()
    }

    /// The flags this session sees for an entry: live flags from the store, or the ghost's.
    pub fn flags_of(&self, index: Index, mailbox: &Mailbox) -> Vec<Flag> {
        let Some(entry) = self.entries.get(index) else {
            return Vec::new();
        };
        match &entry.expunged {
            Some(ghost) => ghost.flags.to_list(entry.recent),
            None => mailbox
                .message(entry.uid)
                .map(|m| m.flags.to_list(entry.recent))
                .unwrap_or_default(),
        }
    }
}

/// FLAGS and `OK [PERMANENTFLAGS]` for a mailbox (RFC 3501 §7.2.6, §7.1): the system flags and
/// the mailbox's keywords; a read-only session may change none, and `\*` says new keywords
/// may be created.
pub fn flag_responses(mailbox: &Mailbox, read_only: bool) -> [Response; 2] {
    let mut flags = vec![
        Flag::Answered,
        Flag::Flagged,
        Flag::Deleted,
        Flag::Seen,
        Flag::Draft,
    ];
    flags.extend(mailbox.keywords().iter().cloned().map(Flag::Keyword));
    let permanent: Vec<FlagPerm> = if read_only {
        Vec::new()
    } else {
        // RFC 3501 §7.1 PERMANENTFLAGS: `\*` only while new keywords may still be created.
        let more = mailbox.keywords().len() < crate::server::limits::MAILBOX_KEYWORDS;
        flags
            .iter()
            .cloned()
            .map(FlagPerm::Flag)
            .chain(more.then_some(FlagPerm::Wildcard))
            .collect()
    };
    [
        Response::Data(Data::Flags(flags)),
        Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(Code::PermanentFlags(permanent)),
            text: "Limited".to_string(),
        }),
    ]
}

/// A sequence set or UID set with `*` replaced by a number, as disjoint ascending spans
/// `(lo, hi)` (inclusive), merged so no two overlap or touch. RFC 3501 §9 `seq-range`: "2:4
/// and 4:2 are equivalent"; `sequence-set`: "set of seq-number values, regardless of order.
/// Servers MAY coalesce overlaps and/or execute the sequence in any order."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranges(Vec<(u32, u32)>);

impl Ranges {
    /// Normalises and merges `set`, reading `*` as `star` (the largest number in use, RFC 3501
    /// §9 `seq-number`). O(ranges × log ranges) time, O(ranges) memory.
    pub fn of(set: &SequenceSet, star: u32) -> Ranges {
        let mut spans: Vec<(u32, u32)> = set
            .0
            .iter()
            .map(|r| {
                let (a, b) = (bound(r.start, star), bound(r.end, star));
                (a.min(b), a.max(b))
            })
            .collect();
        spans.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(spans.len());
        for (lo, hi) in spans {
            match merged.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        Ranges(merged)
    }

    /// Merges spans `(lo, hi)` given in any order, possibly overlapping.
    pub fn from_spans(mut spans: Vec<(u32, u32)>) -> Ranges {
        spans
            .iter_mut()
            .for_each(|s| *s = (s.0.min(s.1), s.0.max(s.1)));
        spans.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(spans.len());
        for (lo, hi) in spans {
            match merged.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        Ranges(merged)
    }

    /// The numbers in both: O(ranges of both).
    pub fn intersect(&self, other: &Ranges) -> Ranges {
        let mut out = Vec::new();
        let (mut a, mut b) = (self.0.iter().peekable(), other.0.iter().peekable());
        while let (Some(&&(alo, ahi)), Some(&&(blo, bhi))) = (a.peek(), b.peek()) {
            let (lo, hi) = (alo.max(blo), ahi.min(bhi));
            if lo <= hi {
                out.push((lo, hi));
            }
            if ahi < bhi {
                a.next();
            } else {
                b.next();
            }
        }
        Ranges(out)
    }

    /// The numbers of the set that are not in `present` (ascending): O(ranges + present).
    pub fn without(&self, present: impl IntoIterator<Item = u32>) -> Ranges {
        let mut out = Vec::new();
        let mut present = present.into_iter().peekable();
        for &(lo, hi) in &self.0 {
            // `None`: the span is used up (a present number was u32::MAX).
            let mut start = Some(lo);
            while let (Some(&p), Some(from)) = (present.peek(), start) {
                if p > hi {
                    break;
                }
                present.next();
                if p < from {
                    continue;
                }
                if p > from {
                    out.push((from, p - 1));
                }
                start = p.checked_add(1);
            }
            if let Some(from) = start.filter(|&from| from <= hi) {
                out.push((from, hi));
            }
        }
        Ranges(out)
    }

    /// The numbers above `floor`.
    pub fn above(&self, floor: u32) -> Ranges {
        Ranges(
            self.0
                .iter()
                .filter(|&&(_, hi)| hi > floor)
                .map(|&(lo, hi)| (lo.max(floor.saturating_add(1)), hi))
                .collect(),
        )
    }

    /// The set in wire form, or `None` when empty.
    pub fn to_set(&self) -> Option<SequenceSet> {
        if self.0.is_empty() {
            return None;
        }
        Some(SequenceSet(
            self.0
                .iter()
                .map(|&(lo, hi)| crate::protocol::types::SeqRange {
                    start: SeqBound::Num(lo),
                    end: SeqBound::Num(hi),
                })
                .collect(),
        ))
    }

    /// The merged spans, ascending.
    pub fn spans(&self) -> &[(u32, u32)] {
        &self.0
    }

    /// The largest number in the set.
    pub fn last(&self) -> Option<u32> {
        self.0.last().map(|&(_, hi)| hi)
    }

    /// Whether `n` is in the set: O(log ranges).
    pub fn contains(&self, n: u32) -> bool {
        let after = self.0.partition_point(|&(lo, _)| lo <= n);
        after
            .checked_sub(1)
            .and_then(|i| self.0.get(i))
            .is_some_and(|&(_, hi)| n <= hi)
    }
}

fn bound(b: SeqBound, max: u32) -> u32 {
    match b {
        SeqBound::Num(n) => n,
        SeqBound::Star => max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::SeqRange;
    use crate::server::mailstore::mailbox_with;

    fn set(ranges: &[(SeqBound, SeqBound)]) -> SequenceSet {
        SequenceSet(
            ranges
                .iter()
                .map(|&(start, end)| SeqRange { start, end })
                .collect(),
        )
    }

    #[test]
    fn sequence_numbers_past_the_end_are_bad_and_uids_past_the_end_are_ignored() {
        let (mut store, id) = mailbox_with(3);
        let view = View::open(store.get_mut(id).unwrap(), false);
        let s = set(&[(SeqBound::Num(2), SeqBound::Num(9))]);
        assert!(view.resolve(&s, false).is_err());
        assert_eq!(view.resolve(&s, true).unwrap(), vec![1, 2]);
        let star = set(&[(SeqBound::Num(50), SeqBound::Star)]);
        assert_eq!(view.resolve(&star, true).unwrap(), vec![2]);
        let rev = set(&[(SeqBound::Star, SeqBound::Num(1))]);
        assert_eq!(view.resolve(&rev, false).unwrap(), vec![0, 1, 2]);
    }

    #[test]
    fn resolve_within_drops_the_numbers_past_the_end() {
        let (mut store, id) = mailbox_with(3);
        let view = View::open(store.get_mut(id).unwrap(), false);
        let s = set(&[
            (SeqBound::Num(2), SeqBound::Num(9)),
            (SeqBound::Num(7), SeqBound::Num(8)),
        ]);
        assert_eq!(view.resolve_within(&s), vec![1, 2]);
        let beyond = set(&[(SeqBound::Num(4), SeqBound::Num(u32::MAX))]);
        assert_eq!(view.resolve_within(&beyond), Vec::<Index>::new());
        let star = set(&[(SeqBound::Num(9), SeqBound::Star)]);
        assert_eq!(view.resolve_within(&star), vec![2]);
        let (mut store, id) = mailbox_with(0);
        let empty = View::open(store.get_mut(id).unwrap(), false);
        assert_eq!(empty.resolve_within(&star), Vec::<Index>::new());
    }

    /// The resolution before sets were merged: every range expanded, then sorted.
    fn naive(view: &View, s: &SequenceSet, uid: bool) -> Result<Vec<Index>, ()> {
        let mut out = Vec::new();
        for r in &s.0 {
            let max = if uid {
                view.entries.last().map_or(0, |e| e.uid.0)
            } else {
                view.exists()
            };
            let (a, b) = (bound(r.start, max), bound(r.end, max));
            let (lo, hi) = (a.min(b), a.max(b));
            if uid {
                out.extend((0..view.entries.len()).filter(|&i| {
                    let u = view.entries[i].uid.0;
                    lo <= u && u <= hi
                }));
            } else if max == 0 || hi > max {
                return Err(());
            } else {
                out.extend(lo as usize - 1..hi as usize);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    #[test]
    fn overlapping_reversed_and_repeated_ranges_merge() {
        let (mut store, id) = mailbox_with(10);
        let view = View::open(store.get_mut(id).unwrap(), false);
        let (n, star) = (SeqBound::Num, SeqBound::Star);
        let s = set(&[(n(7), n(3)), (n(2), n(4)), (n(9), star), (n(8), n(8))]);
        assert_eq!(
            view.resolve(&s, false).unwrap(),
            vec![1, 2, 3, 4, 5, 6, 7, 8, 9]
        );
        let many = SequenceSet(vec![
            SeqRange {
                start: n(1),
                end: star
            };
            10_000
        ]);
        assert_eq!(view.resolve(&many, false).unwrap().len(), 10);
        assert_eq!(Ranges::of(&many, 10).spans(), &[(1, 10)]);
        // Touching spans merge; a gap keeps them apart.
        let touching = set(&[(n(5), n(6)), (n(1), n(2)), (n(3), n(3))]);
        assert_eq!(Ranges::of(&touching, 10).spans(), &[(1, 3), (5, 6)]);
        let r = Ranges::of(&touching, 10);
        let inside: Vec<u32> = (0..9).filter(|&k| r.contains(k)).collect();
        assert_eq!(inside, vec![1, 2, 3, 5, 6]);
        // u32::MAX does not overflow the merge.
        let top = set(&[(n(u32::MAX), n(u32::MAX)), (n(1), n(u32::MAX))]);
        assert_eq!(Ranges::of(&top, 10).spans(), &[(1, u32::MAX)]);
    }

    #[test]
    fn span_arithmetic_for_vanished() {
        let r = Ranges::from_spans(vec![(9, 7), (1, 3), (4, 4), (20, 20)]);
        assert_eq!(r.spans(), &[(1, 4), (7, 9), (20, 20)]);
        let other = Ranges::from_spans(vec![(3, 8), (20, 30)]);
        assert_eq!(r.intersect(&other).spans(), &[(3, 4), (7, 8), (20, 20)]);
        assert_eq!(
            r.without([2, 3, 8, 20]).spans(),
            &[(1, 1), (4, 4), (7, 7), (9, 9)]
        );
        assert_eq!(r.above(7).spans(), &[(8, 9), (20, 20)]);
        let top = Ranges::from_spans(vec![(u32::MAX - 1, u32::MAX)]);
        assert_eq!(
            top.without([u32::MAX]).spans(),
            &[(u32::MAX - 1, u32::MAX - 1)]
        );
        assert_eq!(top.without([u32::MAX - 1]).spans(), &[(u32::MAX, u32::MAX)]);
        assert!(Ranges::from_spans(vec![]).to_set().is_none());
    }

    #[test]
    fn empty_mailbox_sequence_numbers_and_star_are_bad_uids_are_nothing() {
        let (mut store, id) = mailbox_with(0);
        let view = View::open(store.get_mut(id).unwrap(), false);
        let star = set(&[(SeqBound::Star, SeqBound::Star)]);
        // RFC 3501 §9 seq-number: "This includes "*" if the selected mailbox is empty."
        assert!(view.resolve(&star, false).is_err());
        assert_eq!(view.resolve(&star, true).unwrap(), Vec::<Index>::new());
    }

    /// RFC 5182 §2.1: `$` empty is a valid, non-matching set, in an empty mailbox too; `$` held
    /// as UIDs is written in either number space, and a UID no longer in the view is not named.
    #[test]
    fn the_saved_result_in_both_number_spaces() {
        let (mut store, id) = mailbox_with(0);
        let empty = View::open(store.get_mut(id).unwrap(), false);
        let dollar = SequenceSet::last_result();
        assert_eq!(empty.resolve(&dollar, false).unwrap(), Vec::<Index>::new());
        assert!(empty.last_result(false).is_last_result());
        let (mut store, id) = mailbox_with(6);
        let mut view = View::open(store.get_mut(id).unwrap(), false);
        assert_eq!(view.resolve(&dollar, false).unwrap(), Vec::<Index>::new());
        view.entries.retain(|e| e.uid.0 != 3);
        view.saved = Ranges::from_spans(vec![(2, 4), (6, 6)]);
        let seqs = Ranges::of(&view.last_result(false), 0);
        assert_eq!(seqs.spans(), &[(2, 3), (5, 5)]);
        let uids = Ranges::of(&view.last_result(true), 0);
        assert_eq!(uids.spans(), &[(2, 4), (6, 6)]);
        assert_eq!(
            view.resolve(&view.last_result(true), true).unwrap(),
            vec![1, 2, 4]
        );
    }

    /// Random sets on random views (with gaps in the UIDs) resolve as the naive expansion does.
    #[test]
    fn merged_resolution_agrees_with_naive_expansion() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        for _ in 0..500 {
            let (mut store, id) = mailbox_with(next(12) as usize);
            let mb = store.get_mut(id).unwrap();
            // Gaps in the UIDs, as after an EXPUNGE.
            let drop = next(4) as u32;
            mb.messages
                .retain(|m| drop == 0 || m.uid.0 % drop != 0 || m.uid.0 == 1);
            let view = View::open(mb, false);
            let count = 1 + next(6);
            let mut bound_of = || match next(6) {
                0 => SeqBound::Star,
                _ => SeqBound::Num(1 + next(15) as u32),
            };
            let ranges: Vec<SeqRange> = (0..count)
                .map(|_| SeqRange {
                    start: bound_of(),
                    end: bound_of(),
                })
                .collect();
            let s = SequenceSet(ranges);
            for uid in [false, true] {
                assert_eq!(
                    view.resolve(&s, uid).map_err(|_| ()),
                    naive(&view, &s, uid),
                    "{s:?} uid={uid} on {} messages",
                    view.entries.len()
                );
            }
        }
    }

    #[test]
    fn expunges_are_reported_ascending_each_as_it_is_after_the_previous() {
        let (mut store, id) = mailbox_with(7);
        let mut view = View::open(store.get_mut(id).unwrap(), false);
        let mb = store.get_mut(id).unwrap();
        for uid in 4..=7 {
            let m = mb.message(Uid(uid)).unwrap();
            let ghost = Ghost {
                data: m.data.clone(),
                flags: m.flags.clone(),
                modseq: m.modseq,
                told: None,
            };
            view.mark_expunged(Uid(uid), ghost, false);
        }
        mb.messages.retain(|m| m.uid.0 < 4);
        assert!(view.flush(Some(mb), false).is_empty());
        assert_eq!(view.exists(), 7);
        let out = view.flush(Some(mb), true);
        let expected: Vec<Response> = [4, 4, 4, 4]
            .iter()
            .map(|&n| Response::Data(Data::Expunge(n)))
            .chain([Response::Data(Data::Exists(3))])
            .collect();
        assert_eq!(out, expected);
    }

    #[test]
    fn flag_changes_are_counted_told_once_and_walked_in_order() {
        let (mut store, id) = mailbox_with(7);
        let mb = store.get_mut(id).unwrap();
        let mut view = View::open(mb, false);
        let mut shared = SharedFlags::default();
        let changes: Vec<(Uid, Arc<Flags>)> = [6, 2, 9]
            .iter()
            .map(|&u| (Uid(u), shared.share(Flags::default())))
            .collect();
        // 9 is not known to the view yet; 2 is found out of order.
        view.flags_changed_from_all(&changes);
        view.flags_changed_from_all(&changes[..1]);
        assert_eq!(view.flag_changes(), 3);
        assert_eq!(view.changed_uids(), [Uid(2), Uid(6), Uid(9)]);
        // The flags before are kept once for all the entries.
        let told = |v: &View, i: usize| v.entries[i].told.clone().unwrap();
        assert!(Arc::ptr_eq(&told(&view, 1), &told(&view, 5)));
        view.told_at(1);
        view.told_at(1);
        assert_eq!(view.flag_changes(), 2);
        assert!(view.entries[1].told.is_none());
        let mut emitted = Vec::new();
        view.flush_flags(
            mb,
            crate::server::policy::CondstoreUid::Qresync,
            |seq, _, _, _| emitted.push(seq),
        );
        assert_eq!(emitted, [6]);
        // 9 is still owed, for when the view learns of it.
        assert_eq!(view.changed_uids(), [Uid(9)]);
        assert!(view.entries.iter().all(|e| !e.changed && e.told.is_none()));
        // Expunged before the view learns of it: nothing is owed.
        let ghost = Ghost {
            data: mb.message(Uid(1)).unwrap().data.clone(),
            flags: Flags::default(),
            modseq: 1,
            told: None,
        };
        view.mark_expunged(Uid(9), ghost, false);
        assert_eq!(view.flag_changes(), 0);
    }

    /// Equal flags before a change are one value however they alternate; unequal ones are not.
    #[test]
    fn shared_flags_keep_each_distinct_value_once() {
        let mut shared = SharedFlags::default();
        let deleted = || Flags::from_list(&[Flag::Deleted]);
        let none = shared.share(Flags::default());
        let del = shared.share(deleted());
        assert!(!Arc::ptr_eq(&none, &del));
        assert_eq!(*del, deleted());
        for _ in 0..3 {
            assert!(Arc::ptr_eq(&shared.share(Flags::default()), &none));
            assert!(Arc::ptr_eq(&shared.share(deleted()), &del));
        }
        let keyword = Flags::from_list(&[Flag::Keyword("k".into())]);
        assert_eq!(*shared.share(keyword.clone()), keyword);
        assert!(Arc::ptr_eq(&shared.share(Flags::default()), &none));
    }

    #[test]
    fn recent_goes_to_the_first_read_write_session_only() {
        let (mut store, id) = mailbox_with(2);
        let examine = View::open(store.get_mut(id).unwrap(), true);
        assert_eq!(examine.recent(), 2);
        let first = View::open(store.get_mut(id).unwrap(), false);
        let second = View::open(store.get_mut(id).unwrap(), false);
        assert_eq!((first.recent(), second.recent()), (2, 0));
    }
}
