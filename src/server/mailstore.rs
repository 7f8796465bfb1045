//! The mailbox store: every mailbox, its messages and their UIDs and flags, subscriptions, and
//! the mailboxes that were deleted while selected ("ghosts", RFC 2180 §3.2). It knows nothing of
//! sessions beyond the numbers the session layer gives it.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::protocol::types::{DateTime, EncodedEnvelope, Flag, StoreKind, MAX_MOD_SEQUENCE};
use crate::server::mime::{MimeMessage, TextShape};
use crate::server::vecmap::{VecMap, VecSet};

/// The hierarchy delimiter (RFC 3501 §5.1.1); advertised by LIST and NAMESPACE.
pub const DELIMITER: char = '/';

/// A message's unique identifier within one UIDVALIDITY (RFC 3501 §2.3.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Uid(pub u32);

/// A message sequence number as one session sees it (RFC 3501 §2.3.1.2): 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SeqNum(pub u32);

/// The identity of a mailbox, stable across RENAME and distinct after DELETE + CREATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct MailboxId(pub u64);

/// The flags of one message: the system flags as bits, keywords by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    system: u8,
    /// In the spelling first used; compared case-insensitively (RFC 3501 §2.3.2: keywords are
    /// atoms, and servers treat them case-insensitively). Boxed, and `None` when there are none
    /// (never an empty list, so equality holds), so a message without keywords spends one word
    /// on them rather than two `Vec`s (issue 14's memory row).
    keywords: Option<Box<Keywords>>,
}

/// Keywords in the order they were added, each with a hash of its ASCII-folded spelling, so a
/// lookup compares one number per keyword and the spelling only on a hash match: STORE, COPY
/// and SEARCH test every flag of every message of a set against these lists.
#[derive(Debug, Default, PartialEq, Eq)]
struct Keywords {
    names: Vec<String>,
    folded: Vec<u64>,
}

impl Clone for Keywords {
    /// Most messages have no keywords: their flags are copied for every message a STORE or
    /// FETCH reports, so that case does not go through two vectors' general copy.
    fn clone(&self) -> Self {
        if self.names.is_empty() {
            Keywords::default()
        } else {
            Keywords {
                names: self.names.clone(),
                folded: self.folded.clone(),
            }
        }
    }
}

