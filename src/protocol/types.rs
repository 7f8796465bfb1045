//! The values of IMAP4rev1 syntax: every command (RFC 3501 §6) and response (RFC 3501 §7) plus
//! the extensions this project speaks (IDLE, UIDPLUS, MOVE, UNSELECT, NAMESPACE, ENABLE, ID,
//! LITERAL+/-). These types know nothing of mailboxes or sessions; the parser builds them and the
//! encoder writes them, and the two must agree: `parse(encode(v)) == v`.
//!
//! Strings that may carry arbitrary octets (astring, nstring, string) are `Vec<u8>`: the encoder
//! picks atom, quoted or literal form from the content (RFC 2683 §3.4.2).

use std::sync::Arc;

use serde::Serialize;

/// A command tag (RFC 3501 §9 `tag`): one or more ASTRING-CHAR except `+`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Tag(pub String);

/// A mailbox name in its wire form (RFC 3501 §9 `mailbox`): modified UTF-7 as the client sent it
/// (RFC 3501 §5.1.3). `INBOX` in any case means the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct MailboxName(pub String);

impl MailboxName {
    /// RFC 3501 §5.1: "The case-insensitive mailbox name INBOX is a special name reserved to
    /// mean 'the primary mailbox for this user on this server'."
    pub fn is_inbox(&self) -> bool {
        self.0.eq_ignore_ascii_case("INBOX")
    }
}

/// One end of a range in a sequence set (RFC 3501 §9 `seq-number`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SeqBound {
    /// A number; never zero (RFC 3501 §9 `nz-number`).
    Num(u32),
    /// `*`: the largest number in use.
    Star,
}

/// `seq-number` or `seq-range` (RFC 3501 §9). A single number has `start == end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeqRange {
    pub start: SeqBound,
    pub end: SeqBound,
}

impl SeqRange {
    /// `$` ending a longer set (`1,$`: RFC 5182 §3 extends `sequence-set`, whose own recursion
    /// may then end in `seq-last-command`): the range 0:0, which no `nz-number` can write. The
    /// server puts the saved result in its place before the set is used.
    pub const LAST_RESULT: SeqRange = SeqRange {
        start: SeqBound::Num(0),
        end: SeqBound::Num(0),
    };
}

/// `sequence-set` (RFC 3501 §9): non-empty, in the order the client wrote it. The empty list
/// is `$` (RFC 5182 §3 `seq-last-command`), which no range list can be; `$` after numbers
/// (`1,$`) is [`SeqRange::LAST_RESULT`] as the last range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SequenceSet(pub Vec<SeqRange>);

impl SequenceSet {
    /// `$`, the saved search result (RFC 5182 §2.1).
    pub fn last_result() -> SequenceSet {
        SequenceSet(Vec::new())
    }

    /// Whether this is `$` (or, once the server has put the saved result in its place, the
    /// empty set it then stands for: "a valid, but non-matching list", RFC 5182 §2.1).
    pub fn is_last_result(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `$` is in this set: alone, or ending it (`1,$`).
    pub fn uses_last_result(&self) -> bool {
        self.0.is_empty() || self.0.last() == Some(&SeqRange::LAST_RESULT)
    }
}

/// A message flag (RFC 3501 §2.3.2, §9 `flag`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Flag {
    Answered,
    Flagged,
    Deleted,
    Seen,
    Draft,
    /// `\Recent`: only ever sent by the server (RFC 3501 §9 `flag-fetch`).
    Recent,
    /// A keyword (`flag-keyword`), an atom.
    Keyword(String),
    /// `\` followed by an atom that is not a system flag (`flag-extension`); stored without `\`.
    Extension(String),
}

/// `flag-perm` (RFC 3501 §9): a flag or `\*`, in PERMANENTFLAGS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FlagPerm {
    Flag(Flag),
    /// `\*`: the client may create new keywords.
    Wildcard,
}

/// A date (RFC 3501 §9 `date`): used by SEARCH keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Date {
    pub year: u16,
    /// 1..=12
    pub month: u8,
    /// 1..=31
    pub day: u8,
}

/// `date-time` (RFC 3501 §9): INTERNALDATE and the APPEND date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DateTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Offset from UTC in minutes, -1439..=1439 (`zone` is `+HHMM` / `-HHMM`).
    pub zone_minutes: i16,
}

/// A whole command: tag plus body (RFC 3501 §9 `command`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Command {
    pub tag: Tag,
    pub body: CommandBody,
}

/// One message of a MULTIAPPEND after the first (RFC 3502 §6 `append-message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppendMessage {
    pub flags: Vec<Flag>,
    pub date: Option<DateTime>,
    pub message: Vec<u8>,
    /// RFC 4469 §5 `"CATENATE" SP "(" cat-part *(SP cat-part) ")"` in place of the literal
    /// (`message` is then empty); `None` for a plain literal.
    pub catenate: Option<Vec<CatPart>>,
}

/// `cat-part = text-literal / url` (RFC 4469 §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CatPart {
    /// `text-literal = "TEXT" SP literal`: octets appended as they are.
    Text(Vec<u8>),
    /// `url = "URL" SP astring`: an IMAP URL (RFC 5092) whose octets are appended.
    Url(String),
}

