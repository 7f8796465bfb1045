//! SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8), with RFC 2180 §4.3 for messages another
//! session expunged; their extensions: the ESEARCH response and return options (RFC 4731),
//! the saved result `$` (RFC 5182), and live and partial results with CANCELUPDATE (RFC 5267
//! §4).

use crate::protocol::types::{
    Code, CommandBody, Data, FetchAtt, Response, SearchKey, SearchReturnData, SearchReturnOpt,
    SeqRange, SequenceSet, StatusKind, StatusResponse, Tag,
};
use crate::server::commands::fetch::{selected_view, Touched};
use crate::server::fetch_items::{value, FetchResponse, Seen};
use crate::server::limits;
use crate::server::mailstore::{Mailbox, MessageData, Uid};
use crate::server::policy::{CancelupdateTag, Citation, ContextUpdate, SearchExpunged};
use crate::server::search_keys::{has_modseq, Bounds, Candidate, Plan};
use crate::server::session::{Mode, Ranges, SearchContext, View};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};
use std::sync::Arc;

/// Charsets the server searches in (RFC 3501 §6.4.4: US-ASCII MUST be supported).
pub(crate) const CHARSETS: &[&str] = &["US-ASCII", "UTF-8"];

/// The view indexes a search must look at. The top-level keys are ANDed (RFC 3501 §6.4.4), so
/// a sequence-set or UID key there bounds the candidates and `UID SEARCH UID 900:* ...` does not
/// scan the whole mailbox. Every key is still evaluated on each candidate.
pub(crate) fn candidates(criteria: &[SearchKey], view: &View) -> Vec<usize> {
    let mut bound: Option<Vec<usize>> = None;
    for key in criteria {
        let narrowed = match key {
            SearchKey::Uid(set) => view.resolve(set, true).ok(),
            // A number past the end is no error in SEARCH, just no match: then no narrowing.
            SearchKey::SequenceSet(set) => view.resolve(set, false).ok(),
            _ => None,
        };
        if let Some(these) = narrowed {
            bound = Some(match bound {
                Some(previous) => intersect(&previous, &these),
                None => these,
            });
        }
    }
    bound.unwrap_or_else(|| (0..view.entries.len()).collect())
}

/// The indexes in both ascending lists, in one pass over each (so a thousand `1:*` keys cost
/// a thousand passes, not a thousand binary searches per message).
fn intersect(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(&&i), Some(&&j)) = (x.peek(), y.peek()) {
        match i.cmp(&j) {
            std::cmp::Ordering::Less => {
                x.next();
            }
            std::cmp::Ordering::Greater => {
                y.next();
            }
            std::cmp::Ordering::Equal => {
                out.push(i);
                x.next();
                y.next();
            }
        }
    }
    out
}

/// The checks of a searching command's return options (SEARCH, UID SEARCH, SORT, UID SORT:
/// RFC 5267 §4.1): returns BAD from the handler, else evaluates to whether UPDATE is asked for
/// and UPDATE's fetch attributes (RFC 5465 §7; empty without them).
/// `$ret` is an `Option` of the options, as written (`None` without RETURN). A macro, not a
/// function, so that SEARCH compiles in the page's build (no SORT) to exactly what it did
/// before SORT shared these checks: the page's budget is counted in bytes.
macro_rules! check_return_opts {
    ($server:ident, $client:expr, $tag:expr, $ret:ident) => {{
        let mut update = false;
        let mut fetch = Vec::new();
        for opt in $ret.iter().flat_map(|opts| opts.iter()) {
            if let SearchReturnOpt::Update(atts) = opt {
                update = true;
                fetch.extend(atts.iter().cloned());
            }
        }
        // RFC 5465 §7's attributes are bounded as a FETCH's are; the octets each new message
        // costs are checked when it arrives (`context_changes`).
        $crate::server::commands::search::fetch_within(&fetch, Default::default())?;
        // RFC 5267 §4.4: "A single command MUST NOT contain more than one PARTIAL or ALL search
        // return option".
        let ranged = $ret
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|o| matches!(o, SearchReturnOpt::All | SearchReturnOpt::Partial(..)));
        if ranged.count() > 1 {
            return Err(Fail::bad(
                "At most one PARTIAL or ALL return option (RFC 5267 §4.4)",
            ));
        }
        // RFC 5267 §4.3: "An attempt to use UPDATE where a tag is already in use with a
        // previous searching command that itself used UPDATE SHALL result in the server
        // rejecting the searching command with a BAD response."
        if update
            && selected_view(&$server.sessions, $client)?
                .contexts
                .iter()
                .any(|c| c.tag == $tag.0)
        {
            return Err(Fail::bad(format!(
                "Tag reuse: {} already names a search with UPDATE (RFC 5267 §4.3)",
                $tag.0
            )));
        }
        (update, fetch)
    }};
}
#[cfg(feature = "sort-thread")]
pub(crate) use check_return_opts;