/// FNV-1a over the ASCII-lower-cased octets: equal for keywords that compare equal.
pub(crate) fn fold_hash(k: &str) -> u64 {
    k.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Keywords {
    fn position(&self, k: &str) -> Option<usize> {
        let h = fold_hash(k);
        self.folded
            .iter()
            .zip(&self.names)
            .position(|(&f, name)| f == h && name.eq_ignore_ascii_case(k))
    }

    fn get(&self, k: &str) -> Option<&String> {
        self.position(k).and_then(|i| self.names.get(i))
    }

    /// Adds `k` unless present (in any case).
    fn add(&mut self, k: &str) {
        if self.position(k).is_none() {
            self.folded.push(fold_hash(k));
            self.names.push(k.to_string());
        }
    }

    fn remove(&mut self, k: &str) {
        if let Some(i) = self.position(k) {
            self.names.remove(i);
            self.folded.remove(i);
        }
    }
}

const ANSWERED: u8 = 1;
const FLAGGED: u8 = 2;
const DELETED: u8 = 4;
const SEEN: u8 = 8;
const DRAFT: u8 = 16;

fn system_bit(flag: &Flag) -> Option<u8> {
    match flag {
        Flag::Answered => Some(ANSWERED),
        Flag::Flagged => Some(FLAGGED),
        Flag::Deleted => Some(DELETED),
        Flag::Seen => Some(SEEN),
        Flag::Draft => Some(DRAFT),
        Flag::Recent | Flag::Keyword(_) | Flag::Extension(_) => None,
    }
}

impl Flags {
    /// Whether the flag is set. `\Recent` is per session and never stored here.
    pub fn contains(&self, flag: &Flag) -> bool {
        match (system_bit(flag), flag) {
            (Some(bit), _) => self.system & bit != 0,
            (None, Flag::Keyword(k)) => self.has_keyword(k),
            (None, _) => false,
        }
    }

    /// Whether keyword `k` is set (in any case), without building a [`Flag`] for it.
    pub fn has_keyword(&self, k: &str) -> bool {
        self.keywords
            .as_ref()
            .is_some_and(|w| w.position(k).is_some())
    }

    /// Sets a flag; `\Recent` cannot be set by a client (RFC 3501 §2.3.2) and is ignored, as
    /// are unknown `\Extension` flags (not in PERMANENTFLAGS).
    pub fn insert(&mut self, flag: &Flag) {
        match (system_bit(flag), flag) {
            (Some(bit), _) => self.system |= bit,
            (None, Flag::Keyword(k)) => self.keywords.get_or_insert_with(Box::default).add(k),
            (None, _) => {}
        }
    }

    pub fn remove(&mut self, flag: &Flag) {
        match (system_bit(flag), flag) {
            (Some(bit), _) => self.system &= !bit,
            (None, Flag::Keyword(k)) => {
                if let Some(w) = self.keywords.as_mut() {
                    w.remove(k);
                    if w.names.is_empty() {
                        self.keywords = None;
                    }
                }
            }
            (None, _) => {}
        }
    }

    /// Builds the set from a client's list.
    pub fn from_list(flags: &[Flag]) -> Flags {
        let mut f = Flags::default();
        for flag in flags {
            f.insert(flag);
        }
        f
    }

    /// The flags in the order servers conventionally list them; `recent` adds `\Recent`.
    pub fn to_list(&self, recent: bool) -> Vec<Flag> {
        let mut out = Vec::new();
        for (bit, flag) in [
            (ANSWERED, Flag::Answered),
            (FLAGGED, Flag::Flagged),
            (DELETED, Flag::Deleted),
            (SEEN, Flag::Seen),
            (DRAFT, Flag::Draft),
        ] {
            if self.system & bit != 0 {
                out.push(flag);
            }
        }
        if recent {
            out.push(Flag::Recent);
        }
        out.extend(self.keywords().cloned().map(Flag::Keyword));
        out
    }

    /// The system flags set, as they are written (RFC 3501 §9 `flag`), in [`Flags::to_list`]'s
    /// order, each followed by a space, each handed to `put`.
    pub fn write_system(&self, put: &mut impl FnMut(&'static [u8])) {
        // In bit order: ANSWERED, FLAGGED, DELETED, SEEN, DRAFT.
        const NAMES: [&[u8]; 5] = [
            b"\\Answered ",
            b"\\Flagged ",
            b"\\Deleted ",
            b"\\Seen ",
            b"\\Draft ",
        ];
        // Only the bits set are visited (most messages have one or none), lowest first.
        let mut bits = self.system;
        while bits != 0 {
            if let Some(name) = NAMES.get(bits.trailing_zeros() as usize) {
                put(name);
            }
            bits &= bits - 1;
        }
    }

    /// Whether any keyword is set (the FLAGS writer copies its line out before writing them).
    pub fn has_keywords(&self) -> bool {
        self.keywords.as_ref().is_some_and(|w| !w.names.is_empty())
    }

    pub fn keywords(&self) -> impl Iterator<Item = &String> {
        self.keywords.iter().flat_map(|w| w.names.iter())
    }
}

/// A STORE that names system flags only (RFC 3501 §6.4.6), as bits: the flags become
/// `(flags & !clear) | set`, and lose every keyword when `no_keywords` (FLAGS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemChange {
    set: u8,
    clear: u8,
    no_keywords: bool,
}

impl SystemChange {
    /// The change, or `None` when `flags` names a keyword. `\Recent` and unknown
    /// `\Extension` flags change nothing, as in [`Flags::insert`] and [`Flags::remove`].
    pub fn of(kind: StoreKind, flags: &[Flag]) -> Option<SystemChange> {
        let mut bits = 0;
        for flag in flags {
            match (system_bit(flag), flag) {
                (Some(bit), _) => bits |= bit,
                (None, Flag::Keyword(_)) => return None,
                (None, _) => {}
            }
        }
        Some(match kind {
            StoreKind::Replace => SystemChange {
                set: bits,
                clear: !0,
                no_keywords: true,
            },
            StoreKind::Add => SystemChange {
                set: bits,
                clear: 0,
                no_keywords: false,
            },
            StoreKind::Remove => SystemChange {
                set: 0,
                clear: bits,
                no_keywords: false,
            },
        })
    }
}

/// The immutable part of a message: shared between the store and the ghosts sessions keep.
#[derive(Debug)]
pub struct MessageData {
    /// The RFC 5322 octets exactly as appended.
    pub raw: Box<[u8]>,
    pub internal_date: DateTime,
    mime: OnceLock<MimeMessage>,
    /// ENVELOPE, computed the first time it is fetched and copied by every later FETCH; shared by
    /// every copy of the message (COPY shares the data): building it parses the header's
    /// address lists, which cost more than the rest of a FETCH (BENCHMARKS.md, issue 11). Kept
    /// in its wire form, one byte string (about a fifth of the struct's memory, and a FETCH
    /// copies it instead of encoding it again). The slice's box is boxed again so the field is
    /// one word, not two: every message pays for the field, only fetched ones for the octets
    /// (issue 14's memory row, `per_message_structures_stay_small`).
    envelope: OnceLock<Box<Box<[u8]>>>,
    /// [`TextShape`] for SEARCH BODY and TEXT, found the first time one runs (0: not yet), so
    /// that a search needs no part tree of a message whose body is its text. One octet, which
    /// sits in the struct's padding (its size is unchanged, `text_shape_costs_no_memory`).
    text_shape: AtomicU8,
}

impl MessageData {
    pub fn new(raw: Vec<u8>, internal_date: DateTime) -> Arc<MessageData> {
        let data = Arc::new(MessageData {
            // Boxed: no spare capacity kept, and one word less than a `Vec` (issue 14's memory
            // row).
            raw: raw.into_boxed_slice(),
            internal_date,
            mime: OnceLock::new(),
            envelope: OnceLock::new(),
            text_shape: AtomicU8::new(0),
        });
        // The text shape is found when the message is stored (about 2.6k instructions a
        // message, callgrind 2026-12-02), so the first SEARCH BODY/TEXT costs what a repeated
        // one does: issue 14 asks for both under 50 ms.
        data.text_shape();
        data
    }

    /// What SEARCH BODY and TEXT read ([`crate::server::mime::text_shape`]), computed once.
    pub fn text_shape(&self) -> TextShape {
        // Relaxed: the value is a function of `raw`, so a race at worst computes it twice.
        match self.text_shape.load(Ordering::Relaxed) {
            1 => TextShape::AsWritten,
            2 => TextShape::Empty,
            3 => TextShape::Decoded,
            _ => {
                let shape = crate::server::mime::text_shape(&self.raw);
                let code = match shape {
                    TextShape::AsWritten => 1,
                    TextShape::Empty => 2,
                    TextShape::Decoded => 3,
                };
                self.text_shape.store(code, Ordering::Relaxed);
                shape
            }
        }
    }

    /// The MIME structure, parsed the first time it is needed.
    pub fn mime(&self) -> &MimeMessage {
        self.mime.get_or_init(|| MimeMessage::parse(&self.raw))
    }

    /// ENVELOPE (RFC 3501 §7.4.2), computed once.
    pub fn envelope(&self) -> EncodedEnvelope {
        EncodedEnvelope::from_wire(self.envelope.get_or_init(|| {
            // An envelope is mostly its header's text: room for that at once.
            let mut wire = Vec::with_capacity(self.raw.len().min(1024));
            crate::server::mime::write_envelope(&self.raw, &mut wire);
            Box::new(wire.into_boxed_slice())
        }))
    }

    /// RFC822.SIZE: the exact number of octets (RFC 3501 §6.4.5).
    pub fn size(&self) -> u32 {
        u32::try_from(self.raw.len()).unwrap_or(u32::MAX)
    }
}

/// One message in a mailbox.
#[derive(Debug, Clone)]
pub struct Message {
    pub uid: Uid,
    pub flags: Flags,
    /// Not yet claimed by any session as `\Recent` (RFC 3501 §2.3.2: exactly one session sees
    /// a message as recent; the first one told of it).
    pub recent_unclaimed: bool,
    pub data: Arc<MessageData>,
    /// The message's mod-sequence (RFC 7162 §3.1): the mailbox's mod-sequence when it arrived
    /// or its flags last changed. Set only by [`Mailbox`], which keeps it below
    /// [`Mailbox::highest_modseq`].
    pub modseq: u64,
}

/// How many spans of expunged UIDs a mailbox remembers with their mod-sequences, for QRESYNC
/// (RFC 7162 §3.2.5.1, §3.2.6; §5 lets a server remember less). One expunge is one span per
/// run of messages adjacent in the mailbox, so `EXPUNGE` of a thousand adjacent messages costs
/// one. When full the oldest spans are forgotten, and a client whose mod-sequence is older is
/// told of every UID of its set that is not in the mailbox (RFC 7162 §3.2.6: "MUST behave as if
/// it was requested to report all expunged messages from the provided UID set").
pub const EXPUNGED_SPANS: usize = 4096;

/// The expunged UIDs a mailbox remembers, each span `(modseq, first uid, last uid)` in the
/// order they were expunged, so mod-sequences ascend. A span may cover UIDs that were expunged
/// earlier or never used: it is read only for `VANISHED (EARLIER)`, which may name any UID
/// not in the mailbox (RFC 7162 §3.2.10).
#[derive(Debug, Clone, Default)]
pub struct ExpungeRecord {
    spans: VecDeque<(u64, u32, u32)>,
    /// Expunges with mod-sequences up to this one may have been forgotten (0: none were).
    forgotten_through: u64,
}

/// One mailbox.
#[derive(Debug, Clone)]
pub struct Mailbox {
    pub id: MailboxId,
    /// The wire name (modified UTF-7, RFC 3501 §5.1.3); `INBOX` always upper case.
    pub name: String,
    pub uid_validity: u32,
    /// RFC 3501 §2.3.1.1: the next UID to assign; strictly ascending, never reused.
    pub uid_next: u32,
    /// Sorted by UID.
    pub messages: Vec<Message>,
    /// A parent that exists only to hold children (RFC 3501 §6.3.4: deleting a mailbox with
    /// inferiors leaves it `\Noselect`).
    pub noselect: bool,
    /// Deleted while selected, kept for the sessions that still have it (RFC 2180 §3.2).
    pub deleted: bool,
    /// Its special uses (RFC 6154 §2), among [`SPECIAL_USES`]; they go with it when renamed.
    pub special_use: Vec<&'static str>,
    /// A deleted mailbox's name cannot be created again while it is kept (RFC 2180 §3.2),
    /// unless [`Store::release_name`] freed it (Dovecot 2.3 frees it at once).
    pub holds_name: bool,
    /// See [`Mailbox::keywords`].
    keywords: Keywords,
    /// RFC 7162 §3.1.2.1 HIGHESTMODSEQ: the last mod-sequence given out in this mailbox, to a
    /// message or to an expunge. Only ever increases.
    highest_modseq: u64,
    /// Expunged UIDs and their mod-sequences (RFC 7162 §3.2.7).
    expunged: ExpungeRecord,
}

impl Mailbox {
    /// The index in `messages` of the message with this UID.
    pub fn position(&self, uid: Uid) -> Option<usize> {
        self.messages.binary_search_by_key(&uid, |m| m.uid).ok()
    }

    /// [`Mailbox::position`], trying `hint` first (the next message of a walk in UID order).
    pub fn position_near(&self, uid: Uid, hint: usize) -> Option<usize> {
        match self.messages.get(hint) {
            Some(m) if m.uid == uid => Some(hint),
            _ => self.position(uid),
        }
    }

    pub fn message(&self, uid: Uid) -> Option<&Message> {
        self.position(uid).and_then(|i| self.messages.get(i))
    }

    pub fn message_mut(&mut self, uid: Uid) -> Option<&mut Message> {
        self.position(uid).and_then(|i| self.messages.get_mut(i))
    }

    /// Appends a message, assigning the next UID and a new mod-sequence (RFC 7162 §3.1: "the
    /// server generates a new modification sequence that is higher than the highest
    /// modification sequence of all messages in the mailbox"). Returns the UID, or `None` when
    /// UIDs are used up (the client is told to expect a new UIDVALIDITY; never happens in
    /// practice).
    pub fn append(&mut self, data: Arc<MessageData>, flags: Flags) -> Option<Uid> {
        self.register_keywords(&flags);
        let uid = Uid(self.uid_next);
        self.uid_next = self.uid_next.checked_add(1)?;
        let modseq = self.next_modseq();
        self.messages.push(Message {
            uid,
            flags,
            recent_unclaimed: true,
            data,
            modseq,
        });
        Some(uid)
    }

    /// RFC 7162 §3.1.2.1: the highest mod-sequence of the mailbox (at least 1).
    pub fn highest_modseq(&self) -> u64 {
        self.highest_modseq
    }

    /// Gives out the next mod-sequence: strictly greater than every one before in this mailbox
    /// (RFC 7162 §3.1). 2^63 - 1 is never reached in practice (one change a nanosecond for
    /// three centuries); the counter stays there rather than wrap.
    fn next_modseq(&mut self) -> u64 {
        self.highest_modseq = self.highest_modseq.saturating_add(1).min(MAX_MOD_SEQUENCE);
        self.highest_modseq
    }

    /// Replaces a message's flags. When they differ, the message gets a new mod-sequence
    /// (RFC 7162 §3.1: "Whenever the state of a flag changes ... the value of the modification
    /// sequence for the message MUST be updated"; setting a flag already set "SHOULD NOT
    /// change the mod-sequence"). Returns whether they changed.
    pub fn set_flags(&mut self, uid: Uid, flags: Flags) -> bool {
        match self.position(uid) {
            Some(i) => self.set_flags_at(i, flags),
            None => false,
        }
    }

    /// [`Mailbox::set_flags`] of the message at position `i` of `messages`.
    pub fn set_flags_at(&mut self, i: usize, flags: Flags) -> bool {
        if self.messages.get(i).is_none_or(|m| m.flags == flags) {
            return false;
        }
        self.register_keywords(&flags);
        let modseq = self.next_modseq();
        if let Some(m) = self.messages.get_mut(i) {
            m.flags = flags;
            m.modseq = modseq;
        }
        true
    }

    /// Changes the flags of the message at `i` with `change`, as [`Mailbox::set_flags_at`]
    /// does (a new mod-sequence only when they differ, RFC 7162 §3.1), in place: one lookup,
    /// and the keywords not registered again. The caller registered every keyword `change`
    /// adds (STORE: [`Mailbox::canonical_flags`]). Returns the flags before, when they changed.
    pub fn change_flags_at(&mut self, i: usize, change: impl FnOnce(&mut Flags)) -> Option<Flags> {
        let modseq = self.highest_modseq.saturating_add(1).min(MAX_MOD_SEQUENCE);
        let m = self.messages.get_mut(i)?;
        let mut after = m.flags.clone();
        change(&mut after);
        if after == m.flags {
            return None;
        }
        m.modseq = modseq;
        self.highest_modseq = modseq;
        Some(std::mem::replace(&mut m.flags, after))
    }

    /// [`Mailbox::change_flags_at`] for a change of system flags only, on their bits: no copy
    /// of the flags to compare unless they change (a STORE 1:* is one a message, issue 14).
    pub fn change_system_at(&mut self, i: usize, change: SystemChange) -> Option<Flags> {
        let modseq = self.highest_modseq.saturating_add(1).min(MAX_MOD_SEQUENCE);
        let m = self.messages.get_mut(i)?;
        let system = (m.flags.system & !change.clear) | change.set;
        let drop_keywords = change.no_keywords && m.flags.keywords.is_some();
        if system == m.flags.system && !drop_keywords {
            return None;
        }
        let before = m.flags.clone();
        m.flags.system = system;
        if drop_keywords {
            m.flags.keywords = None;
        }
        m.modseq = modseq;
        self.highest_modseq = modseq;
        Some(before)
    }

    /// Removes the messages with these UIDs (sorted) and returns them. The expunge takes one
    /// new mod-sequence, remembered with every UID removed (RFC 7162 §3.2.7, §3.2.9: "increment
    /// the per-mailbox mod-sequence if at least one message was permanently removed ... For
    /// each permanently removed message, the server MUST remember the incremented
    /// mod-sequence and corresponding UID").
    pub fn remove(&mut self, uids: &[Uid]) -> Vec<Message> {
        let mut removed = Vec::new();
        let mut spans: Vec<(u32, u32)> = Vec::new();
        let mut previous_removed = false;
        let mut kept = Vec::with_capacity(self.messages.len());
        // Both in UID order: one walk over the two, not a search per message.
        let mut doomed = uids.iter();
        let mut next = doomed.next();
        for m in std::mem::take(&mut self.messages) {
            while next.is_some_and(|&u| u < m.uid) {
                next = doomed.next();
            }
            if next == Some(&m.uid) {
                match spans.last_mut() {
                    Some(last) if previous_removed => last.1 = m.uid.0,
                    _ => spans.push((m.uid.0, m.uid.0)),
                }
                previous_removed = true;
                removed.push(m);
            } else {
                previous_removed = false;
                kept.push(m);
            }
        }
        self.messages = kept;
        if removed.is_empty() {
            return removed;
        }
        let modseq = self.next_modseq();
        let record = &mut self.expunged;
        record
            .spans
            .extend(spans.into_iter().map(|(lo, hi)| (modseq, lo, hi)));
        while record.spans.len() > EXPUNGED_SPANS {
            if let Some((forgotten, _, _)) = record.spans.pop_front() {
                record.forgotten_through = forgotten;
            }
        }
        removed
    }

    /// The UIDs expunged with a mod-sequence above `modseq`, as spans (unsorted, may overlap),
    /// or `None` when some of them may have been forgotten ([`EXPUNGED_SPANS`]).
    pub fn expunged_since(&self, modseq: u64) -> Option<Vec<(u32, u32)>> {
        if modseq < self.expunged.forgotten_through {
            return None;
        }
        // Mod-sequences ascend: the spans wanted are a suffix.
        let first = self
            .expunged
            .spans
            .partition_point(|&(m, _, _)| m <= modseq);
        Some(
            self.expunged
                .spans
                .iter()
                .skip(first)
                .map(|&(_, lo, hi)| (lo, hi))
                .collect(),
        )
    }

    /// How many expunge spans are remembered, for tests and inspectors.
    pub fn expunged_spans(&self) -> usize {
        self.expunged.spans.len()
    }

    pub fn unseen_count(&self) -> u32 {
        count(
            self.messages
                .iter()
                .filter(|m| !m.flags.contains(&Flag::Seen)),
        )
    }

    /// STATUS DELETED (RFC 9051 §6.3.11).
    pub fn deleted_count(&self) -> u32 {
        count(
            self.messages
                .iter()
                .filter(|m| m.flags.contains(&Flag::Deleted)),
        )
    }

    /// STATUS DELETED-STORAGE (RFC 9208 §4.1.4): the octets of the `\Deleted` messages.
    pub fn deleted_size(&self) -> u64 {
        self.messages
            .iter()
            .filter(|m| m.flags.contains(&Flag::Deleted))
            .map(|m| u64::from(m.data.size()))
            .fold(0, u64::saturating_add)
    }

    /// STATUS SIZE (RFC 9051 §6.3.11): the sum of the messages' RFC822.SIZE.
    pub fn size(&self) -> u64 {
        self.messages
            .iter()
            .map(|m| u64::from(m.data.size()))
            .fold(0, u64::saturating_add)
    }

    pub fn recent_count(&self) -> u32 {
        count(self.messages.iter().filter(|m| m.recent_unclaimed))
    }

    /// The keywords defined in this mailbox, in the order they first appeared: the FLAGS
    /// response (RFC 3501 §7.2.6). Never shrinks, so sessions can tell what is new by count.
    pub fn keywords(&self) -> &[String] {
        &self.keywords.names
    }

    /// Registers the keywords of a client's flag list and returns the list with each keyword in
    /// the mailbox's spelling (the first one used), so `$important` stores as `$Important`.
    pub fn canonical_flags(&mut self, flags: &[Flag]) -> Vec<Flag> {
        self.register_keywords(&Flags::from_list(flags));
        flags
            .iter()
            .map(|f| match f {
                Flag::Keyword(k) => {
                    Flag::Keyword(self.keywords.get(k).cloned().unwrap_or_else(|| k.clone()))
                }
                other => other.clone(),
            })
            .collect()
    }

    /// How many distinct keywords in `flags` the mailbox does not have yet.
    pub fn new_keywords(&self, flags: &[Flag]) -> usize {
        let mut new = Keywords::default();
        for f in flags {
            if let Flag::Keyword(k) = f {
                if self.keywords.position(k).is_none() {
                    new.add(k);
                }
            }
        }
        new.names.len()
    }

    /// Records the keywords of `flags` that the mailbox did not have yet.
    pub fn register_keywords(&mut self, flags: &Flags) {
        for k in flags.keywords() {
            self.keywords.add(k);
        }
    }
}

/// Keywords every mailbox offers (common client keywords), so FLAGS is useful from the start.
const DEFAULT_KEYWORDS: &[&str] = &["$Forwarded", "$Junk", "$NotJunk"];

fn count<I: Iterator>(it: I) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}