/// `quota-resource = resource-name SP resource-usage SP resource-limit` (RFC 9208 §7).
#[cfg(feature = "quota")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaResource {
    /// `resource-name`, an atom (STORAGE, MESSAGE, ...), upper case as the server writes it.
    pub name: String,
    pub usage: u64,
    pub limit: u64,
}

/// Every command the server understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CommandBody {
    // RFC 3501 §6.1: any state.
    Capability,
    Noop,
    Logout,
    // RFC 3501 §6.2: not authenticated.
    StartTls,
    /// `AUTHENTICATE mech [initial-response]`; the initial response is the SASL-IR form
    /// (RFC 4959), kept as its base64 text (`=` for an empty one).
    Authenticate {
        mechanism: String,
        initial_response: Option<String>,
    },
    Login {
        username: Vec<u8>,
        password: Vec<u8>,
    },
    // RFC 3501 §6.3: authenticated.
    /// `SELECT mailbox [select-params]` (RFC 4466 §2.1 `select-params`, RFC 7162 §3.1.8,
    /// §3.2.5): empty when none were given.
    Select {
        mailbox: MailboxName,
        params: Vec<SelectParam>,
    },
    Examine {
        mailbox: MailboxName,
        params: Vec<SelectParam>,
    },
    Create {
        mailbox: MailboxName,
        /// RFC 6154 §3 `"USE" SP "(" [use-attr *(SP use-attr)] ")"`, the one `create-param`
        /// (RFC 4466 §2.2) known: the attributes without `\`; `None` without it.
        special_use: Option<Vec<String>>,
    },
    Delete {
        mailbox: MailboxName,
    },
    Rename {
        from: MailboxName,
        to: MailboxName,
    },
    Subscribe {
        mailbox: MailboxName,
    },
    Unsubscribe {
        mailbox: MailboxName,
    },
    /// `LIST reference pattern`; the pattern is `list-mailbox` and may hold `%` and `*`.
    List {
        reference: MailboxName,
        pattern: MailboxName,
    },
    Lsub {
        reference: MailboxName,
        pattern: MailboxName,
    },
    /// RFC 5258 §6 `"LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat
    /// [SP list-return-opts]` with at least one of the three extensions (§3): selection
    /// options (`None` when absent), patterns in parentheses, return options (`None` without
    /// RETURN).
    ListExtended {
        select: Option<Vec<ListSelectOpt>>,
        reference: MailboxName,
        /// `patterns = "(" list-mailbox *(SP list-mailbox) ")"` when `parenthesized`, else
        /// the one `list-mailbox`.
        patterns: Vec<MailboxName>,
        parenthesized: bool,
        ret: Option<Vec<ListReturnOpt>>,
    },
    Status {
        mailbox: MailboxName,
        items: Vec<StatusItem>,
    },
    Append {
        mailbox: MailboxName,
        flags: Vec<Flag>,
        date: Option<DateTime>,
        message: Vec<u8>,
        /// MULTIAPPEND (RFC 3502 §6: `append = "APPEND" SP mailbox 1*append-message`): the
        /// messages after the first, appended with it or not at all.
        more: Vec<AppendMessage>,
        /// The first message's CATENATE parts (RFC 4469 §5), `message` then empty.
        catenate: Option<Vec<CatPart>>,
    },
    /// `getquota = "GETQUOTA" SP quota-root-name` (RFC 9208 §7). The QUOTA variants exist
    /// with the `quota` feature only, so the page's build carries no code for them.
    #[cfg(feature = "quota")]
    GetQuota {
        root: String,
    },
    /// `getquotaroot = "GETQUOTAROOT" SP mailbox` (RFC 9208 §7).
    #[cfg(feature = "quota")]
    GetQuotaRoot {
        mailbox: MailboxName,
    },
    /// `setquota = "SETQUOTA" SP quota-root-name SP setquota-list` (RFC 9208 §7): resource
    /// names (upper case) and limits.
    #[cfg(feature = "quota")]
    SetQuota {
        root: String,
        limits: Vec<(String, u64)>,
    },
    /// RFC 2342.
    Namespace,
    /// RFC 5161.
    Enable {
        capabilities: Vec<String>,
    },
    /// RFC 2971: `ID NIL` is `None`.
    Id {
        parameters: Option<IdParams>,
    },
    /// RFC 2177. The `DONE` that ends it is a bare line, not a command.
    Idle,
    // RFC 3501 §6.4: selected.
    Check,
    Close,
    Expunge,
    /// RFC 3691.
    Unselect,
    /// `"CANCELUPDATE" 1*(SP quoted)` (RFC 5267 §4.3.5): the tags of searches with UPDATE.
    CancelUpdate {
        tags: Vec<String>,
    },
    /// `UID EXPUNGE set` (RFC 4315 §2.1).
    UidExpunge {
        set: SequenceSet,
    },
    Search {
        charset: Option<String>,
        /// The top-level keys, implicitly ANDed.
        criteria: Vec<SearchKey>,
        uid: bool,
        /// `search-return-opts` (RFC 4731 §4, RFC 4466 §2.6): `None` without RETURN (a plain
        /// SEARCH response); `Some(vec![])` for `RETURN ()`, which means ALL (RFC 4731 §3.1).
        ret: Option<Vec<SearchReturnOpt>>,
    },
    /// RFC 5256 §3 SORT and UID SORT.
    Sort {
        criteria: Vec<SortCriterion>,
        /// Mandatory, unlike SEARCH's.
        charset: String,
        search: Vec<SearchKey>,
        uid: bool,
        /// `search-return-opts` of an extended SORT (RFC 5267 §5 `extended-sort`, ESORT and
        /// CONTEXT=SORT): `None` without RETURN (a SORT response); `Some(vec![])` for
        /// `RETURN ()`, which means ALL (§3.3). Only in builds with SORT (feature
        /// `sort-thread`), so the page's command type does not change.
        #[cfg(feature = "sort-thread")]
        ret: Option<Vec<SearchReturnOpt>>,
    },
    /// RFC 5256 §3 THREAD and UID THREAD.
    Thread {
        algorithm: ThreadAlgorithm,
        charset: String,
        search: Vec<SearchKey>,
        uid: bool,
    },
    Fetch {
        set: SequenceSet,
        items: FetchItems,
        uid: bool,
        /// RFC 4466 §2.4 `fetch-modifiers` (RFC 7162 §3.1.4.1, §3.2.6).
        modifiers: FetchModifiers,
    },
    Store {
        set: SequenceSet,
        kind: StoreKind,
        silent: bool,
        flags: Vec<Flag>,
        uid: bool,
        /// `(UNCHANGEDSINCE n)` (RFC 7162 §3.1.3), a `store-modifier` (RFC 4466 §2.5).
        unchanged_since: Option<u64>,
    },
    Copy {
        set: SequenceSet,
        mailbox: MailboxName,
        uid: bool,
    },
    /// RFC 6851.
    Move {
        set: SequenceSet,
        mailbox: MailboxName,
        uid: bool,
    },
    /// RFC 5465 §3.1: `NOTIFY SET ...` or `NOTIFY NONE` (`None` here).
    Notify(Option<NotifySet>),
}