/// One message a search matched.
pub(crate) struct Hit {
    pub seq: u32,
    pub uid: u32,
    pub modseq: u64,
    /// Read by SORT and THREAD's keys (feature `sort-thread`).
    #[cfg_attr(not(feature = "sort-thread"), allow(dead_code))]
    pub data: Arc<MessageData>,
}

/// The messages a search matched, in sequence order; whether it met any that another session
/// expunged (for the citation and `[EXPUNGEISSUED]`); whether its keys read message octets.
pub(crate) struct Matched {
    pub hits: Vec<Hit>,
    pub saw_expunged: bool,
    pub reads: bool,
}

impl Server {
    /// The messages of the selected mailbox that `criteria` match, for SEARCH and for SORT and
    /// THREAD (RFC 5256 §3: "The SORT command first searches the mailbox for messages that match
    /// the given searching criteria"). `extra_header_readers` is how many times the caller reads
    /// each match's header afterwards (SORT's keys), counted with the search keys' readers
    /// against the limits.
    pub(crate) fn search_matches(
        &self,
        client: ClientId,
        criteria: &[SearchKey],
        extra_header_readers: usize,
    ) -> Result<Matched, Fail> {
        let (mailbox_id, _) = self.selected_mailbox(client)?;
        let policy = self.policies.search_expunged;
        let view = selected_view(&self.sessions, client)?;
        let Some(mailbox) = self.store.get(mailbox_id) else {
            return Err(Fail::no("The selected mailbox no longer exists"));
        };
        let bounds = Bounds {
            max_seq: view.exists(),
            max_uid: view.entries.last().map_or(0, |e| e.uid.0),
        };
        let (plan, mut cost, slots) = Plan::compile(criteria, &bounds);
        let mut has_keywords = slots.buffer();
        if cost.keys > limits::SEARCH_KEYS {
            return Err(limits::exceeded(format!(
                "{} search keys, at most {} allowed",
                cost.keys,
                limits::SEARCH_KEYS
            )));
        }
        let candidates = candidates(criteria, view);
        cost.readers.header = cost.readers.header.saturating_add(extra_header_readers);
        if cost.readers.total() > 1 {
            let octets = limits::octets(view, mailbox, &candidates);
            if !cost.readers.within(octets) {
                return Err(limits::too_much_reading(cost.readers, octets));
            }
        }
        let mut matched = Matched {
            hits: Vec::new(),
            saw_expunged: false,
            reads: cost.readers.total() > 0,
        };
        let mut next = 0;
        for i in candidates {
            let Some(entry) = view.entries.get(i) else {
                continue;
            };
            let seq = View::seq_of(i).0;
            let (data, flags, modseq) = match &entry.expunged {
                Some(ghost) => {
                    matched.saw_expunged = true;
                    // SORT and THREAD follow the same decision point: they are "a variant of
                    // SEARCH" (RFC 5256 §3).
                    match policy {
                        // RFC 2180 §4.3: the server MAY leave expunged messages out.
                        SearchExpunged::Omit => continue,
                        SearchExpunged::Include => (&ghost.data, &ghost.flags, ghost.modseq),
                        // Dovecot 2.3 behaviour: the flags this session was last told.
                        SearchExpunged::IncludeFlagless => (
                            &ghost.data,
                            ghost.told.as_ref().unwrap_or(&ghost.flags),
                            ghost.modseq,
                        ),
                    }
                }
                // Entries and messages are both in UID order: the next message is tried first.
                None => {
                    let Some(m) = mailbox.position_near(entry.uid, next).and_then(|p| {
                        next = p + 1;
                        mailbox.messages.get(p)
                    }) else {
                        continue;
                    };
                    (&m.data, &m.flags, m.modseq)
                }
            };
            slots.mark(flags, &mut has_keywords);
            let candidate = Candidate {
                seq,
                uid: entry.uid,
                data,
                flags,
                recent: entry.recent,
                modseq,
                keywords: &has_keywords,
            };
            if plan.matches(&candidate, &bounds) {
                matched.hits.push(Hit {
                    seq,
                    uid: entry.uid.0,
                    modseq,
                    data: Arc::clone(data),
                });
            }
        }
        Ok(matched)
    }

