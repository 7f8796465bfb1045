//! NOTIFY (RFC 5465): what a session asked to be told ([`Watch`]), what it was last told of
//! each mailbox, and the delivery that compares the two with the store and sends the
//! difference as STATUS and LIST responses. Comparing snapshots, rather than hooking every
//! command that changes the store, keeps this in one place: whatever changed a mailbox (another
//! session, the control API), the next delivery sees it. The selected mailbox is told through
//! its [`View`](crate::server::session::View), as without NOTIFY.

use crate::protocol::types::{
    Code, Data, FetchAtt, FetchItems, FetchModifiers, ListItem, MailboxName, NameAttribute,
    NotifyFilter, Response, SeqBound, SeqRange, SequenceSet, StatusKind, StatusResponse,
    StatusValue,
};
use crate::server::limits;
use crate::server::mailstore::{canonical_name, Mailbox, MailboxId, Store, DELIMITER};
use crate::server::policy::{NotifyStatusItems, NotifyTiming};
use crate::server::session::{Mode, State};
use crate::server::vecmap::{VecMap, VecSet};
use crate::server::{Citation, ClientId, Server};

/// The events one `event-group` asks for, reduced to what this server tells apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Events {
    /// MessageNew and MessageExpunge, which come together (RFC 5465 §5).
    pub messages: bool,
    pub flags: bool,
    pub names: bool,
    pub subscriptions: bool,
}

impl Events {
    fn or(self, other: Events) -> Events {
        Events {
            messages: self.messages || other.messages,
            flags: self.flags || other.flags,
            names: self.names || other.names,
            subscriptions: self.subscriptions || other.subscriptions,
        }
    }
}

/// What SELECTED or SELECTED-DELAYED asked for (RFC 5465 §6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedWatch {
    /// SELECTED-DELAYED: expunges wait for a command that allows them (§6.1.2).
    pub delayed: bool,
    /// MessageNew's `fetch-att`s, sent for each new message after its EXISTS (§5.2).
    pub fetch: Vec<FetchAtt>,
    /// FlagChange was asked for (§5.1).
    pub flags: bool,
}

/// A mailbox's numbers as the client was last told them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    messages: u32,
    uid_next: u32,
    uid_validity: u32,
    highest_modseq: u64,
    /// Only kept under `notify-status-items` `with-unseen` and `unseen-no-uidvalidity` (it costs
    /// a pass over the messages).
    unseen: Option<u32>,
}

/// A filter other than SELECTED, ready to test names without allocating (RFC 5465 §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// PERSONAL and INBOXES. §6.2: every mailbox is in the one personal namespace (NAMESPACE
    /// answers `(("" "/"))`). §6.3: any of them may be delivered to (APPEND, the control API's
    /// delivery), and "If the IMAP server cannot easily compute this set, it MUST treat
    /// "inboxes" as equivalent to "personal"".
    All,
    /// §6.4: evaluated at each delivery, as "If the subscription list changes, the server MUST
    /// reevaluate the list".
    Subscribed,
    /// SUBTREE (`subtree`, §6.5: the mailbox and all below it) and MAILBOXES (§6.6: "The
    /// server MUST NOT do a wildcard expansion": names compare as they are), by canonical name.
    Names {
        names: VecSet<String>,
        subtree: bool,
    },
}

impl Filter {
    /// `None` for SELECTED and SELECTED-DELAYED, which only match the selected mailbox (§6).
    pub fn of(filter: &NotifyFilter) -> Option<Filter> {
        let names = |list: &[MailboxName]| list.iter().map(|m| canonical_name(&m.0)).collect();
        Some(match filter {
            NotifyFilter::Selected | NotifyFilter::SelectedDelayed => return None,
            NotifyFilter::Personal | NotifyFilter::Inboxes => Filter::All,
            NotifyFilter::Subscribed => Filter::Subscribed,
            NotifyFilter::Subtree(list) => Filter::Names {
                names: names(list),
                subtree: true,
            },
            NotifyFilter::Mailboxes(list) => Filter::Names {
                names: names(list),
                subtree: false,
            },
        })
    }