/// Why a store operation failed; the session layer turns it into NO with a response code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// RFC 9051 §7.1 NONEXISTENT.
    NoSuchMailbox,
    /// RFC 9051 §7.1 ALREADYEXISTS.
    AlreadyExists,
    /// The name belongs to a deleted mailbox still selected somewhere (RFC 2180 §3.2).
    StillInUse,
    /// INBOX cannot be deleted (RFC 3501 §6.3.4).
    CannotDeleteInbox,
    /// DELETE of a `\Noselect` mailbox with children (RFC 3501 §6.3.4).
    HasChildren,
    /// An invalid name (empty, a bad hierarchy).
    BadName(String),
}

/// The special uses a mailbox can be given (RFC 6154 §2), as attribute names without `\`.
/// `\All` and `\Flagged` are left out: they describe virtual mailboxes gathering messages
/// from the others ("almost certain to represent a virtual mailbox", §2), which this store
/// does not have, so CREATE refuses them with `NO [USEATTR]` (§3).
pub const SPECIAL_USES: &[&str] = &["Archive", "Drafts", "Junk", "Sent", "Trash"];

/// All mailboxes and users.
#[derive(Debug, Clone)]
pub struct Store {
    mailboxes: HashMap<MailboxId, Mailbox>,
    /// Live names (canonical: INBOX upper case) to mailboxes. Ghosts are not in here.
    names: VecMap<String, MailboxId>,
    /// Subscriptions per user (RFC 3501 §6.3.6): names, which need not exist.
    subscriptions: VecMap<String, VecSet<String>>,
    /// old name -> new name, for RFC 2180 §3.4's NEWNAME hint.
    renamed: VecMap<String, String>,
    next_id: u64,
    /// Source of UIDVALIDITY values: each new mailbox takes the next, so a name deleted and
    /// created again gets a different one (RFC 3501 §2.3.1.1, RFC 2683 §3.4.3).
    next_uid_validity: u32,
    /// Quota limits per user (RFC 9208): none, unlimited, unless set.
    quotas: VecMap<String, QuotaLimits>,
}