    /// Puts the saved search result where a command says `$` (RFC 5182 §2.1), in the number
    /// space the command uses there: UIDs in UID commands and in the UID search key, sequence
    /// numbers elsewhere. Nothing saved, or nothing selected: the empty set, which matches no
    /// message and is no error (§2.1, Example 6). Refused with `NO [LIMIT]` when the uses of `$`
    /// times its ranges exceed [`limits::LAST_RESULT_RANGES`].
    pub(crate) fn put_last_result(
        &self,
        client: ClientId,
        body: &mut CommandBody,
    ) -> Result<(), Fail> {
        let Ok(view) = selected_view(&self.sessions, client) else {
            return Ok(());
        };
        let uses = std::cell::Cell::new(0usize);
        let count = |set: &mut SequenceSet, _: bool| {
            uses.set(uses.get() + usize::from(set.uses_last_result()));
        };
        each_set(body, &count);
        let ranges = uses.get().saturating_mul(view.saved.spans().len());
        if ranges > limits::LAST_RESULT_RANGES {
            return Err(limits::exceeded(format!(
                "$ used {} times for {} ranges each, at most {} ranges in all",
                uses.get(),
                view.saved.spans().len(),
                limits::LAST_RESULT_RANGES
            )));
        }
        let put = |set: &mut SequenceSet, uid: bool| {
            if set.is_last_result() {
                *set = view.last_result(uid);
            } else if set.0.last() == Some(&SeqRange::LAST_RESULT) {
                // `1,$` (RFC 5182 §3): the numbers and the saved result; an empty result adds
                // nothing (§2.1: "a valid, but non-matching list").
                set.0.pop();
                set.0.extend(view.last_result(uid).0);
            }
        };
        each_set(body, &put);
        Ok(())
    }

    pub(crate) fn handle_search(
        &mut self,
        client: ClientId,
        tag: &Tag,
        charset: Option<&str>,
        criteria: &[SearchKey],
        uid: bool,
        ret: Option<Vec<SearchReturnOpt>>,
    ) -> CmdResult {
        let save = ret
            .as_ref()
            .is_some_and(|opts| opts.contains(&SearchReturnOpt::Save));
        let result = self.search(client, tag, charset, criteria, uid, ret);
        // RFC 5182 §2.1: "A SEARCH command with the SAVE result option that caused the server
        // to return the NO tagged response sets the value of the search result variable to
        // the empty sequence"; a BAD leaves it alone.
        if let (true, Err(fail)) = (save, &result) {
            if fail.kind == StatusKind::No {
                self.save_result(client, Ranges::from_spans(Vec::new()));
            }
        }
        result
    }

    /// Under `context-update=immediate`, tells every session not in IDLE (IDLE ones were just
    /// told everything) how its live search results changed, without waiting for its next
    /// command (RFC 5267 §4.3.2, §4.3.4). REMOVEFROM for a message not yet reported expunged
    /// then comes before its EXPUNGE, in the numbers the client still uses.
    pub(crate) fn push_context_updates(&mut self) {
        let policy = self.policies.context_update;
        match policy {
            ContextUpdate::WithResponses => return,
            ContextUpdate::Immediate => {}
        }
        let mut pushed = Vec::new();
        for session in self.sessions.values_mut() {
            if session.closing || matches!(session.mode, Mode::Idle(_)) {
                continue;
            }
            let Some(view) = session.state.view_mut() else {
                continue;
            };
            if view.contexts.is_empty() {
                continue;
            }
            let mut out = context_removals(view);
            if let Some(mailbox) = self.store.get(view.mailbox) {
                out.extend(context_changes(view, mailbox));
            }
            pushed.extend(out.into_iter().map(|r| (session.id, r)));
        }
        for (client, response) in pushed {
            self.send(client, response, Some(Citation::of(policy)));
        }
    }