    /// Whether the filter covers a (canonical) mailbox name: a set lookup per level of the
    /// name, so a NOTIFY with many names costs no more per mailbox than one with few.
    fn matches(&self, store: &Store, user: &str, name: &str) -> bool {
        match self {
            Filter::All => true,
            Filter::Subscribed => store.is_subscribed(user, name),
            Filter::Names { names, subtree } => {
                names.contains(name)
                    || (*subtree
                        && name
                            .match_indices(DELIMITER)
                            .any(|(i, _)| name.get(..i).is_some_and(|p| names.contains(p))))
            }
        }
    }
}

/// One session's NOTIFY SET, and what it has been told.
#[derive(Debug, Clone)]
pub struct Watch {
    pub selected: Option<SelectedWatch>,
    /// The other groups: filter and events (RFC 5465 §6.2 to §6.6).
    pub groups: Vec<(Filter, Events)>,
    counts: VecMap<MailboxId, Counts>,
    names: VecMap<MailboxId, String>,
    subscribed: VecSet<String>,
}

impl Watch {
    pub fn new(selected: Option<SelectedWatch>, groups: Vec<(Filter, Events)>) -> Watch {
        Watch {
            selected,
            groups,
            counts: VecMap::new(),
            names: VecMap::new(),
            subscribed: VecSet::new(),
        }
    }

    /// The events asked for a mailbox other than the selected one, by name.
    fn events_for(&self, store: &Store, user: &str, name: &str) -> Events {
        self.groups
            .iter()
            .filter(|(filter, _)| filter.matches(store, user, name))
            .fold(Events::default(), |acc, (_, e)| acc.or(*e))
    }

    fn any(&self, f: impl Fn(&Events) -> bool) -> bool {
        self.groups.iter().any(|(_, e)| f(e))
    }
}

fn counts_of(mb: &Mailbox, unseen: bool) -> Counts {
    Counts {
        messages: u32::try_from(mb.messages.len()).unwrap_or(u32::MAX),
        uid_next: mb.uid_next,
        uid_validity: mb.uid_validity,
        highest_modseq: mb.highest_modseq(),
        unseen: unseen.then(|| mb.unseen_count()),
    }
}

/// Which STATUS items to send.
#[derive(Debug, Clone, Copy, Default)]
struct Items {
    messages: bool,
    validity: bool,
    unseen: bool,
    modseq: bool,
}

fn status_of(mb: &Mailbox, c: Counts, items: Items) -> Response {
    let mut values = Vec::new();
    if items.messages {
        values.push(StatusValue::Messages(c.messages));
        values.push(StatusValue::UidNext(c.uid_next));
    }
    if items.validity {
        values.push(StatusValue::UidValidity(c.uid_validity));
    }
    if let (true, Some(n)) = (items.unseen, c.unseen) {
        values.push(StatusValue::Unseen(n));
    }
    if items.modseq {
        values.push(StatusValue::HighestModSeq(c.highest_modseq));
    }
    Response::Data(Data::Status {
        mailbox: MailboxName(mb.name.clone()),
        items: values,
    })
}

/// The attributes of a mailbox in an unsolicited LIST (RFC 5465 §5.4, §5.5): `\NonExistent`
/// when it is gone, `\Subscribed` when subscribed, and `\HasChildren` or `\HasNoChildren`
/// ("SHOULD also include").
fn list_item(store: &Store, user: &str, name: &str) -> ListItem {
    let mut attributes = Vec::new();
    match store.by_name(name) {
        None => attributes.push(NameAttribute::Extension("NonExistent".to_string())),
        Some(mb) => {
            if mb.noselect {
                attributes.push(NameAttribute::Noselect);
            }
            attributes.push(if store.has_children(name) {
                NameAttribute::HasChildren
            } else {
                NameAttribute::HasNoChildren
            });
        }
    }
    if store.is_subscribed(user, name) {
        attributes.push(NameAttribute::Subscribed);
    }
    ListItem {
        attributes,
        delimiter: Some(DELIMITER),
        mailbox: MailboxName(name.to_string()),
    }
}