impl CommandBody {
    /// The command name as written on the wire, for messages ("FETCH", "UID FETCH", ...).
    pub fn name(&self) -> &'static str {
        use CommandBody::*;
        match self {
            Capability => "CAPABILITY",
            Noop => "NOOP",
            Logout => "LOGOUT",
            StartTls => "STARTTLS",
            Authenticate { .. } => "AUTHENTICATE",
            Login { .. } => "LOGIN",
            Select { .. } => "SELECT",
            Examine { .. } => "EXAMINE",
            Create { .. } => "CREATE",
            Delete { .. } => "DELETE",
            Rename { .. } => "RENAME",
            Subscribe { .. } => "SUBSCRIBE",
            Unsubscribe { .. } => "UNSUBSCRIBE",
            List { .. } => "LIST",
            Lsub { .. } => "LSUB",
            ListExtended { .. } => "LIST",
            Status { .. } => "STATUS",
            Append { .. } => "APPEND",
            #[cfg(feature = "quota")]
            GetQuota { .. } => "GETQUOTA",
            #[cfg(feature = "quota")]
            GetQuotaRoot { .. } => "GETQUOTAROOT",
            #[cfg(feature = "quota")]
            SetQuota { .. } => "SETQUOTA",
            Namespace => "NAMESPACE",
            Enable { .. } => "ENABLE",
            Id { .. } => "ID",
            Idle => "IDLE",
            Check => "CHECK",
            Close => "CLOSE",
            Expunge => "EXPUNGE",
            Unselect => "UNSELECT",
            CancelUpdate { .. } => "CANCELUPDATE",
            UidExpunge { .. } => "UID EXPUNGE",
            Search { uid: false, .. } => "SEARCH",
            Search { uid: true, .. } => "UID SEARCH",
            Sort { uid: false, .. } => "SORT",
            Sort { uid: true, .. } => "UID SORT",
            Thread { uid: false, .. } => "THREAD",
            Thread { uid: true, .. } => "UID THREAD",
            Fetch { uid: false, .. } => "FETCH",
            Fetch { uid: true, .. } => "UID FETCH",
            Store { uid: false, .. } => "STORE",
            Store { uid: true, .. } => "UID STORE",
            Copy { uid: false, .. } => "COPY",
            Copy { uid: true, .. } => "UID COPY",
            Move { uid: false, .. } => "MOVE",
            Move { uid: true, .. } => "UID MOVE",
            Notify(_) => "NOTIFY",
        }
    }
}

/// A mod-sequence (RFC 7162 §3.1): a positive 63-bit number; `mod-sequence-valzer` admits 0.
pub const MAX_MOD_SEQUENCE: u64 = (1 << 63) - 1;

/// `select-param` (RFC 4466 §2.1) as RFC 7162 §7 extends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SelectParam {
    /// `CONDSTORE` (RFC 7162 §3.1.8).
    CondStore,
    /// `QRESYNC (uidvalidity mod-sequence-value [known-uids] [seq-match-data])` (§3.2.5).
    QResync(QResync),
}