    /// Keeps a search with UPDATE, or refuses to with an untagged `NO [NOUPDATE "tag"]` when
    /// the session has [`limits::SEARCH_CONTEXTS`] already, or one whose keys read message
    /// octets and this one does too (so a change to every message costs at most one reading
    /// pass; RFC 5267 §4.3.1: the server "MAY refuse to provide updates"; the other return
    /// options were honoured).
    pub(crate) fn keep_context(&mut self, client: ClientId, context: SearchContext) {
        let Some(view) = self
            .sessions
            .get_mut(&client)
            .and_then(|s| s.state.view_mut())
        else {
            return;
        };
        let second_reader = context.reads && view.contexts.iter().any(|c| c.reads);
        if view.contexts.len() < limits::SEARCH_CONTEXTS && !second_reader {
            view.contexts.push(context);
            return;
        }
        let text = if second_reader {
            "One live search may read message text or headers at a time".to_string()
        } else {
            format!(
                "At most {} searches with UPDATE at a time",
                limits::SEARCH_CONTEXTS
            )
        };
        let refusal = Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::No,
            code: Some(Code::Other {
                atom: "NOUPDATE".into(),
                text: Some(format!("\"{}\"", context.tag)),
            }),
            text,
        });
        self.send(client, refusal, None);
    }

    /// Sets `$` of the session's view (RFC 5182 §2.1).
    pub(crate) fn save_result(&mut self, client: ClientId, uids: Ranges) {
        if let Some(view) = self
            .sessions
            .get_mut(&client)
            .and_then(|s| s.state.view_mut())
        {
            view.saved = uids;
        }
    }

    /// CANCELUPDATE (RFC 5267 §4.3.5): no more updates for the searches with these tags. A tag
    /// with no search behind it cancels nothing, and is answered as cancelupdate-tag says.
    pub(crate) fn handle_cancel_update(&mut self, client: ClientId, tags: &[String]) -> CmdResult {
        let policy = self.policies.cancelupdate_tag;
        let Some(view) = self
            .sessions
            .get_mut(&client)
            .and_then(|s| s.state.view_mut())
        else {
            return Err(Fail::bad("No mailbox selected"));
        };
        let unknown = tags
            .iter()
            .any(|t| !view.contexts.iter().any(|c| &c.tag == t));
        view.contexts.retain(|c| !tags.contains(&c.tag));
        match (unknown, policy) {
            (false, _) => Ok(Done::text("No further updates")),
            // RFC 5267 §4.3.5 names no error: no updates come for the tag, as asked.
            (true, CancelupdateTag::Ok) => {
                Ok(Done::text("No further updates").cite(Citation::of(policy)))
            }
            // Dovecot 2.3 behaviour: NO, the live ones named cancelled all the same.
            (true, CancelupdateTag::No) => {
                Err(Fail::no("Unknown tag: no live search has it").cite(Citation::of(policy)))
            }
        }
    }

    fn search(
        &mut self,
        client: ClientId,
        tag: &Tag,
        charset: Option<&str>,
        criteria: &[SearchKey],
        uid: bool,
        ret: Option<Vec<SearchReturnOpt>>,
    ) -> CmdResult {
        let (update, fetch) = check_return_opts!(self, client, tag, ret);
        if let Some(cs) = charset {
            if !CHARSETS.iter().any(|c| c.eq_ignore_ascii_case(cs)) {
                // RFC 3501 §6.4.4: NO with BADCHARSET listing the supported charsets.
                return Err(Fail::no(format!("Unsupported charset {cs}")).with_code(
                    Code::BadCharset(CHARSETS.iter().map(|c| c.to_string()).collect()),
                ));
            }
        }
        let matched = self.search_matches(client, criteria, 0)?;
        // Each hit with its mod-sequence: ESEARCH MIN/MAX report their own (RFC 4731 §3.2).
        let hits: Vec<(u32, u64)> = matched
            .hits
            .iter()
            .map(|h| (if uid { h.uid } else { h.seq }, h.modseq))
            .collect();
        // The UIDs found, for SAVE (RFC 5182 §2.1); `$` holds UIDs whatever the command.
        let hit_uids: Vec<u32> = matched.hits.iter().map(|h| h.uid).collect();
        let saw_expunged = matched.saw_expunged;
        let (mailbox_id, _) = self.selected_mailbox(client)?;
        let view = selected_view(&self.sessions, client)?;
        let Some(mailbox) = self.store.get(mailbox_id) else {
            return Err(Fail::no("The selected mailbox no longer exists"));
        };
        let context = update.then(|| SearchContext {
            tag: tag.0.clone(),
            uid,
            criteria: in_uids(criteria, view),
            result: hit_uids.iter().map(|&u| Uid(u)).collect(),
            checked: mailbox.highest_modseq(),
            reads: matched.reads,
            fetch,
            last_uid: view.last_uid,
            #[cfg(feature = "sort-thread")]
            sorted: None,
        });
        let citation = saw_expunged.then(|| Citation::of(self.policies.search_expunged));
        // RFC 7162 §3.1.5: with a MODSEQ key and a non-empty result, the highest mod-sequence
        // of the messages returned ends the response; §3.1: it is a CONDSTORE enabling command.
        let modseq_key = has_modseq(criteria);
        if modseq_key {
            self.enable_condstore(client);
        }
        if let Some(opts) = &ret {
            if opts.contains(&SearchReturnOpt::Save) {
                self.save_result(client, saved(opts, &hit_uids));
            }
        }
        let answer = match &ret {
            // RFC 9051 §6.4.4: "If no result option is specified ..., ALL is assumed", and
            // the answer is ESEARCH (Appendix E item 4): an IMAP4rev2 session never gets SEARCH.
            None if self.rev2_enabled(client) => esearch(tag, uid, &[], &hits, modseq_key),
            None => {
                let highest = hits.iter().map(|&(_, m)| m).max();
                let numbers = hits.iter().map(|&(n, _)| n).collect();
                Some(Data::Search(numbers, highest.filter(|_| modseq_key)))
            }
            Some(opts) => esearch(tag, uid, opts, &hits, modseq_key),
        };
        if let Some(data) = answer {
            self.send(client, Response::Data(data), citation.clone());
        }
        if let Some(context) = context {
            self.keep_context(client, context);
        }
        let mut done = Done::text(if uid {
            "UID SEARCH completed"
        } else {
            "SEARCH completed"
        });
        if let Some(c) = citation {
            done = done.cite(c);
        }
        if let Some((code, _)) = self.expunge_issued(Touched::when(saw_expunged, Touched::Flags)) {
            done = done.with_code(code);
        }
        Ok(done)
    }
}

