//! NOTIFY (RFC 5465 §3.1): checks the request, then installs it
//! ([`crate::server::notify`] does the delivery).

use crate::protocol::types::{Code, NotifyEvent, NotifyFilter, NotifySet};
use crate::server::limits;
use crate::server::notify::{Events, Filter, SelectedWatch, Watch};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

/// The events this server supports, as `[BADEVENT]` lists them (RFC 5465 §3.1: the code "MUST
/// list names of all events supported by the server"). AnnotationChange and the two metadata
/// events need ANNOTATE and METADATA (RFC 5465 §5.1, §5.6, §5.7), which this server lacks.
const SUPPORTED: &[&str] = &[
    "MessageNew",
    "MessageExpunge",
    "FlagChange",
    "MailboxName",
    "SubscriptionChange",
];

/// Checks one event group's events and reduces them to [`Events`]; `selected` for SELECTED and
/// SELECTED-DELAYED. `Err` is the refusal.
fn check_events(
    events: &[NotifyEvent],
    selected: bool,
    fetch: &mut Vec<crate::protocol::types::FetchAtt>,
) -> Result<Events, Fail> {
    let has = |f: fn(&NotifyEvent) -> bool| events.iter().any(f);
    let new = has(|e| matches!(e, NotifyEvent::MessageNew(_)));
    let expunge = has(|e| matches!(e, NotifyEvent::MessageExpunge));
    let flags = has(|e| matches!(e, NotifyEvent::FlagChange));
    let annotations = has(|e| matches!(e, NotifyEvent::AnnotationChange));
    // RFC 5465 §5: "If one of MessageNew or MessageExpunge is specified, then both events MUST be
    // specified. Otherwise, the server MUST respond with the tagged BAD response."
    if new != expunge {
        return Err(Fail::bad(
            "MessageNew and MessageExpunge must be asked for together (RFC 5465 §5)",
        ));
    }
    // RFC 5465 §5: FlagChange and AnnotationChange need both too, or BAD.
    if (flags || annotations) && !new {
        return Err(Fail::bad(
            "FlagChange and AnnotationChange need MessageNew and MessageExpunge (RFC 5465 §5)",
        ));
    }
    for e in events {
        match e {
            // RFC 5465 §6.1: "It is an error to specify other types of events with either the
            // SELECTED or the SELECTED-DELAYED selector."
            e if selected && !e.is_message_event() => {
                return Err(Fail::bad(format!(
                    "{} cannot be asked for the selected mailbox (RFC 5465 §6.1)",
                    e.name()
                )));
            }
            // RFC 5465 §8: "The fett-att list may only be present for the SELECTED/
            // SELECTED-DELAYED mailbox filter".
            NotifyEvent::MessageNew(atts) if !atts.is_empty() => {
                if !selected {
                    return Err(Fail::bad(
                        "MessageNew's fetch attributes are only for SELECTED (RFC 5465 §8)",
                    ));
                }
                fetch.extend(atts.iter().cloned());
            }
            _ => {}
        }
    }
    if fetch.len() > limits::FETCH_ITEMS {
        return Err(Fail::no(format!(
            "At most {} fetch attributes for MessageNew",
            limits::FETCH_ITEMS
        ))
        .with_code(Code::Limit));
    }
    Ok(Events {
        messages: new,
        flags,
        names: has(|e| matches!(e, NotifyEvent::MailboxName)),
        subscriptions: has(|e| matches!(e, NotifyEvent::SubscriptionChange)),
    })
}

impl Server {
    /// NOTIFY SET and NOTIFY NONE (RFC 5465 §3.1).
    pub(crate) fn handle_notify(&mut self, client: ClientId, set: Option<NotifySet>) -> CmdResult {
        let Some(set) = set else {
            // "NOTIFY NONE specifies that the client is not interested in any kind of event".
            if let Some(s) = self.sessions.get_mut(&client) {
                s.notify = None;
            }
            return Ok(Done::text("NOTIFY completed"));
        };
        let mut selected = None;
        let mut groups = Vec::new();
        let mut unsupported: Vec<String> = Vec::new();
        let mut names = 0usize;
        for group in set.groups {
            let is_selected = matches!(
                group.filter,
                NotifyFilter::Selected | NotifyFilter::SelectedDelayed
            );
            let events = group.events.unwrap_or_default();
            for e in &events {
                if !SUPPORTED.contains(&e.name()) && !unsupported.iter().any(|u| u == e.name()) {
                    unsupported.push(e.name().to_string());
                }
            }
            let mut fetch = Vec::new();
            let reduced = check_events(&events, is_selected, &mut fetch)?;
            if let NotifyFilter::Subtree(list) | NotifyFilter::Mailboxes(list) = &group.filter {
                names = names.saturating_add(list.len());
            }
            if is_selected {
                // RFC 5465 §6.1: "Only one of the mailbox specifiers affecting the currently
                // selected mailbox can be specified in any NOTIFY command."
                if selected.is_some() {
                    return Err(Fail::bad(
                        "Only one of SELECTED and SELECTED-DELAYED may be given (RFC 5465 §6.1)",
                    ));
                }
                // `SELECTED NONE` is as if SELECTED were not given (§3.1).
                selected = Some(reduced.messages.then(|| SelectedWatch {
                    delayed: group.filter == NotifyFilter::SelectedDelayed,
                    fetch,
                    flags: reduced.flags,
                }));
            } else if let Some(filter) = Filter::of(&group.filter) {
                groups.push((filter, reduced));
            }
        }
        // RFC 5465 §3.1: "the server MUST refuse the command with a tagged NO response (not a
        // BAD). This response SHOULD contain the BADEVENT response code, which MUST list names
        // of all events supported by the server."
        if !unsupported.is_empty() {
            return Err(Fail::no(format!(
                "Unsupported NOTIFY event {}",
                unsupported.join(" ")
            ))
            .with_code(Code::BadEvent(
                SUPPORTED.iter().map(|s| s.to_string()).collect(),
            )));
        }
        if names > limits::NOTIFY_MAILBOX_NAMES {
            // RFC 5465 §3.1: "the server MAY refuse the command with a tagged NO
            // [NOTIFICATIONOVERFLOW] response".
            return Err(Fail::no(format!(
                "At most {} mailbox names in one NOTIFY",
                limits::NOTIFY_MAILBOX_NAMES
            ))
            .with_code(Code::NotificationOverflow));
        }
        // Names that do not exist are kept: RFC 5465 §3.1 says the server "MUST ignore" them,
        // and a filter is matched against the names at each delivery, so one created later is
        // watched from then on. No NO either: the "MAY return the tagged NO response" of §3.1
        // is for mailboxes to which "no access can ever be granted", which never happens here.
        // For the same reason no LIST carries `\NoAccess` (§3.1, §5.9): the sandbox has no
        // access control (RFC 4314), so a client that can LIST a mailbox has every right
        // NOTIFY's events need.
        let watch = Watch::new(selected.flatten(), groups);
        self.start_notify(client, watch, set.status);
        // §3.1: "a successful NOTIFY SET command implies an implicit NOOP command": the
        // tagged reply flushes the selected mailbox's changes as NOOP's does.
        Ok(Done::text("NOTIFY completed"))
    }
}