/// The arguments of the QRESYNC select parameter (RFC 7162 §3.2.5, §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QResync {
    pub uid_validity: u32,
    pub mod_seq: u64,
    /// `known-uids`: no `*` (RFC 7162 §7).
    pub known_uids: Option<SequenceSet>,
    /// `seq-match-data = "(" known-sequence-set SP known-uid-set ")"`.
    pub seq_match: Option<(SequenceSet, SequenceSet)>,
}

/// The FETCH modifiers (RFC 4466 §2.4 `fetch-modifiers`) of RFC 7162; written in this order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FetchModifiers {
    /// `CHANGEDSINCE mod-sequence-value` (RFC 7162 §3.1.4.1).
    pub changed_since: Option<u64>,
    /// `VANISHED` (RFC 7162 §3.2.6): UID FETCH only, with CHANGEDSINCE.
    pub vanished: bool,
}

/// `entry-type-req` of the SEARCH MODSEQ key (RFC 7162 §3.1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EntryType {
    Priv,
    Shared,
    All,
}

/// RFC 2971 §3.3 `id_params_list` without the NIL case: field (`string`) and value
/// (`nstring`) pairs, in order.
pub type IdParams = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// `list-select-opt` (RFC 5258 §6, RFC 6154 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ListSelectOpt {
    Subscribed,
    Remote,
    RecursiveMatch,
    SpecialUse,
}

/// `return-option` (RFC 5258 §6, RFC 5819 §4, RFC 6154 §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ListReturnOpt {
    Subscribed,
    Children,
    SpecialUse,
    /// `"STATUS" SP "(" status-att *(SP status-att) ")"`.
    Status(Vec<StatusItem>),
}

/// `status-att` (RFC 3501 §6.3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StatusItem {
    Messages,
    Recent,
    UidNext,
    UidValidity,
    Unseen,
    /// RFC 7162 §3.1.7.
    HighestModSeq,
    /// RFC 9051 §6.3.11: messages with `\Deleted`.
    Deleted,
    /// RFC 9051 §6.3.11 (RFC 8438): the mailbox's total size in octets.
    Size,
    /// RFC 9208 §4.1.4: the octets an EXPUNGE would free (feature `quota`).
    #[cfg(feature = "quota")]
    DeletedStorage,
}

/// One value in a STATUS response (RFC 3501 §7.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StatusValue {
    Messages(u32),
    Recent(u32),
    UidNext(u32),
    UidValidity(u32),
    Unseen(u32),
    /// RFC 7162 §3.1.7: `mod-sequence-valzer`.
    HighestModSeq(u64),
    /// RFC 9051 §6.3.11.
    Deleted(u32),
    /// RFC 9051 §9: `"SIZE" SP number64`.
    Size(u64),
    /// RFC 9208 §7: `"DELETED-STORAGE" SP number64` (feature `quota`).
    #[cfg(feature = "quota")]
    DeletedStorage(u64),
}

/// `store-att-flags` (RFC 3501 §6.4.6): `FLAGS`, `+FLAGS`, `-FLAGS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StoreKind {
    Replace,
    Add,
    Remove,
}

/// `sort-criterion = ["REVERSE" SP] sort-key` (RFC 5256 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SortCriterion {
    pub reverse: bool,
    pub key: SortKey,
}

/// `sort-key` (RFC 5256 §5; DISPLAYFROM and DISPLAYTO from RFC 5957 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SortKey {
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
    DisplayFrom,
    DisplayTo,
}

/// `thread-alg` (RFC 5256 §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ThreadAlgorithm {
    OrderedSubject,
    References,
    /// `thread-alg-ext = atom`: parsed so the server can answer it, never implemented here.
    Other(String),
}

/// One `thread-list` of a THREAD response (RFC 5256 §5):
/// `"(" (thread-members / thread-nested) ")"`. `members` are successive parent and child
/// (empty for a parent that is not in the result, as in `((3)(5))`); `children` are the
/// sub-threads after the last member, none or at least two. The shape follows the grammar so
/// that a long reply chain is a flat list, not a deep tree.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Thread {
    pub members: Vec<u32>,
    pub children: Vec<Thread>,
}

impl Drop for Thread {
    /// Without recursion: a server-built tree may branch thousands of levels deep.
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.children);
        while let Some(mut t) = pending.pop() {
            pending.append(&mut t.children);
        }
    }
}

/// `search-return-opt` (RFC 4731 §4, RFC 5182 §3): what `SEARCH RETURN (...)` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SearchReturnOpt {
    Min,
    Max,
    All,
    Count,
    /// RFC 5182 §2.1: keep the result for `$`.
    Save,
    /// RFC 5267 §4.2: a hint that the criteria will be used again.
    Context,
    /// RFC 5267 §4.3: ADDTO and REMOVEFROM as the result changes; RFC 5465 §8
    /// `modifier-update = "UPDATE" [ "(" fetch-att *(SP fetch-att) ")" ]`: the attributes of
    /// each new message that joins the result, sent before the ADDTO (§7). Empty without a list.
    Update(Vec<FetchAtt>),
    /// `"PARTIAL" SP partial-range` (RFC 5267 §4.4): results `a` to `b` (1-based, either
    /// order), as written.
    Partial(u32, u32),
}