/// Calls `put` on every sequence set of `body` with whether it is read as UIDs there. A new
/// command that takes a sequence set (or search keys) must be added here for `$` to work in it.
fn each_set(body: &mut CommandBody, put: &dyn Fn(&mut SequenceSet, bool)) {
    match body {
        CommandBody::Fetch { set, uid, .. }
        | CommandBody::Store { set, uid, .. }
        | CommandBody::Copy { set, uid, .. }
        | CommandBody::Move { set, uid, .. } => put(set, *uid),
        // RFC 9051 §9 `uid-expunge = "EXPUNGE" SP sequence-set`: `$` there too.
        CommandBody::UidExpunge { set } => put(set, true),
        CommandBody::Search { criteria, .. } => {
            // RFC 5182 §2.2 Example 3: `UID SEARCH $` and `UID SEARCH UID $` are the same:
            // as a key, `$` is the saved messages, written in the key's own numbers.
            fn keys(criteria: &mut [SearchKey], put: &dyn Fn(&mut SequenceSet, bool)) {
                for key in criteria {
                    match key {
                        SearchKey::SequenceSet(set) => put(set, false),
                        SearchKey::Uid(set) => put(set, true),
                        SearchKey::Not(k) => keys(std::slice::from_mut(k.as_mut()), put),
                        SearchKey::Or(a, b) => {
                            keys(std::slice::from_mut(a.as_mut()), put);
                            keys(std::slice::from_mut(b.as_mut()), put);
                        }
                        SearchKey::And(inner) => keys(inner, put),
                        _ => {}
                    }
                }
            }
            keys(criteria, put);
        }
        // RFC 5182 §1: `$` in "any command based on SEARCH, e.g., SORT and THREAD", in their
        // search keys, walked as SEARCH's are.
        #[cfg(feature = "sort-thread")]
        CommandBody::Sort { search, .. } | CommandBody::Thread { search, .. } => {
            let mut keys = CommandBody::Search {
                charset: None,
                criteria: std::mem::take(search),
                uid: false,
                ret: None,
            };
            each_set(&mut keys, put);
            if let CommandBody::Search { criteria, .. } = keys {
                *search = criteria;
            }
        }
        _ => {}
    }
}

/// The criteria with every sequence-set key turned into the UID key naming the same messages
/// now (RFC 5267 §4.3: message numbers are "evaluated at the time the command is received").
pub(crate) fn in_uids(criteria: &[SearchKey], view: &View) -> Vec<SearchKey> {
    criteria
        .iter()
        .map(|key| match key {
            SearchKey::SequenceSet(set) => {
                let uids = Ranges::of(set, view.exists())
                    .spans()
                    .iter()
                    .flat_map(|&(lo, hi)| {
                        let from = (lo as usize).saturating_sub(1);
                        view.entries
                            .get(from..(hi as usize).min(view.entries.len()))
                            .unwrap_or_default()
                    })
                    .map(|e| (e.uid.0, e.uid.0))
                    .collect();
                // Nothing named: the empty set, which matches nothing.
                let set = Ranges::from_spans(uids).to_set();
                SearchKey::Uid(set.unwrap_or_else(SequenceSet::last_result))
            }
            SearchKey::Not(k) => SearchKey::Not(Box::new(one_in_uids(k, view))),
            SearchKey::Or(a, b) => SearchKey::Or(
                Box::new(one_in_uids(a, view)),
                Box::new(one_in_uids(b, view)),
            ),
            SearchKey::And(keys) => SearchKey::And(in_uids(keys, view)),
            other => other.clone(),
        })
        .collect()
}

fn one_in_uids(key: &SearchKey, view: &View) -> SearchKey {
    in_uids(std::slice::from_ref(key), view)
        .pop()
        .unwrap_or(SearchKey::All)
}