/// A user's quota limits (RFC 9208 §5.1, §5.2) over the one quota root that covers every
/// mailbox of the shared store; `None` is no limit on that resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QuotaLimits {
    /// STORAGE, in units of 1024 octets (RFC 9208 §5.1).
    pub storage_kib: Option<u64>,
    /// MESSAGE, a number of messages (RFC 9208 §5.2).
    pub messages: Option<u64>,
}

impl QuotaLimits {
    /// Whether any resource is limited.
    pub fn any(&self) -> bool {
        self.storage_kib.is_some() || self.messages.is_some()
    }

    /// Whether the store would exceed a limit after adding `messages` messages of `octets`
    /// octets to `usage`.
    pub fn exceeded_by(&self, usage: QuotaUsage, octets: u64, messages: u64) -> bool {
        let storage = self
            .storage_kib
            .is_some_and(|kib| usage.octets.saturating_add(octets) > kib.saturating_mul(1024));
        let count = self
            .messages
            .is_some_and(|max| usage.messages.saturating_add(messages) > max);
        storage || count
    }
}

/// What the store holds, for quota (RFC 9208 §5.1, §5.2): the messages of every live
/// mailbox, those flagged `\Deleted` and not yet expunged included (they take room until an
/// EXPUNGE frees it, RFC 9208 §4.1.4 DELETED-STORAGE).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QuotaUsage {
    pub octets: u64,
    pub messages: u64,
}