/// `search-return-data` (RFC 4731 §4; RFC 7162 §7 adds MODSEQ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SearchReturnData {
    Min(u32),
    Max(u32),
    /// A sequence set, never `$` (RFC 4731 §3.1).
    All(SequenceSet),
    Count(u32),
    ModSeq(u64),
    /// `ret-data-addto` (RFC 5267 §5): `(context-position, set)` pairs.
    AddTo(Vec<(u32, SequenceSet)>),
    /// `ret-data-removefrom` (RFC 5267 §5).
    RemoveFrom(Vec<(u32, SequenceSet)>),
    /// `ret-data-partial = "PARTIAL" SP "(" partial-range SP partial-results ")"` (RFC 5267
    /// §5): the range asked for and the results in it, `None` for NIL.
    Partial {
        range: (u32, u32),
        results: Option<SequenceSet>,
    },
}

/// `search-key` (RFC 3501 §6.4.4, §9). Strings are astrings, kept as octets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SearchKey {
    All,
    Answered,
    Bcc(Vec<u8>),
    Before(Date),
    Body(Vec<u8>),
    Cc(Vec<u8>),
    Deleted,
    Draft,
    Flagged,
    From(Vec<u8>),
    Header(Vec<u8>, Vec<u8>),
    Keyword(String),
    Larger(u32),
    New,
    Not(Box<SearchKey>),
    Old,
    On(Date),
    Or(Box<SearchKey>, Box<SearchKey>),
    Recent,
    Seen,
    SentBefore(Date),
    SentOn(Date),
    SentSince(Date),
    Since(Date),
    Smaller(u32),
    Subject(Vec<u8>),
    Text(Vec<u8>),
    To(Vec<u8>),
    Uid(SequenceSet),
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unkeyword(String),
    Unseen,
    SequenceSet(SequenceSet),
    /// `"(" search-key *(SP search-key) ")"`: all must match.
    And(Vec<SearchKey>),
    /// `MODSEQ [entry-name entry-type-req] mod-sequence-valzer` (RFC 7162 §3.1.5); the entry
    /// name is the quoted `"/flags/..."` string's content.
    ModSeq {
        entry: Option<(Vec<u8>, EntryType)>,
        mod_seq: u64,
    },
}

/// The FETCH item list (RFC 3501 §6.4.5): a macro or a list (a single item is a one-element
/// list written without parentheses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FetchItems {
    /// `ALL` = (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)
    All,
    /// `FAST` = (FLAGS INTERNALDATE RFC822.SIZE)
    Fast,
    /// `FULL` = (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)
    Full,
    /// `fetch-att` or a parenthesized list of them; `parenthesized` records how it was written
    /// so that encoding gives back the same bytes.
    List {
        items: Vec<FetchAtt>,
        parenthesized: bool,
    },
}

impl FetchItems {
    /// The items a macro stands for (RFC 3501 §6.4.5).
    pub fn expand(&self) -> Vec<FetchAtt> {
        use FetchAtt::*;
        match self {
            FetchItems::All => vec![Flags, InternalDate, Rfc822Size, Envelope],
            FetchItems::Fast => vec![Flags, InternalDate, Rfc822Size],
            FetchItems::Full => vec![Flags, InternalDate, Rfc822Size, Envelope, Body],
            FetchItems::List { items, .. } => items.clone(),
        }
    }
}

/// `fetch-att` (RFC 3501 §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FetchAtt {
    Envelope,
    Flags,
    InternalDate,
    Rfc822,
    Rfc822Header,
    Rfc822Size,
    Rfc822Text,
    /// `BODY` (the non-extensible BODYSTRUCTURE).
    Body,
    BodyStructure,
    Uid,
    /// `MODSEQ` (RFC 7162 §3.1.4.2).
    ModSeq,
    /// `BODY[section]<partial>` or `BODY.PEEK[section]<partial>`.
    BodySection {
        peek: bool,
        section: Section,
        /// `<origin.count>`
        partial: Option<(u32, u32)>,
    },
    /// `BINARY[section-binary]<partial>` or `BINARY.PEEK[...]` (RFC 3516 §4.2): `part` is
    /// `section-part`, empty for `[]`.
    Binary {
        peek: bool,
        part: Vec<u32>,
        partial: Option<(u32, u32)>,
    },
    /// `BINARY.SIZE[section-binary]` (RFC 3516 §4.2).
    BinarySize {
        part: Vec<u32>,
    },
}

/// `section` (RFC 3501 §6.4.5, §9): a part path, then optionally a text specifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Section {
    /// `section-part`: each number is non-zero; empty means the whole message.
    pub part: Vec<u32>,
    pub text: Option<SectionText>,
}

/// `section-msgtext` / `section-text` (RFC 3501 §9).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum SectionText {
    Header,
    /// Field names are astrings.
    HeaderFields(Vec<Vec<u8>>),
    HeaderFieldsNot(Vec<Vec<u8>>),
    Text,
    /// Only after a part number.
    Mime,
}