/// The numbers an update names, in the context's number space, as one set (RFC 5267 §4.3.3:
/// "servers are RECOMMENDED to order the result update into mailbox order to produce the
/// shortest representation in set-syntax"; position 0, allowed for SEARCH).
fn update_pairs(numbers: &[u32]) -> Vec<(u32, SequenceSet)> {
    let spans = numbers.iter().map(|&n| (n, n)).collect();
    Ranges::from_spans(spans)
        .to_set()
        .map(|set| vec![(0, set)])
        .unwrap_or_default()
}

pub(crate) fn update_response(context: &SearchContext, data: Vec<SearchReturnData>) -> Response {
    Response::Data(Data::ESearch {
        tag: Some(context.tag.clone()),
        uid: context.uid,
        data,
    })
}

/// REMOVEFROM for the messages of each live result that the session is about to be told were
/// expunged, in the numbers it still knows them by (RFC 5267 §4.3.4: "MUST be sent prior to
/// the expunge notification itself"). One ESEARCH per search.
pub(crate) fn context_removals(view: &mut View) -> Vec<Response> {
    let mut out = Vec::new();
    if view.pending_expunges == 0 {
        return out;
    }
    for context in &mut view.contexts {
        // CONTEXT=SORT: positions in the requested order (RFC 5267 §4.3.4).
        #[cfg(feature = "sort-thread")]
        if context.sorted.is_some() {
            out.extend(super::sort::sorted_removals(context, &view.entries));
            continue;
        }
        let mut numbers = Vec::new();
        for (i, entry) in view.entries.iter().enumerate() {
            if entry.expunged.is_some() && context.result.remove(&entry.uid) {
                numbers.push(if context.uid {
                    entry.uid.0
                } else {
                    View::seq_of(i).0
                });
            }
        }
        let pairs = update_pairs(&numbers);
        if !pairs.is_empty() {
            out.push(update_response(
                context,
                vec![SearchReturnData::RemoveFrom(pairs)],
            ));
        }
    }
    out
}

/// ADDTO and REMOVEFROM for each live result, looking again at the messages that arrived or
/// changed flags since it was last brought up to date, own changes included (RFC 5267 §4.3:
/// "as and when results change"). Sent after the EXISTS and FETCH responses that tell of the
/// same changes (§4.3.2, §4.3.3). One ESEARCH per search; messages not yet reported expunged
/// stay until they are.
pub(crate) fn context_changes(view: &mut View, mailbox: &Mailbox) -> Vec<Response> {
    let mut out = Vec::new();
    // Messages the session was not yet told of are not in the view: look only below their
    // mod-sequences, so they are looked at once they are (ADDTO after EXISTS, §4.3.3).
    let first_new = mailbox.messages.partition_point(|m| m.uid <= view.last_uid);
    let unannounced = mailbox.messages.get(first_new..).unwrap_or_default();
    let highest = unannounced
        .iter()
        .map(|m| m.modseq.saturating_sub(1))
        .min()
        .unwrap_or(u64::MAX)
        .min(mailbox.highest_modseq());
    let bounds = Bounds {
        max_seq: view.exists(),
        max_uid: view.entries.last().map_or(0, |e| e.uid.0),
    };
    let rev2 = view.enabled.rev2;
    for context in &mut view.contexts {
        if context.checked >= highest {
            continue;
        }
        let (plan, _, slots) = Plan::compile(&context.criteria, &bounds);
        let mut has_keywords = slots.buffer();
        let (mut added, mut removed, mut fetches) = (Vec::new(), Vec::new(), Vec::new());
        for (i, entry) in view.entries.iter().enumerate() {
            if entry.expunged.is_some() {
                continue;
            }
            let Some(m) = mailbox
                .message(entry.uid)
                .filter(|m| m.modseq > context.checked)
            else {
                continue;
            };
            slots.mark(&m.flags, &mut has_keywords);
            let seq = View::seq_of(i).0;
            let candidate = Candidate {
                seq,
                uid: entry.uid,
                data: &m.data,
                flags: &m.flags,
                recent: entry.recent,
                modseq: m.modseq,
                keywords: &has_keywords,
            };
            let number = if context.uid { entry.uid.0 } else { seq };
            match (
                plan.matches(&candidate, &bounds),
                context.result.contains(&entry.uid),
            ) {
                (true, false) => {
                    added.push((entry.uid, number));
                    // RFC 5465 §7: "No untagged FETCH response SHOULD be returned if a message
                    // becomes a member of UPDATE SEARCH due to flag or annotation changes":
                    // only a message new since the last update gets one.
                    if entry.uid > context.last_uid && !context.fetch.is_empty() {
                        fetches.extend(new_message_fetch(context, rev2, seq, entry.recent, m));
                    }
                }
                (false, true) => removed.push((entry.uid, number)),
                _ => {}
            }
        }
        drop(plan);
        context.checked = highest;
        context.last_uid = view.last_uid;
        // RFC 5465 §7: "the EXISTS response MUST precede any FETCH responses, and together they
        // MUST precede the ESEARCH response" (the EXISTS went out before this is called).
        out.extend(fetches);
        let mut data = Vec::new();
        for (uid, _) in &removed {
            context.result.remove(uid);
        }
        for (uid, _) in &added {
            context.result.insert(*uid);
        }
        // CONTEXT=SORT: positions in the requested order (RFC 5267 §4.3.3, §4.3.4).
        #[cfg(feature = "sort-thread")]
        if let Some(sorted) = context.sorted.as_mut() {
            let data = super::sort::sorted_changes(sorted, &removed, &added, mailbox);
            if !data.is_empty() {
                out.push(update_response(context, data));
            }
            continue;
        }
        let removed: Vec<u32> = removed.iter().map(|&(_, n)| n).collect();
        let added: Vec<u32> = added.iter().map(|&(_, n)| n).collect();
        let (removed, added) = (update_pairs(&removed), update_pairs(&added));
        if !removed.is_empty() {
            data.push(SearchReturnData::RemoveFrom(removed));
        }
        if !added.is_empty() {
            data.push(SearchReturnData::AddTo(added));
        }
        if !data.is_empty() {
            out.push(update_response(context, data));
        }
    }
    out
}

