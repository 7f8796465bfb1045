//! NOTIFY (RFC 5465 §8): the command's arguments, and the pieces of its responses
//! (`BADEVENT`, `OLDNAME`) that the response parser reads.

use super::core::{ascii, atom, byte, sp, word};
use super::fetch::fetch_att;
use super::mailbox::mailbox;
use super::{fail, PResult};
use crate::protocol::types::{
    CommandBody, EventGroup, MailboxName, NotifyEvent, NotifyFilter, NotifySet,
};

/// `notify = "NOTIFY" SP (notify-set / notify-none)`, after the command name;
/// `notify-set = "SET" [status-indicator] SP event-groups`, `notify-none = "NONE"`,
/// `status-indicator = SP "STATUS"`, `event-groups = event-group *(SP event-group)`.
pub fn notify(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, ()) = byte(b' ', "Expected SP after NOTIFY")(input)?;
    let (rest, name) = word(rest)?;
    match ascii(name).to_ascii_uppercase().as_str() {
        "NONE" => Ok((rest, CommandBody::Notify(None))),
        "SET" => {
            let (mut rest, ()) = sp(rest)?;
            let mut status = false;
            if rest.first() != Some(&b'(') {
                let (r, word) = word(rest)?;
                if !word.eq_ignore_ascii_case(b"STATUS") {
                    return fail(rest, "Expected STATUS or ( after NOTIFY SET");
                }
                status = true;
                rest = sp(r)?.0;
            }
            let mut groups = Vec::new();
            loop {
                let (r, group) = event_group(rest)?;
                groups.push(group);
                match r.split_first() {
                    Some((b' ', after)) => rest = after,
                    _ => {
                        rest = r;
                        break;
                    }
                }
            }
            Ok((
                rest,
                CommandBody::Notify(Some(NotifySet { status, groups })),
            ))
        }
        _ => fail(rest, "Expected SET or NONE after NOTIFY"),
    }
}

/// `event-group = "(" filter-mailboxes SP events ")"`.
fn event_group(input: &[u8]) -> PResult<'_, EventGroup> {
    let (rest, ()) = byte(b'(', "Expected ( to open an event group")(input)?;
    let (rest, filter) = filter_mailboxes(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, events) = events(rest)?;
    let (rest, ()) = byte(b')', "Expected ) to close the event group")(rest)?;
    Ok((rest, EventGroup { filter, events }))
}

/// `filter-mailboxes = filter-mailboxes-selected / filter-mailboxes-other`, with
/// `filter-mailboxes-other = "inboxes" / "personal" / "subscribed" / ("subtree" SP
/// one-or-more-mailbox) / ("mailboxes" SP one-or-more-mailbox)` and
/// `filter-mailboxes-selected = "selected" / "selected-delayed"`.
fn filter_mailboxes(input: &[u8]) -> PResult<'_, NotifyFilter> {
    let (rest, name) = word(input)?;
    match ascii(name).to_ascii_uppercase().as_str() {
        "SELECTED" => Ok((rest, NotifyFilter::Selected)),
        "SELECTED-DELAYED" => Ok((rest, NotifyFilter::SelectedDelayed)),
        "INBOXES" => Ok((rest, NotifyFilter::Inboxes)),
        "PERSONAL" => Ok((rest, NotifyFilter::Personal)),
        "SUBSCRIBED" => Ok((rest, NotifyFilter::Subscribed)),
        "SUBTREE" => {
            let (rest, ()) = sp(rest)?;
            let (rest, names) = one_or_more_mailbox(rest)?;
            Ok((rest, NotifyFilter::Subtree(names)))
        }
        "MAILBOXES" => {
            let (rest, ()) = sp(rest)?;
            let (rest, names) = one_or_more_mailbox(rest)?;
            Ok((rest, NotifyFilter::Mailboxes(names)))
        }
        _ => fail(
            input,
            "Expected SELECTED, SELECTED-DELAYED, INBOXES, PERSONAL, SUBSCRIBED, SUBTREE or MAILBOXES",
        ),
    }
}