/// Anything the server sends (RFC 3501 §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Response {
    /// OK / NO / BAD / PREAUTH / BYE, tagged or untagged (RFC 3501 §7.1).
    Status(StatusResponse),
    /// Untagged data (RFC 3501 §7.2 to §7.4).
    Data(Data),
    /// `+ text` (RFC 3501 §7.5).
    Continue(Continue),
}

/// `resp-cond-state`, `resp-cond-bye`, `resp-cond-auth`, and the tagged `response-done`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusResponse {
    /// `None` for an untagged (`*`) response.
    pub tag: Option<Tag>,
    pub kind: StatusKind,
    pub code: Option<Code>,
    /// `text` (RFC 3501 §9): 1*TEXT-CHAR. Never empty on the wire: the encoder uses a
    /// placeholder if it is.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StatusKind {
    Ok,
    No,
    Bad,
    PreAuth,
    Bye,
}

/// `resp-text-code` (RFC 3501 §7.1; RFC 4315 §3; RFC 9051 §7.1; RFC 2180 §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Code {
    Alert,
    BadCharset(Vec<String>),
    Capability(Vec<String>),
    Parse,
    PermanentFlags(Vec<FlagPerm>),
    ReadOnly,
    ReadWrite,
    TryCreate,
    UidNext(u32),
    UidValidity(u32),
    Unseen(u32),
    /// RFC 4315 §3: `APPENDUID uidvalidity uid-set`.
    AppendUid {
        uid_validity: u32,
        uids: SequenceSet,
    },
    /// RFC 4315 §3: `COPYUID uidvalidity source-set dest-set`.
    CopyUid {
        uid_validity: u32,
        source: SequenceSet,
        destination: SequenceSet,
    },
    /// RFC 4315 §3.
    UidNotSticky,
    /// RFC 7162 §3.1.2.1: `HIGHESTMODSEQ mod-sequence-value`.
    HighestModSeq(u64),
    /// RFC 7162 §3.1.2.2.
    NoModSeq,
    /// RFC 7162 §3.1.3: `MODIFIED sequence-set`.
    Modified(SequenceSet),
    /// RFC 2180 §3.4: `NEWNAME old new`.
    NewName {
        old: MailboxName,
        new: MailboxName,
    },
    // RFC 9051 §7.1 (and RFC 5530, where most of these were first defined).
    AlreadyExists,
    AuthenticationFailed,
    AuthorizationFailed,
    Cannot,
    ClientBug,
    Closed,
    ContactAdmin,
    Corruption,
    ExpungeIssued,
    Expired,
    HasChildren,
    InUse,
    Limit,
    Nonexistent,
    NoPerm,
    NotSaved,
    OverQuota,
    PrivacyRequired,
    ServerBug,
    Unavailable,
    UnknownCte,
    /// RFC 4469 §4.1: `"BADURL" SP url-resp-text`, the first URL that could not be used
    /// (feature `catenate`, as TOOBIG).
    #[cfg(feature = "catenate")]
    BadUrl(String),
    /// RFC 4469 §4.2: `TOOBIG`.
    #[cfg(feature = "catenate")]
    TooBig,
    /// RFC 5465 §5.8: `NOTIFICATIONOVERFLOW`.
    NotificationOverflow,
    /// RFC 5465 §8: `"BADEVENT" SP "(" event-name *(SP event-name) ")"`, the events the
    /// server supports.
    BadEvent(Vec<String>),
    /// Any other `atom [SP 1*<any TEXT-CHAR except "]">]`.
    Other {
        atom: String,
        text: Option<String>,
    },
}

/// `continue-req` (RFC 3501 §9): `+ resp-text` or `+ base64`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Continue {
    Text {
        code: Option<Code>,
        text: String,
    },
    /// A SASL challenge, base64 text (may be empty).
    Base64(String),
}