/// [`limits::check_fetch`] of UPDATE's attributes (RFC 5465 §7) for messages of these octets:
/// one function, so the page's module holds one copy of the generic check for both callers.
pub(crate) fn fetch_within(atts: &[FetchAtt], octets: limits::Octets) -> Result<(), Fail> {
    limits::check_fetch(atts, || octets)
}

/// The FETCH of UPDATE's attributes for a new message that joined `context`'s result (RFC
/// 5465 §7), or none when reading them would pass the limits (as for a FETCH of it; the ADDTO
/// still tells of it). The values are read without setting `\Seen`, as `BODY.PEEK[...]`
/// would: RFC 3501 §6.4.5 sets it for a FETCH command the client sent, and RFC 5465 §5.2 asks
/// clients not to name items that set it here ("The client SHOULD NOT use FETCH attributes that
/// implicitly set the \seen flag"), so a message the user has not read is not marked read.
fn new_message_fetch(
    context: &SearchContext,
    rev2: bool,
    seq: u32,
    recent: bool,
    m: &crate::server::mailstore::Message,
) -> Option<Response> {
    let header = m.data.mime().header_bytes(&m.data.raw).len();
    let octets = limits::Octets {
        whole: u64::from(m.data.size()),
        header: u64::try_from(header).unwrap_or(u64::MAX),
    };
    fetch_within(&context.fetch, octets).ok()?;
    let seen = Seen {
        uid: m.uid,
        data: &m.data,
        flags: m.flags.to_list(recent),
        modseq: m.modseq,
    };
    let mut fetch = FetchResponse::new(seq);
    for att in &context.fetch {
        fetch.push_att(att, |a| value(a, &seen));
    }
    // RFC 9051 §7.5.2: an unsolicited FETCH carries UID for an IMAP4rev2 session.
    if rev2 {
        fetch.push_att(&FetchAtt::Uid, |a| value(a, &seen));
    }
    Some(fetch.into_response())
}

/// What SAVE keeps of the UIDs found (ascending), RFC 5182 §2.4: with MIN and/or MAX and
/// neither ALL nor COUNT, only the messages those return; otherwise all found.
pub(crate) fn saved(opts: &[SearchReturnOpt], uids: &[u32]) -> Ranges {
    use SearchReturnOpt::*;
    let has = |o: SearchReturnOpt| opts.contains(&o);
    let picked: Vec<u32> = if (has(Min) || has(Max)) && !has(All) && !has(Count) {
        let min = uids.first().filter(|_| has(Min));
        let max = uids.last().filter(|_| has(Max));
        min.into_iter().chain(max).copied().collect()
    } else {
        uids.to_vec()
    };
    Ranges::from_spans(picked.into_iter().map(|u| (u, u)).collect())
}