/// The citation of a STATUS notification: under `with-unseen` and `unseen-no-uidvalidity`
/// its items are the point; under `required` the paragraph that asked for them.
fn cite(policy: NotifyStatusItems, paragraph: &'static str) -> Citation {
    match policy {
        NotifyStatusItems::Required => Citation::at(policy, paragraph),
        NotifyStatusItems::WithUnseen | NotifyStatusItems::UnseenNoUidvalidity => {
            Citation::of(policy)
        }
    }
}

fn parent_of(name: &str) -> Option<&str> {
    name.rsplit_once(DELIMITER).map(|(p, _)| p)
}

impl Server {
    /// Records the current state of everything `watch` covers, without telling the client:
    /// at NOTIFY SET, and after each of the client's own commands (RFC 5465 §5: "The server
    /// SHOULD omit notifying the client if the event is caused by this client").
    fn notify_snapshot(&self, watch: &mut Watch, user: &str) {
        let unseen = self.policies.notify_status_items != NotifyStatusItems::Required;
        watch.counts.clear();
        watch.names.clear();
        for mb in self.store.live() {
            let events = watch.events_for(&self.store, user, &mb.name);
            if (events.messages || events.flags) && !mb.noselect {
                watch.counts.insert(mb.id, counts_of(mb, unseen));
            }
            watch.names.insert(mb.id, mb.name.clone());
        }
        watch.subscribed = self.store.subscriptions(user).cloned().collect();
    }

    /// Installs a NOTIFY SET for the session, sending the STATUS of each mailbox it covers
    /// when `status` is set (RFC 5465 §3.1).
    pub(crate) fn start_notify(&mut self, client: ClientId, mut watch: Watch, status: bool) {
        let Some(session) = self.sessions.get(&client) else {
            return;
        };
        let Some(user) = session.state.user().map(str::to_string) else {
            return;
        };
        let condstore = session.enabled.condstore;
        let selected = session.state.view().map(|v| v.mailbox);
        self.notify_snapshot(&mut watch, &user);
        if status {
            let policy = self.policies.notify_status_items;
            let mut out = Vec::new();
            for (id, c) in &watch.counts {
                if Some(*id) == selected {
                    continue;
                }
                let Some(mb) = self.store.get(*id) else {
                    continue;
                };
                let events = watch.events_for(&self.store, &user, &mb.name);
                // §3.1: MessageNew: MESSAGES, UIDNEXT and UIDVALIDITY; MessageExpunge:
                // MESSAGES; FlagChange with CONDSTORE: UIDVALIDITY and HIGHESTMODSEQ.
                let unseen = match policy {
                    NotifyStatusItems::Required => false,
                    NotifyStatusItems::WithUnseen => events.flags,
                    NotifyStatusItems::UnseenNoUidvalidity => true,
                };
                let items = Items {
                    messages: events.messages,
                    validity: true,
                    unseen,
                    modseq: condstore,
                };
                out.push(status_of(mb, *c, items));
            }
            let citation = cite(policy, "RFC 5465 §3.1");
            for r in out {
                self.send(client, r, Some(citation.clone()));
            }
        }
        if let Some(s) = self.sessions.get_mut(&client) {
            s.notify = Some(watch);
        }
    }

    /// RFC 5465 §5.4: "When INBOX is renamed, a new INBOX is assumed to be created. No
    /// MailboxName event is sent for INBOX in this case." Here INBOX keeps its identity and the
    /// mailbox `to` takes its messages (RFC 3501 §6.3.5), so each watch is told that `to` was
    /// INBOX: its next delivery reports `to` as renamed, with OLDNAME "INBOX", and INBOX not at
    /// all.
    pub(crate) fn note_inbox_renamed(&mut self, to: MailboxId) {
        for watch in self.sessions.values_mut().filter_map(|s| s.notify.as_mut()) {
            watch.names.insert(to, "INBOX".to_string());
        }
    }