impl QuotaUsage {
    /// STORAGE usage in units of 1024 octets, rounded up (RFC 9208 §5.1).
    pub fn storage_kib(&self) -> u64 {
        self.octets.div_ceil(1024)
    }
}

impl Default for Store {
    fn default() -> Self {
        Store {
            mailboxes: HashMap::new(),
            names: VecMap::new(),
            subscriptions: VecMap::new(),
            renamed: VecMap::new(),
            next_id: 1,
            next_uid_validity: 1_700_000_001,
            quotas: VecMap::new(),
        }
    }
}

/// The canonical form of a wire name: INBOX in any case is INBOX (RFC 3501 §5.1).
pub fn canonical_name(name: &str) -> String {
    if name.eq_ignore_ascii_case("INBOX") {
        "INBOX".to_string()
    } else if name
        .as_bytes()
        .get(..6)
        .and_then(|b| b.split_last())
        .is_some_and(|(&last, head)| head.eq_ignore_ascii_case(b"INBOX") && last == DELIMITER as u8)
    {
        // Children of INBOX are addressed case-insensitively too, as INBOX itself is. Byte 5 is
        // the ASCII delimiter, so slicing there is on a character boundary.
        format!("INBOX{}", name.get(5..).unwrap_or_default())
    } else {
        name.to_string()
    }
}

impl Store {
    /// A user's quota limits (RFC 9208): all `None` unless set.
    pub fn quota(&self, user: &str) -> QuotaLimits {
        self.quotas.get(user).copied().unwrap_or_default()
    }

    /// Sets a user's quota limits; all `None` removes them. Nothing stored changes: a store
    /// already over the new limits keeps its messages, and only additions are refused.
    pub fn set_quota(&mut self, user: &str, limits: QuotaLimits) {
        if limits.any() {
            self.quotas.insert(user.to_string(), limits);
        } else {
            self.quotas.remove(user);
        }
    }

    /// The octets and messages of every live mailbox (RFC 9208 §5.1, §5.2).
    pub fn quota_usage(&self) -> QuotaUsage {
        self.live().fold(QuotaUsage::default(), |u, mb| QuotaUsage {
            octets: u.octets.saturating_add(mb.size()),
            messages: u
                .messages
                .saturating_add(u64::try_from(mb.messages.len()).unwrap_or(u64::MAX)),
        })
    }

    pub fn id_of(&self, name: &str) -> Option<MailboxId> {
        self.names.get(&canonical_name(name)).copied()
    }

    pub fn get(&self, id: MailboxId) -> Option<&Mailbox> {
        self.mailboxes.get(&id)
    }

    pub fn get_mut(&mut self, id: MailboxId) -> Option<&mut Mailbox> {
        self.mailboxes.get_mut(&id)
    }

    pub fn by_name(&self, name: &str) -> Option<&Mailbox> {
        self.id_of(name).and_then(|id| self.mailboxes.get(&id))
    }

    /// Every live mailbox, in name order.
    pub fn live(&self) -> impl Iterator<Item = &Mailbox> {
        self.names.values().filter_map(|id| self.mailboxes.get(id))
    }