/// The ESEARCH response for `RETURN (opts)` (RFC 4731 §3.1), or `None` when only SAVE was
/// asked for (RFC 5182 §2.2 Example 1: no untagged response). `hits` ascend.
pub(crate) fn esearch(
    tag: &Tag,
    uid: bool,
    opts: &[SearchReturnOpt],
    hits: &[(u32, u64)],
    modseq_key: bool,
) -> Option<Data> {
    use SearchReturnOpt::*;
    // RFC 4731 §3.1: "If the list of result options is empty, ... This is equivalent to
    // "(ALL)"."
    let want = |o: SearchReturnOpt| opts.contains(&o) || (o == All && opts.is_empty());
    if !opts.is_empty() && opts.iter().all(|o| *o == Save) {
        return None;
    }
    let (first, last) = (hits.first(), hits.last());
    let mut data = Vec::new();
    // RFC 4731 §3.1: with no matches, MIN, MAX and ALL are left out; COUNT is always there.
    if let (true, Some(&(n, _))) = (want(Min), first) {
        data.push(SearchReturnData::Min(n));
    }
    if let (true, Some(&(n, _))) = (want(Max), last) {
        data.push(SearchReturnData::Max(n));
    }
    if want(All) {
        let spans = hits.iter().map(|&(n, _)| (n, n)).collect();
        // RFC 4731 §3.1: "the messages are always returned using the sequence-set syntax".
        if let Some(set) = Ranges::from_spans(spans).to_set() {
            data.push(SearchReturnData::All(set));
        }
    }
    // RFC 5267 §4.4: results lo to hi (1-based, in mailbox order); what lies past the end is
    // left out, NIL when nothing is left.
    for opt in opts {
        if let SearchReturnOpt::Partial(a, b) = *opt {
            let (lo, hi) = (a.min(b) as usize, a.max(b) as usize);
            let spans = hits
                .get(lo.saturating_sub(1)..hi.min(hits.len()))
                .unwrap_or_default()
                .iter()
                .map(|&(n, _)| (n, n))
                .collect();
            data.push(SearchReturnData::Partial {
                range: (a, b),
                results: Ranges::from_spans(spans).to_set(),
            });
        }
    }
    if want(Count) {
        let count = u32::try_from(hits.len()).unwrap_or(u32::MAX);
        data.push(SearchReturnData::Count(count));
    }
    // RFC 4731 §3.2 (RFC 7162 §3.1.10): MODSEQ when the search had a MODSEQ key and found
    // something. A lone MIN or MAX reports that message's; MIN and MAX without ALL or COUNT the
    // higher of the two; otherwise the highest of all found.
    if modseq_key && !hits.is_empty() {
        let modseq = if want(All) || want(Count) {
            hits.iter().map(|&(_, m)| m).max()
        } else {
            let ends = [first.filter(|_| want(Min)), last.filter(|_| want(Max))];
            ends.into_iter().flatten().map(|&(_, m)| m).max()
        };
        if let Some(m) = modseq {
            data.push(SearchReturnData::ModSeq(m));
        }
    }
    Some(Data::ESearch {
        tag: Some(tag.0.clone()),
        uid,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::{SeqBound, SeqRange, SequenceSet};
    use crate::server::mailstore::mailbox_with;

    fn view_of(n: usize) -> View {
        let (mut store, id) = mailbox_with(n);
        View::open(store.get_mut(id).unwrap(), false)
    }

    fn set(a: u32, b: SeqBound) -> SequenceSet {
        SequenceSet(vec![SeqRange {
            start: SeqBound::Num(a),
            end: b,
        }])
    }

    #[test]
    fn uid_and_sequence_keys_bound_the_candidates() {
        let view = view_of(10);
        assert_eq!(candidates(&[SearchKey::All], &view).len(), 10);
        let uid = SearchKey::Uid(set(8, SeqBound::Star));
        assert_eq!(
            candidates(&[uid.clone(), SearchKey::Seen], &view),
            vec![7, 8, 9]
        );
        let seq = SearchKey::SequenceSet(set(1, SeqBound::Num(8)));
        assert_eq!(candidates(&[seq, uid], &view), vec![7]);
        // Out of range: no narrowing, the key itself then matches nothing.
        let wide = SearchKey::SequenceSet(set(5, SeqBound::Num(99)));
        assert_eq!(candidates(&[wide], &view).len(), 10);
        // Inside OR or NOT a key does not narrow.
        let or = SearchKey::Or(
            Box::new(SearchKey::Uid(set(1, SeqBound::Num(1)))),
            Box::new(SearchKey::All),
        );
        assert_eq!(candidates(&[or], &view).len(), 10);
    }

    #[test]
    fn intersection_of_ascending_lists() {
        assert_eq!(intersect(&[1, 3, 5, 7], &[0, 3, 4, 7, 9]), vec![3, 7]);
        assert_eq!(intersect(&[], &[1]), Vec::<usize>::new());
        assert_eq!(intersect(&[2, 4], &[2, 4]), vec![2, 4]);
    }
}