    /// Sends what changed since the session was last told, or, with `quiet`, records it
    /// without telling (after the session's own command).
    pub(crate) fn deliver_notifications(&mut self, client: ClientId, quiet: bool) {
        let Some(session) = self.sessions.get_mut(&client) else {
            return;
        };
        if session.closing {
            return;
        }
        let Some(mut watch) = session.notify.take() else {
            return;
        };
        let Some(user) = session.state.user().map(str::to_string) else {
            return;
        };
        let condstore = session.enabled.condstore;
        let selected = session.state.view().map(|v| v.mailbox);
        if quiet {
            // The same comparison, its responses dropped.
            self.changes(&mut watch, &user, selected, condstore);
            if let Some(s) = self.sessions.get_mut(&client) {
                s.notify = Some(watch);
            }
            return;
        }
        if let (Some(sel), Some(_)) = (&watch.selected, selected) {
            self.deliver_selected(client, sel.clone());
        }
        let out = self.changes(&mut watch, &user, selected, condstore);
        if out.len() > limits::NOTIFY_BURST {
            // RFC 5465 §5.8: "It MUST notify these clients by sending an untagged "OK
            // [NOTIFICATIONOVERFLOW]" response and behave as if a NOTIFY NONE command had just
            // been received."
            let overflow = StatusResponse {
                tag: None,
                kind: StatusKind::Ok,
                code: Some(Code::NotificationOverflow),
                text: format!(
                    "More than {} notifications at once; NOTIFY is now NONE",
                    limits::NOTIFY_BURST
                ),
            };
            self.send(client, Response::Status(overflow), None);
            return;
        }
        for (r, citation) in out {
            self.send(client, r, citation);
        }
        if let Some(s) = self.sessions.get_mut(&client) {
            s.notify = Some(watch);
        }
    }

    /// The selected mailbox under SELECTED or SELECTED-DELAYED (RFC 5465 §6.1): its changes
    /// now, expunges only under SELECTED (§5.3, §6.1.2), and for new messages the FETCH of the
    /// attributes asked for after their EXISTS (§5.2).
    fn deliver_selected(&mut self, client: ClientId, sel: SelectedWatch) {
        let exists = |s: &Server| {
            s.sessions
                .get(&client)
                .and_then(|s| s.state.view())
                .map_or(0, |v| v.exists())
        };
        // Only the events asked for bring the view up to date at once; what else is pending
        // (flag changes without FlagChange) then comes along, as RFC 3501 §7.4.1 allows an
        // unsolicited FETCH at any time.
        let due = self
            .sessions
            .get(&client)
            .and_then(|s| s.state.view())
            .is_some_and(|v| {
                let newer = self
                    .store
                    .get(v.mailbox)
                    .and_then(|m| m.messages.last())
                    .is_some_and(|m| m.uid > v.last_uid);
                newer
                    || (!sel.delayed && v.pending_expunges > 0)
                    || (sel.flags && v.flag_changes() > 0)
            });
        if !due {
            return;
        }
        let before = exists(self);
        self.flush_session(client, !sel.delayed);
        let after = exists(self);
        if after > before && !sel.fetch.is_empty() {
            let mut items = sel.fetch;
            // RFC 9051 §7.5.2: an unsolicited FETCH carries UID for an IMAP4rev2 session.
            if self.rev2_enabled(client) && !items.contains(&FetchAtt::Uid) {
                items.push(FetchAtt::Uid);
            }
            let set = SequenceSet(vec![SeqRange {
                start: SeqBound::Num(before.saturating_add(1)),
                end: SeqBound::Num(after),
            }]);
            // The responses are the point; a refusal (a limit) leaves just the EXISTS.
            let _ = self.handle_fetch(
                client,
                &set,
                &FetchItems::List {
                    items,
                    parenthesized: true,
                },
                false,
                FetchModifiers::default(),
            );
        }
    }