    /// Every mailbox including ghosts, for inspectors.
    pub fn all(&self) -> impl Iterator<Item = &Mailbox> {
        self.mailboxes.values()
    }

    /// Where a name went, if it was renamed (RFC 2180 §3.4).
    pub fn renamed_to(&self, old: &str) -> Option<&str> {
        self.renamed.get(&canonical_name(old)).map(String::as_str)
    }

    fn ghost_named(&self, name: &str) -> bool {
        self.mailboxes
            .values()
            .any(|m| m.deleted && m.holds_name && m.name == name)
    }

    /// CREATE (RFC 3501 §6.3.3): creates the mailbox and any missing parents (as ordinary
    /// mailboxes, as most servers do); a trailing delimiter only says children are intended.
    pub fn create(&mut self, name: &str) -> Result<MailboxId, StoreError> {
        let trimmed = name.strip_suffix(DELIMITER).unwrap_or(name);
        let name = canonical_name(trimmed);
        validate_name(&name)?;
        if let Some(id) = self.names.get(&name) {
            match self.mailboxes.get_mut(id) {
                // Creating a \Noselect placeholder makes it a real mailbox again.
                Some(m) if m.noselect => {
                    m.noselect = false;
                    return Ok(m.id);
                }
                _ => return Err(StoreError::AlreadyExists),
            }
        }
        if self.ghost_named(&name) {
            return Err(StoreError::StillInUse);
        }
        let mut prefix = String::new();
        for (i, part) in name.split(DELIMITER).enumerate() {
            if i > 0 {
                prefix.push(DELIMITER);
            }
            prefix.push_str(part);
            if prefix != name && !self.names.contains_key(&prefix) {
                if self.ghost_named(&prefix) {
                    return Err(StoreError::StillInUse);
                }
                self.insert_new(prefix.clone());
            }
        }
        Ok(self.insert_new(name))
    }

    fn insert_new(&mut self, name: String) -> MailboxId {
        let id = MailboxId(self.next_id);
        self.next_id += 1;
        let uid_validity = self.next_uid_validity;
        self.next_uid_validity = self.next_uid_validity.wrapping_add(1).max(1);
        self.renamed.remove(&name);
        self.names.insert(name.clone(), id);
        self.mailboxes.insert(
            id,
            Mailbox {
                id,
                name,
                uid_validity,
                uid_next: 1,
                messages: Vec::new(),
                noselect: false,
                deleted: false,
                special_use: Vec::new(),
                holds_name: true,
                keywords: {
                    let mut k = Keywords::default();
                    DEFAULT_KEYWORDS.iter().for_each(|d| k.add(d));
                    k
                },
                // RFC 7162 §3.1.2.1: HIGHESTMODSEQ is a positive number, also for a mailbox
                // that never had a message.
                highest_modseq: 1,
                expunged: ExpungeRecord::default(),
            },
        );
        id
    }

    pub fn has_children(&self, name: &str) -> bool {
        let prefix = format!("{}{}", canonical_name(name), DELIMITER);
        self.names
            .range_from(prefix.as_str())
            .next()
            .is_some_and(|(n, _)| n.starts_with(&prefix))
    }

    /// DELETE (RFC 3501 §6.3.4). `keep_ghost` keeps the mailbox's contents for the sessions
    /// that still have it selected (RFC 2180 §3.2); the caller drops it with [`Store::release`]
    /// when the last one leaves.
    pub fn delete(&mut self, name: &str, keep_ghost: bool) -> Result<MailboxId, StoreError> {
        let name = canonical_name(name);
        // RFC 3501 §6.3.4: "It is an error to attempt to delete INBOX".
        if name == "INBOX" {
            return Err(StoreError::CannotDeleteInbox);
        }
        let id = *self.names.get(&name).ok_or(StoreError::NoSuchMailbox)?;
        let has_children = self.has_children(&name);
        let mailbox = self
            .mailboxes
            .get_mut(&id)
            .ok_or(StoreError::NoSuchMailbox)?;
        if has_children {
            // RFC 3501 §6.3.4: with inferiors, the mailbox's messages go and it becomes
            // \Noselect; deleting a \Noselect mailbox with inferiors is an error.
            if mailbox.noselect {
                return Err(StoreError::HasChildren);
            }
            mailbox.noselect = true;
            let all: Vec<Uid> = mailbox.messages.iter().map(|m| m.uid).collect();
            mailbox.remove(&all);
            return Ok(id);
        }
        self.names.remove(&name);
        if keep_ghost {
            mailbox.deleted = true;
        } else {
            self.mailboxes.remove(&id);
        }
        Ok(id)
    }

    /// Lets a deleted mailbox kept for its sessions stop holding its name: it can be created
    /// again at once (Dovecot 2.3 behaviour).
    pub fn release_name(&mut self, id: MailboxId) {
        if let Some(m) = self.mailboxes.get_mut(&id) {
            m.holds_name = false;
        }
    }

    /// Gives the mailbox called `name` a new identity, contents and name unchanged: sessions
    /// that had it selected hold the old one, which no longer exists (Cyrus 3.6 behaviour after
    /// a RENAME). Returns the new id.
    pub fn detach(&mut self, name: &str) -> Option<MailboxId> {
        let name = canonical_name(name);
        let old = *self.names.get(&name)?;
        let mut mailbox = self.mailboxes.remove(&old)?;
        let id = MailboxId(self.next_id);
        self.next_id += 1;
        mailbox.id = id;
        self.mailboxes.insert(id, mailbox);
        self.names.insert(name, id);
        Some(id)
    }

    /// Drops a ghost mailbox once no session has it selected any more (RFC 2180 §3.2).
    pub fn release(&mut self, id: MailboxId) {
        if self.mailboxes.get(&id).is_some_and(|m| m.deleted) {
            self.mailboxes.remove(&id);
        }
    }