/// `one-or-more-mailbox = mailbox / many-mailboxes`,
/// `many-mailboxes = "(" mailbox *(SP mailbox) ")"`. A parenthesis always opens the list: a
/// mailbox named "(" must be quoted.
fn one_or_more_mailbox(input: &[u8]) -> PResult<'_, Vec<MailboxName>> {
    match input.first() {
        Some(b'(') => super::core::paren_list(input, false, mailbox),
        _ => mailbox(input).map(|(r, m)| (r, vec![m])),
    }
}

/// `events = ( "(" event *(SP event) ")" ) / "NONE"`; `None` for NONE.
fn events(input: &[u8]) -> PResult<'_, Option<Vec<NotifyEvent>>> {
    if input.first() == Some(&b'(') {
        let (rest, list) = super::core::paren_list(input, false, event)?;
        return Ok((rest, Some(list)));
    }
    let (rest, name) = word(input)?;
    if name.eq_ignore_ascii_case(b"NONE") {
        return Ok((rest, None));
    }
    fail(input, "Expected ( or NONE for the events")
}

/// `event = message-event / mailbox-event / user-event / event-ext`, with
/// `message-event = ("MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"]) / "MessageExpunge" /
/// "FlagChange" / "AnnotationChange"`, `mailbox-event = "MailboxName" / "SubscriptionChange" /
/// "MailboxMetadataChange"`, `user-event = "ServerMetadataChange"`, `event-ext = atom`.
fn event(input: &[u8]) -> PResult<'_, NotifyEvent> {
    let (rest, name) = atom(input)?;
    let event = match ascii(name).to_ascii_uppercase().as_str() {
        "MESSAGENEW" => {
            return match rest.split_first() {
                Some((b' ', after)) if after.first() == Some(&b'(') => {
                    let (r, atts) = super::core::paren_list(after, false, fetch_att)?;
                    Ok((r, NotifyEvent::MessageNew(atts)))
                }
                _ => Ok((rest, NotifyEvent::MessageNew(Vec::new()))),
            }
        }
        "MESSAGEEXPUNGE" => NotifyEvent::MessageExpunge,
        "FLAGCHANGE" => NotifyEvent::FlagChange,
        "ANNOTATIONCHANGE" => NotifyEvent::AnnotationChange,
        "MAILBOXNAME" => NotifyEvent::MailboxName,
        "SUBSCRIPTIONCHANGE" => NotifyEvent::SubscriptionChange,
        "MAILBOXMETADATACHANGE" => NotifyEvent::MailboxMetadataChange,
        "SERVERMETADATACHANGE" => NotifyEvent::ServerMetadataChange,
        _ => NotifyEvent::Other(ascii(name)),
    };
    Ok((rest, event))
}

/// `unsupported-events-code = "BADEVENT" SP "(" event-name *(SP event-name) ")"`, after the
/// code's name.
pub(crate) fn bad_event_names(input: &[u8]) -> PResult<'_, Vec<String>> {
    let (rest, ()) = sp(input)?;
    let (rest, names) = super::core::paren_list(rest, false, atom)?;
    Ok((rest, names.into_iter().map(ascii).collect()))
}

/// `oldname-extended-item = "OLDNAME" SP "(" mailbox ")"` after the `mailbox-list` of a LIST
/// response, as `mbox-list-extended = "(" [mbox-list-extended-item *(SP
/// mbox-list-extended-item)] ")"` (RFC 5258 §9) with that one item; the tag may be quoted
/// (RFC 5465 §8, Note 1). `input` starts at the SP after the mailbox.
pub(crate) fn oldname_extended(input: &[u8]) -> PResult<'_, MailboxName> {
    let (rest, ()) = sp(input)?;
    let (rest, ()) = byte(b'(', "Expected ( to open the extended items")(rest)?;
    let (rest, tag) = super::core::astring(rest)?;
    if !tag.eq_ignore_ascii_case(b"OLDNAME") {
        return fail(rest, "Expected OLDNAME (the only LIST extended item known)");
    }
    let (rest, ()) = sp(rest)?;
    let (rest, ()) = byte(b'(', "Expected ( after OLDNAME")(rest)?;
    let (rest, old) = mailbox(rest)?;
    let (rest, ()) = byte(b')', "Expected ) after the old name")(rest)?;
    let (rest, ()) = byte(b')', "Expected ) to close the extended items")(rest)?;
    Ok((rest, old))
}