    /// STATUS and LIST responses for what changed in the store since `watch` was taken, and
    /// `watch` brought up to date.
    fn changes(
        &self,
        watch: &mut Watch,
        user: &str,
        selected: Option<MailboxId>,
        condstore: bool,
    ) -> Vec<(Response, Option<Citation>)> {
        let policy = self.policies.notify_status_items;
        let with_unseen = policy == NotifyStatusItems::WithUnseen;
        // Dovecot 2.3 behaviour: UIDVALIDITY only when it changed, UNSEEN with MESSAGES.
        let no_validity = policy == NotifyStatusItems::UnseenNoUidvalidity;
        let mut out = Vec::new();
        // Cheap tests first: nothing is allocated for a mailbox that did not change (every
        // change to its messages or flags raises its HIGHESTMODSEQ, RFC 7162 §3.1), nor when
        // no name or subscription changed.
        let mut live = 0usize;
        let mut names_same = true;
        for mb in self.store.live() {
            live = live.saturating_add(1);
            names_same &= watch.names.get(&mb.id).is_some_and(|n| *n == mb.name);
            let events = watch.events_for(&self.store, user, &mb.name);
            if !(events.messages || events.flags) || mb.noselect {
                continue;
            }
            let was = watch.counts.get(&mb.id).copied();
            if was.is_some_and(|w| {
                w.highest_modseq == mb.highest_modseq() && w.uid_validity == mb.uid_validity
            }) {
                continue;
            }
            let now = counts_of(mb, with_unseen || no_validity);
            watch.counts.insert(mb.id, now);
            // §3.1: the selected mailbox's message events are SELECTED's alone.
            if Some(mb.id) == selected {
                continue;
            }
            let Some(was) = was else {
                continue;
            };
            let validity = now.uid_validity != was.uid_validity;
            let moved = now.messages != was.messages || now.uid_next != was.uid_next;
            let mut items = Items::default();
            // §5.2, §5.3: MessageNew and MessageExpunge elsewhere: MESSAGES and UIDNEXT (and
            // UIDVALIDITY, so a mailbox created again under the name is recognised), with
            // HIGHESTMODSEQ once CONDSTORE is enabled.
            if events.messages && (moved || validity) {
                items.messages = true;
                items.validity = !no_validity || validity;
                items.unseen = no_validity;
                items.modseq = condstore;
            }
            if events.flags {
                // §5.1: "MUST notify the client about mailbox UIDVALIDITY changes".
                items.validity |= validity;
                // §5.1: with CONDSTORE, "at least HIGHESTMODSEQ and UIDVALIDITY".
                if condstore && now.highest_modseq != was.highest_modseq {
                    items.validity |= !no_validity;
                    items.modseq = true;
                }
                if (with_unseen || no_validity) && now.unseen != was.unseen {
                    items.unseen = true;
                }
                items.unseen |= with_unseen && (items.messages || items.modseq);
            }
            let paragraph = if !items.messages {
                "RFC 5465 §5.1"
            } else if now.messages < was.messages {
                "RFC 5465 §5.3"
            } else {
                "RFC 5465 §5.2"
            };
            if items.messages || items.validity || items.unseen || items.modseq {
                out.push((status_of(mb, now, items), Some(cite(policy, paragraph))));
            }
        }
        if !(names_same && live == watch.names.len()) {
            let names: VecMap<MailboxId, String> = self
                .store
                .live()
                .map(|mb| (mb.id, mb.name.clone()))
                .collect();
            if watch.any(|e| e.names) {
                out.extend(self.name_changes(watch, &names, user));
            }
            watch.counts.retain(|id, _| names.contains_key(id));
            watch.names = names;
        }
        if self.store.subscriptions(user).eq(watch.subscribed.iter()) {
            return out;
        }
        let subscribed: VecSet<String> = self.store.subscriptions(user).cloned().collect();
        if watch.any(|e| e.subscriptions) {
            // §5.5: a LIST for each name whose subscription changed, `\Subscribed` if and only
            // if it is subscribed now.
            for name in watch.subscribed.symmetric_difference(&subscribed) {
                if watch.events_for(&self.store, user, name).subscriptions
                    || (!self.store.is_subscribed(user, name)
                        && watch
                            .groups
                            .iter()
                            .any(|(f, e)| e.subscriptions && *f == Filter::Subscribed))
                {
                    let item = list_item(&self.store, user, name);
                    out.push((Response::Data(Data::List(item)), None));
                }
            }
        }
        watch.subscribed = subscribed;
        out
    }