/// Untagged data responses (RFC 3501 §7.2 to §7.4, and the extensions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Data {
    Capability(Vec<String>),
    List(ListItem),
    Lsub(ListItem),
    Status {
        mailbox: MailboxName,
        items: Vec<StatusValue>,
    },
    /// `SEARCH` numbers, and `(MODSEQ n)` after them when the search had a MODSEQ key
    /// (RFC 7162 §3.1.6 `search-sort-mod-seq`; only with numbers).
    Search(Vec<u32>, Option<u64>),
    /// RFC 5256 §4 `"SORT" *(SP nz-number)`, and `(MODSEQ n)` after the numbers when the
    /// search had a MODSEQ key (RFC 7162 §3.1.9 `sort-data`; only with numbers).
    Sort(Vec<u32>, Option<u64>),
    /// RFC 5256 §4 `"THREAD" [SP 1*thread-list]`.
    Thread(Vec<Thread>),
    /// `esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)`
    /// (RFC 4466 §2.6.2, RFC 4731 §3.1); `tag` is the `(TAG "x")` correlator.
    ESearch {
        tag: Option<String>,
        uid: bool,
        data: Vec<SearchReturnData>,
    },
    Flags(Vec<Flag>),
    Exists(u32),
    Recent(u32),
    Expunge(u32),
    /// `VANISHED [(EARLIER)] known-uids` (RFC 7162 §3.2.10).
    Vanished {
        earlier: bool,
        uids: SequenceSet,
    },
    Fetch {
        seq: u32,
        items: Vec<FetchValue>,
    },
    /// RFC 2342 §5: personal, other users', shared; `None` is NIL.
    Namespace {
        personal: Option<Vec<NamespaceDesc>>,
        other: Option<Vec<NamespaceDesc>>,
        shared: Option<Vec<NamespaceDesc>>,
    },
    /// RFC 5161 §4.
    Enabled(Vec<String>),
    /// RFC 2971 §3.2.
    Id(Option<IdParams>),
    /// An extended LIST response with the `OLDNAME` item (RFC 5465 §5.4, §8
    /// `oldname-extended-item`): the mailbox `old` is now `item.mailbox`.
    ListOldName {
        item: ListItem,
        old: MailboxName,
    },
    /// An extended LIST response with the `CHILDINFO` item (RFC 5258 §3.5, §6
    /// `childinfo-extended-item`): the selection criteria a descendant meets, as
    /// `list-select-base-opt`s ("SUBSCRIBED").
    ListChildInfo {
        item: ListItem,
        criteria: Vec<String>,
    },
    /// `quota-response = "QUOTA" SP quota-root-name SP quota-list` (RFC 9208 §7; feature
    /// `quota`, as QUOTAROOT); the list
    /// may be empty on the wire only as `()`, which RFC 9208 §4.2.1 allows ("zero or more").
    #[cfg(feature = "quota")]
    Quota {
        root: String,
        resources: Vec<QuotaResource>,
    },
    /// `quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)` (RFC 9208 §7).
    #[cfg(feature = "quota")]
    QuotaRoot {
        mailbox: MailboxName,
        roots: Vec<String>,
    },
}

/// `mailbox-list` (RFC 3501 §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListItem {
    pub attributes: Vec<NameAttribute>,
    /// `None` is NIL (a flat namespace).
    pub delimiter: Option<char>,
    pub mailbox: MailboxName,
}

/// `mbx-list-flags` (RFC 3501 §7.2.2; `\HasChildren` / `\HasNoChildren` from RFC 3348 / 9051).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NameAttribute {
    Noinferiors,
    Noselect,
    Marked,
    Unmarked,
    HasChildren,
    HasNoChildren,
    Subscribed,
    /// Any other `\atom`; stored without `\`.
    Extension(String),
}

/// One namespace (RFC 2342 §5 `Namespace_Response`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamespaceDesc {
    pub prefix: Vec<u8>,
    pub delimiter: Option<char>,
}

/// `msg-att` items (RFC 3501 §7.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FetchValue {
    Flags(Vec<Flag>),
    InternalDate(DateTime),
    Rfc822Size(u32),
    /// Shared: the engine keeps each message's envelope once and sends it as often as asked.
    Envelope(Arc<Envelope>),
    /// `"ENVELOPE" SP envelope` with the `envelope` already written: the form the engine keeps
    /// (one byte string per message instead of a struct of many vectors). The response parser
    /// never yields it; it yields [`FetchValue::Envelope`].
    EncodedEnvelope(EncodedEnvelope),
    /// `BODY`: no extension data is written.
    Body(Box<BodyStructure>),
    /// `BODYSTRUCTURE`: extension data is written.
    BodyStructure(Box<BodyStructure>),
    Uid(u32),
    /// `MODSEQ (permsg-modsequence)` (RFC 7162 §3.1.4.2).
    ModSeq(u64),
    /// `BODY[section]<origin> nstring`.
    BodySection {
        section: Section,
        origin: Option<u32>,
        data: Option<Vec<u8>>,
    },
    Rfc822(Option<Vec<u8>>),
    Rfc822Header(Option<Vec<u8>>),
    Rfc822Text(Option<Vec<u8>>),
    /// `BINARY[section-binary]<origin> (nstring / literal8)` (RFC 3516 §4.3): the decoded
    /// data, written as `literal8` when `literal8` is set or the data holds a NUL octet.
    Binary {
        part: Vec<u32>,
        origin: Option<u32>,
        data: Option<Vec<u8>>,
        literal8: bool,
    },
    /// `BINARY.SIZE[section-binary] number` (RFC 3516 §4.3).
    BinarySize {
        part: Vec<u32>,
        size: u32,
    },
}

/// An [`Envelope`] in its wire form (RFC 3501 §9 `envelope`): by `EncodedEnvelope::new` (the
/// encoder) or a copy of the octets the engine keeps, whose writer a test holds to the
/// encoder's octets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EncodedEnvelope(pub(in crate::protocol) Vec<u8>);

impl EncodedEnvelope {
    /// `wire`, which the caller has written as an RFC 3501 §9 `envelope`.
    pub(crate) fn from_wire(wire: &[u8]) -> EncodedEnvelope {
        EncodedEnvelope(wire.to_vec())
    }