    /// RENAME (RFC 3501 §6.3.5), children included. `remember` keeps the old name's new name
    /// for the NEWNAME hint (RFC 2180 §3.4). Renaming INBOX copies its messages to a new
    /// mailbox; the caller then expunges them from INBOX, so that sessions are told.
    pub fn rename(&mut self, from: &str, to: &str, remember: bool) -> Result<(), StoreError> {
        let from = canonical_name(from);
        let to = canonical_name(to.strip_suffix(DELIMITER).unwrap_or(to));
        validate_name(&to)?;
        let id = *self.names.get(&from).ok_or(StoreError::NoSuchMailbox)?;
        if self.names.contains_key(&to) {
            return Err(StoreError::AlreadyExists);
        }
        if self.ghost_named(&to) {
            return Err(StoreError::StillInUse);
        }
        if to.starts_with(&format!("{from}{DELIMITER}")) {
            return Err(StoreError::BadName(
                "cannot rename a mailbox into itself".to_string(),
            ));
        }
        if from == "INBOX" {
            // RFC 3501 §6.3.5: "Renaming INBOX is permitted, and has special behavior. It moves
            // all messages in INBOX to a new mailbox with the given name, leaving INBOX empty.
            // If the server implementation supports inferior hierarchical names of INBOX, these
            // are unaffected by a rename of INBOX."
            let new_id = self.create(&to)?;
            let moved = match self.mailboxes.get(&id) {
                Some(inbox) => inbox.messages.clone(),
                None => Vec::new(),
            };
            if let Some(target) = self.mailboxes.get_mut(&new_id) {
                for m in moved {
                    target.append(m.data, m.flags);
                }
            }
            return Ok(());
        }
        let prefix = format!("{from}{DELIMITER}");
        let mut moves: Vec<(String, String)> = self
            .names
            .keys()
            .filter(|n| n.starts_with(&prefix))
            .map(|n| (n.clone(), format!("{to}{}", &n[from.len()..])))
            .collect();
        moves.push((from, to.clone()));
        for (old, new) in moves {
            if let Some(mid) = self.names.remove(&old) {
                if let Some(m) = self.mailboxes.get_mut(&mid) {
                    m.name = new.clone();
                }
                self.renamed.remove(&new);
                if remember {
                    self.renamed.insert(old, new.clone());
                }
                self.names.insert(new, mid);
            }
        }
        // Superior names of the new name are created as needed (RFC 3501 §6.3.5).
        if let Some((parent, _)) = to.rsplit_once(DELIMITER) {
            if !self.names.contains_key(parent) {
                self.create(parent)?;
            }
        }
        Ok(())
    }

    pub fn subscribe(&mut self, user: &str, name: &str) {
        let name = canonical_name(name);
        match self.subscriptions.get_mut(user) {
            Some(set) => {
                set.insert(name);
            }
            None => {
                self.subscriptions
                    .insert(user.to_string(), std::iter::once(name).collect());
            }
        }
    }

    pub fn unsubscribe(&mut self, user: &str, name: &str) -> bool {
        self.subscriptions
            .get_mut(user)
            .is_some_and(|s| s.remove(&canonical_name(name)))
    }

    pub fn subscriptions(&self, user: &str) -> impl Iterator<Item = &String> {
        self.subscriptions
            .get(user)
            .into_iter()
            .flat_map(VecSet::iter)
    }

    pub fn is_subscribed(&self, user: &str, name: &str) -> bool {
        self.subscriptions
            .get(user)
            .is_some_and(|s| s.contains(&canonical_name(name)))
    }
}

/// Names must be non-empty, have no empty hierarchy levels and no NUL or control characters.
fn validate_name(name: &str) -> Result<(), StoreError> {
    if name.is_empty() {
        return Err(StoreError::BadName("empty mailbox name".to_string()));
    }
    if name.split(DELIMITER).any(str::is_empty) {
        return Err(StoreError::BadName(
            "empty hierarchy level in mailbox name".to_string(),
        ));
    }
    // Bounds the LIST matcher's work (see commands/mailbox.rs).
    if name.len() > 1000 {
        return Err(StoreError::BadName(
            "mailbox name longer than 1000 octets".to_string(),
        ));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(StoreError::BadName(
            "control character in mailbox name".to_string(),
        ));
    }
    // RFC 3501 §5.1.3: names are modified UTF-7 on the wire; a name that does not decode is
    // refused rather than stored in a form no client can read back.
    if crate::protocol::utf7::decode(name).is_err() {
        return Err(StoreError::BadName(
            "mailbox name is not valid modified UTF-7 (RFC 3501 §5.1.3)".to_string(),
        ));
    }
    Ok(())
}

