//! NOTIFY's arguments (RFC 5465 §8) as wire bytes; its response codes and the OLDNAME LIST
//! item are written with the other responses (`response.rs`).

use super::command::write_fetch_att;
use super::{write_atom, write_mailbox, write_paren_list};
use crate::protocol::types::{EventGroup, NotifyEvent, NotifyFilter, NotifySet};

/// What follows `NOTIFY`: ` SET [SP "STATUS"] SP event-group *(SP event-group)` or ` NONE`.
pub(super) fn write_notify_args(set: Option<&NotifySet>, out: &mut Vec<u8>) {
    let Some(set) = set else {
        write_atom(" NONE", out);
        return;
    };
    write_atom(" SET", out);
    if set.status {
        write_atom(" STATUS", out);
    }
    for group in &set.groups {
        out.push(b' ');
        write_event_group(group, out);
    }
}

/// `event-group = "(" filter-mailboxes SP events ")"`.
fn write_event_group(group: &EventGroup, out: &mut Vec<u8>) {
    out.push(b'(');
    let (name, names) = match &group.filter {
        NotifyFilter::Selected => ("SELECTED", None),
        NotifyFilter::SelectedDelayed => ("SELECTED-DELAYED", None),
        NotifyFilter::Inboxes => ("INBOXES", None),
        NotifyFilter::Personal => ("PERSONAL", None),
        NotifyFilter::Subscribed => ("SUBSCRIBED", None),
        NotifyFilter::Subtree(names) => ("SUBTREE", Some(names)),
        NotifyFilter::Mailboxes(names) => ("MAILBOXES", Some(names)),
    };
    write_atom(name, out);
    if let Some(names) = names {
        out.push(b' ');
        // `one-or-more-mailbox`: one name bare, more in parentheses.
        match names.as_slice() {
            [one] => write_mailbox(one, out),
            _ => write_paren_list(names, out, write_mailbox),
        }
    }
    out.push(b' ');
    match &group.events {
        None => write_atom("NONE", out),
        Some(events) => write_paren_list(events, out, write_event),
    }
    out.push(b')');
}

/// `event`, with MessageNew's `fetch-att` list when it has one.
fn write_event(event: &NotifyEvent, out: &mut Vec<u8>) {
    write_atom(event.name(), out);
    if let NotifyEvent::MessageNew(atts) = event {
        if !atts.is_empty() {
            out.push(b' ');
            write_paren_list(atts, out, write_fetch_att);
        }
    }
}