    /// MailboxName (RFC 5465 §5.4): a LIST for each mailbox created or deleted and for its
    /// direct parent, and a LIST with OLDNAME for each renamed (not for its children, which
    /// were renamed with it).
    fn name_changes(
        &self,
        watch: &Watch,
        names: &VecMap<MailboxId, String>,
        user: &str,
    ) -> Vec<(Response, Option<Citation>)> {
        let wants = |name: &str| watch.events_for(&self.store, user, name).names;
        let mut affected: VecSet<String> = VecSet::new();
        let mut out = Vec::new();
        let renamed: Vec<(&String, &String)> = watch
            .names
            .iter()
            .filter_map(|(id, old)| names.get(id).filter(|new| *new != old).map(|n| (old, n)))
            .collect();
        for (old, new) in &renamed {
            let child = renamed.iter().any(|(o, _)| {
                old.strip_prefix(o.as_str())
                    .is_some_and(|rest| rest.starts_with(DELIMITER))
            });
            if !child && (wants(old) || wants(new)) {
                let item = list_item(&self.store, user, new);
                let old = MailboxName((*old).clone());
                out.push((Response::Data(Data::ListOldName { item, old }), None));
            }
        }
        for (id, old) in &watch.names {
            if !names.contains_key(id) {
                affected.insert(old.clone());
                if let Some(p) = parent_of(old) {
                    affected.insert(p.to_string());
                }
            }
        }
        for (id, new) in names {
            if !watch.names.contains_key(id) {
                affected.insert(new.clone());
                if let Some(p) = parent_of(new) {
                    affected.insert(p.to_string());
                }
            }
        }
        for name in affected.iter().filter(|n| wants(n)) {
            let item = list_item(&self.store, user, name);
            out.push((Response::Data(Data::List(item)), None));
        }
        out
    }

    /// Delivery to every session whose NOTIFY is to hear at once (RFC 5465 §3.1), called
    /// after each event, with the IDLE flush: under `notify-timing=immediate` every such
    /// session, under `next-command` those in IDLE (§4: "while processing any IDLE command,
    /// the server MUST send exactly the same events as instructed by the client using the
    /// NOTIFY command").
    pub(crate) fn flush_notifiers(&mut self) {
        let immediate = self.policies.notify_timing == NotifyTiming::Immediate;
        let ids: Vec<ClientId> = self
            .sessions
            .values()
            .filter(|s| {
                s.notify.is_some()
                    && !s.closing
                    && match s.mode {
                        Mode::Command => immediate,
                        Mode::Idle(_) => true,
                        Mode::SaslPlain(_) => false,
                    }
                    && !matches!(s.state, State::NotAuthenticated | State::Logout)
            })
            .map(|s| s.id)
            .collect();
        for id in ids {
            self.deliver_notifications(id, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<MailboxName> {
        list.iter().map(|n| MailboxName(n.to_string())).collect()
    }

    /// RFC 5465 §6.5, §6.6: SUBTREE covers the name and all below it, MAILBOXES the names
    /// only, with no wildcard expansion; INBOX in any case is INBOX (RFC 3501 §5.1).
    #[test]
    fn filters_match_names_as_rfc5465_section_6_says() {
        let store = Store::default();
        let subtree = Filter::of(&NotifyFilter::Subtree(names(&["Lists", "inbox"]))).unwrap();
        for (name, want) in [
            ("Lists", true),
            ("Lists/Lemonade", true),
            ("Lists/a/b", true),
            ("ListsX", false),
            ("Other/Lists", false),
            ("INBOX", true),
            ("INBOX/Sub", true),
        ] {
            assert_eq!(subtree.matches(&store, "u", name), want, "{name}");
        }
        let exact = Filter::of(&NotifyFilter::Mailboxes(names(&["Lists/%", "misc"]))).unwrap();
        assert!(exact.matches(&store, "u", "Lists/%"));
        assert!(!exact.matches(&store, "u", "Lists/Lemonade"));
        assert!(exact.matches(&store, "u", "misc"));
        assert!(!exact.matches(&store, "u", "misc/sub"));
        assert_eq!(Filter::of(&NotifyFilter::Inboxes), Some(Filter::All));
        assert_eq!(Filter::of(&NotifyFilter::Selected), None);
        assert_eq!(Filter::of(&NotifyFilter::SelectedDelayed), None);
    }
}