    /// The `envelope` production, from `(` to `)`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// `envelope` (RFC 3501 §7.4.2, §9). Empty address lists are written as NIL.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Envelope {
    pub date: Option<Vec<u8>>,
    pub subject: Option<Vec<u8>>,
    pub from: Vec<Address>,
    pub sender: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub in_reply_to: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
}

/// `address` (RFC 3501 §9). Group syntax (RFC 5322 §3.4) is a start marker with `host` NIL and
/// `mailbox` the group name, and an end marker with both NIL.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Address {
    pub name: Option<Vec<u8>>,
    pub adl: Option<Vec<u8>>,
    pub mailbox: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
}

/// `body` (RFC 3501 §9): one part or a multipart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum BodyStructure {
    Single {
        basic: BasicFields,
        specific: SpecificFields,
        /// `body-ext-1part`: written only in BODYSTRUCTURE.
        extension: Option<SinglePartExtension>,
    },
    Multi {
        parts: Vec<BodyStructure>,
        /// `media-subtype`, e.g. `MIXED`.
        subtype: Vec<u8>,
        /// `body-ext-mpart`: written only in BODYSTRUCTURE.
        extension: Option<MultiPartExtension>,
    },
}

/// `body-fields` plus the media type (RFC 3501 §9 `body-type-basic` and friends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasicFields {
    pub media_type: Vec<u8>,
    pub subtype: Vec<u8>,
    /// `body-fld-param`: empty is NIL.
    pub params: Vec<(Vec<u8>, Vec<u8>)>,
    pub id: Option<Vec<u8>>,
    pub description: Option<Vec<u8>>,
    pub encoding: Vec<u8>,
    pub size: u32,
}

/// What follows the basic fields for each kind of part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SpecificFields {
    Basic,
    /// `body-type-text`: `body-fld-lines`.
    Text {
        lines: u32,
    },
    /// `body-type-msg`: message/rfc822.
    Message {
        envelope: Box<Envelope>,
        body: Box<BodyStructure>,
        lines: u32,
    },
}

/// `body-fld-dsp` (RFC 3501 §9): `(type params)` or NIL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disposition {
    pub kind: Vec<u8>,
    pub params: Vec<(Vec<u8>, Vec<u8>)>,
}

/// `body-ext-1part` (RFC 3501 §9).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SinglePartExtension {
    pub md5: Option<Vec<u8>>,
    pub disposition: Option<Disposition>,
    /// `body-fld-lang`: empty is NIL; one is written as a string, more as a list.
    pub language: Vec<Vec<u8>>,
    pub location: Option<Vec<u8>>,
}

/// `body-ext-mpart` (RFC 3501 §9).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MultiPartExtension {
    pub params: Vec<(Vec<u8>, Vec<u8>)>,
    pub disposition: Option<Disposition>,
    pub language: Vec<Vec<u8>>,
    pub location: Option<Vec<u8>>,
}

/// `notify-set = "SET" [status-indicator] SP event-groups` (RFC 5465 §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotifySet {
    /// `status-indicator = SP "STATUS"`: send the STATUS of each mailbox watched (§3.1).
    pub status: bool,
    pub groups: Vec<EventGroup>,
}

/// `event-group = "(" filter-mailboxes SP events ")"` (RFC 5465 §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventGroup {
    pub filter: NotifyFilter,
    /// `events`: `None` for `NONE`.
    pub events: Option<Vec<NotifyEvent>>,
}

/// `filter-mailboxes` (RFC 5465 §6, §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NotifyFilter {
    Selected,
    SelectedDelayed,
    Inboxes,
    Personal,
    Subscribed,
    Subtree(Vec<MailboxName>),
    Mailboxes(Vec<MailboxName>),
}

/// `event` (RFC 5465 §5, §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NotifyEvent {
    /// `"MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"]`: the attributes, empty if none.
    MessageNew(Vec<FetchAtt>),
    MessageExpunge,
    FlagChange,
    AnnotationChange,
    MailboxName,
    SubscriptionChange,
    MailboxMetadataChange,
    ServerMetadataChange,
    /// `event-ext = atom`, for future extensions.
    Other(String),
}

impl NotifyEvent {
    /// The event's name as the RFC spells it (`event-name`, §8).
    pub fn name(&self) -> &str {
        match self {
            NotifyEvent::MessageNew(_) => "MessageNew",
            NotifyEvent::MessageExpunge => "MessageExpunge",
            NotifyEvent::FlagChange => "FlagChange",
            NotifyEvent::AnnotationChange => "AnnotationChange",
            NotifyEvent::MailboxName => "MailboxName",
            NotifyEvent::SubscriptionChange => "SubscriptionChange",
            NotifyEvent::MailboxMetadataChange => "MailboxMetadataChange",
            NotifyEvent::ServerMetadataChange => "ServerMetadataChange",
            NotifyEvent::Other(atom) => atom,
        }
    }

    /// A `message-event` (§8): the only kind SELECTED and SELECTED-DELAYED may carry (§6.1).
    pub fn is_message_event(&self) -> bool {
        matches!(
            self,
            NotifyEvent::MessageNew(_)
                | NotifyEvent::MessageExpunge
                | NotifyEvent::FlagChange
                | NotifyEvent::AnnotationChange
        )
    }
}