/// A store with one mailbox `M` of `n` small messages, for the engine's unit tests.
#[cfg(test)]
pub(crate) fn mailbox_with(n: usize) -> (Store, MailboxId) {
    let mut store = Store::default();
    let id = store.create("M").unwrap();
    let mb = store.get_mut(id).unwrap();
    let date = crate::server::world::datetime_from_unix(crate::server::world::SANDBOX_EPOCH);
    for _ in 0..n {
        mb.append(MessageData::new(b"x\r\n".to_vec(), date), Flags::default());
    }
    (store, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A STORE of system flags changes a message's flags, its mod-sequence and what it returns
    /// exactly as the general path does, for every kind and every starting point (keywords
    /// or not), and names a keyword only on the general path.
    #[test]
    fn system_changes_match_the_general_path() {
        let kw = |k: &str| Flag::Keyword(k.to_string());
        let starts = [
            vec![],
            vec![Flag::Seen],
            vec![Flag::Flagged, Flag::Deleted],
            vec![kw("$Junk")],
            vec![Flag::Answered, kw("a"), kw("b")],
        ];
        let lists = [
            vec![],
            vec![Flag::Flagged],
            vec![Flag::Seen, Flag::Draft, Flag::Recent],
            vec![Flag::Extension("\\X".into())],
        ];
        for kind in [StoreKind::Replace, StoreKind::Add, StoreKind::Remove] {
            assert_eq!(SystemChange::of(kind, &[Flag::Seen, kw("k")]), None);
            for list in &lists {
                let change = SystemChange::of(kind, list).unwrap();
                for start in &starts {
                    let (mut store, id) = mailbox_with(1);
                    let fast = store.get_mut(id).unwrap();
                    fast.messages[0].flags = Flags::from_list(start);
                    let mut general = fast.clone();
                    let before_fast = fast.change_system_at(0, change);
                    let before_general = general.change_flags_at(0, |f| match kind {
                        StoreKind::Replace => *f = Flags::from_list(list),
                        StoreKind::Add => list.iter().for_each(|x| f.insert(x)),
                        StoreKind::Remove => list.iter().for_each(|x| f.remove(x)),
                    });
                    let context = format!("{kind:?} {list:?} on {start:?}");
                    assert_eq!(before_fast, before_general, "{context}");
                    assert_eq!(
                        fast.messages[0].flags, general.messages[0].flags,
                        "{context}"
                    );
                    assert_eq!(
                        fast.messages[0].modseq, general.messages[0].modseq,
                        "{context}"
                    );
                    assert_eq!(fast.highest_modseq, general.highest_modseq, "{context}");
                }
            }
        }
    }

    /// What every message costs beside its octets (issue 14's memory row, BENCHMARKS.md 4b):
    /// keywords boxed, the octets boxed, a session's entry one word per ghost. A field added
    /// inline to these grows every message of every mailbox, so it fails here first.
    #[test]
    fn per_message_structures_stay_small() {
        assert!(std::mem::size_of::<Flags>() <= 16);
        assert!(std::mem::size_of::<Message>() <= 40);
        assert!(std::mem::size_of::<MessageData>() <= 104);
        assert!(std::mem::size_of::<crate::server::session::Entry>() <= 24);
    }

    #[test]
    fn a_stored_message_has_its_text_shape_already() {
        let date = crate::server::world::datetime_from_unix(crate::server::world::SANDBOX_EPOCH);
        let data = MessageData::new(b"Subject: x\r\n\r\nbody\r\n".to_vec(), date);
        assert_eq!(data.text_shape.load(Ordering::Relaxed), 1);
        assert_eq!(data.text_shape(), TextShape::AsWritten);
    }

    #[test]
    fn flags_without_their_last_keyword_equal_flags_that_never_had_one() {
        let mut f = Flags::from_list(&[Flag::Seen, Flag::Keyword("$Work".into())]);
        assert!(f.contains(&Flag::Keyword("$work".into())));
        f.remove(&Flag::Keyword("$WORK".into()));
        assert_eq!(f, Flags::from_list(&[Flag::Seen]));
        assert_eq!(f.keywords().count(), 0);
        assert_eq!(f.to_list(false), vec![Flag::Seen]);
        // Removing a keyword that is not there leaves no empty list behind either.
        f.remove(&Flag::Keyword("$Other".into()));
        assert_eq!(f, Flags::from_list(&[Flag::Seen]));
    }

    #[test]
    fn the_envelope_is_computed_once() {
        let date = crate::server::world::datetime_from_unix(crate::server::world::SANDBOX_EPOCH);
        let data = MessageData::new(b"Subject: hi\r\nFrom: a@b\r\n\r\nx\r\n".to_vec(), date);
        let first = data.envelope();
        let a = "((NIL NIL \"a\" \"b\"))";
        assert_eq!(
            String::from_utf8_lossy(first.as_bytes()),
            format!("(NIL \"hi\" {a} {a} {a} NIL NIL NIL NIL NIL)")
        );
        // Built once: the second FETCH copies the same octets.
        let kept = data.envelope.get().map(|e| e.as_ptr());
        assert_eq!(data.envelope(), first);
        assert_eq!(data.envelope.get().map(|e| e.as_ptr()), kept);
    }

    #[test]
    fn remove_takes_exactly_the_uids_named() {
        let date = crate::server::world::datetime_from_unix(crate::server::world::SANDBOX_EPOCH);
        let mut s = Store::default();
        let id = s.create("Box").unwrap();
        let mb = s.get_mut(id).unwrap();
        for _ in 0..8 {
            mb.append(MessageData::new(b"x\r\n".to_vec(), date), Flags::default());
        }
        let uid = |n: &[u32]| n.iter().map(|&u| Uid(u)).collect::<Vec<_>>();
        let uids_of = |ms: &[Message]| ms.iter().map(|m| m.uid.0).collect::<Vec<_>>();
        // With a UID that is not there (9) and one named twice.
        let gone = mb.remove(&uid(&[2, 2, 3, 7, 9]));
        assert_eq!(uids_of(&gone), [2, 3, 7]);
        assert_eq!(uids_of(&mb.messages), [1, 4, 5, 6, 8]);
        let gone = mb.remove(&uid(&[1, 8]));
        assert_eq!(uids_of(&gone), [1, 8]);
        assert_eq!(uids_of(&mb.messages), [4, 5, 6]);
    }

    #[test]
    fn inbox_is_case_insensitive_and_other_names_are_not() {
        let mut s = Store::default();
        s.create("INBOX").unwrap();
        s.create("Foo").unwrap();
        assert!(s.id_of("inbox").is_some());
        assert!(s.id_of("foo").is_none());
        assert_eq!(s.create("iNbOx"), Err(StoreError::AlreadyExists));
    }

    #[test]
    fn names_with_multibyte_characters_near_the_inbox_prefix_do_not_panic() {
        // A two-octet character across octet 5 once made the INBOX check slice inside it.
        assert_eq!(canonical_name("abcdé/x"), "abcdé/x");
        assert_eq!(canonical_name("inbox/é"), "INBOX/é");
        assert_eq!(canonical_name("é"), "é");
    }

    #[test]
    fn uidvalidity_changes_when_a_name_is_deleted_and_created_again() {
        let mut s = Store::default();
        let a = s.create("A").unwrap();
        let v1 = s.get(a).unwrap().uid_validity;
        s.delete("A", false).unwrap();
        let b = s.create("A").unwrap();
        assert_ne!(s.get(b).unwrap().uid_validity, v1);
        assert_ne!(a, b);
    }

    #[test]
    fn deleting_a_parent_leaves_it_noselect_and_then_refuses() {
        let mut s = Store::default();
        s.create("P/C").unwrap();
        assert!(s.by_name("P").is_some());
        s.delete("P", false).unwrap();
        assert!(s.by_name("P").unwrap().noselect);
        assert_eq!(s.delete("P", false), Err(StoreError::HasChildren));
    }

    #[test]
    fn ghost_name_is_not_reusable_until_released() {
        let mut s = Store::default();
        let id = s.create("FOO").unwrap();
        s.delete("FOO", true).unwrap();
        assert_eq!(s.create("FOO"), Err(StoreError::StillInUse));
        s.release(id);
        assert!(s.create("FOO").is_ok());
    }

    #[test]
    fn rename_moves_children_and_remembers_the_old_name() {
        let mut s = Store::default();
        s.create("A/B").unwrap();
        s.rename("A", "X", true).unwrap();
        assert!(s.by_name("X/B").is_some());
        assert!(s.by_name("A").is_none());
        assert_eq!(s.renamed_to("A"), Some("X"));
    }

    #[test]
    fn flags_keep_system_bits_and_case_insensitive_keywords() {
        let mut f = Flags::from_list(&[Flag::Seen, Flag::Keyword("$Label1".into())]);
        assert!(f.contains(&Flag::Keyword("$LABEL1".into())));
        f.remove(&Flag::Seen);
        assert_eq!(
            f.to_list(true),
            vec![Flag::Recent, Flag::Keyword("$Label1".into())]
        );
    }
}
