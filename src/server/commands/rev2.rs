//! What `ENABLE IMAP4rev2` changes about mailbox names (RFC 9051 §5.1, Appendix E item 16):
//! an IMAP4rev2 session names mailboxes in UTF-8, an IMAP4rev1 session in modified UTF-7
//! (RFC 3501 §5.1.3). The store keeps the modified UTF-7 form, so the two sessions meet in
//! the same mailbox: names are converted on the way in ([`names_from_utf8`]) and out
//! ([`names_to_utf8`]) of an IMAP4rev2 session only.

use crate::protocol::types::{
    Code, CommandBody, Data, MailboxName, NotifyFilter, Response, StatusResponse,
};
use crate::protocol::utf7;

/// Every mailbox name a command carries, from UTF-8 to the stored modified UTF-7 form. A
/// name with a control character is left as it is, for the store to refuse (RFC 9051 §5.1).
pub(crate) fn names_from_utf8(body: &mut CommandBody) {
    let put = |m: &mut MailboxName| {
        if !m.0.chars().any(char::is_control) {
            m.0 = utf7::encode(&m.0);
        }
    };
    use CommandBody::*;
    match body {
        Select { mailbox, .. }
        | Examine { mailbox, .. }
        | Create { mailbox, .. }
        | Delete { mailbox }
        | Subscribe { mailbox }
        | Unsubscribe { mailbox }
        | Status { mailbox, .. }
        | Append { mailbox, .. }
        | Copy { mailbox, .. }
        | Move { mailbox, .. } => put(mailbox),
        Rename { from, to } => {
            put(from);
            put(to);
        }
        // The wildcards `%` and `*` are printable ASCII and pass through unchanged.
        List { reference, pattern } | Lsub { reference, pattern } => {
            put(reference);
            put(pattern);
        }
        ListExtended {
            reference,
            patterns,
            ..
        } => {
            put(reference);
            patterns.iter_mut().for_each(put);
        }
        Notify(Some(set)) => {
            for group in &mut set.groups {
                if let NotifyFilter::Subtree(names) | NotifyFilter::Mailboxes(names) =
                    &mut group.filter
                {
                    names.iter_mut().for_each(put);
                }
            }
        }
        _ => {}
    }
}

/// Every mailbox name a response carries, from the stored modified UTF-7 form to UTF-8 (the
/// encoder writes a non-ASCII name as a literal, never as a UTF-8 quoted string, which
/// RFC 9051 Appendix A allows only after ENABLE IMAP4rev2).
pub(crate) fn names_to_utf8(response: &mut Response) {
    let put = |m: &mut MailboxName| {
        if let Ok(name) = utf7::decode(&m.0) {
            m.0 = name;
        }
    };
    match response {
        Response::Data(Data::List(item) | Data::Lsub(item) | Data::ListChildInfo { item, .. }) => {
            put(&mut item.mailbox)
        }
        Response::Data(Data::ListOldName { item, old }) => {
            put(&mut item.mailbox);
            put(old);
        }
        Response::Data(Data::Status { mailbox, .. }) => put(mailbox),
        Response::Status(StatusResponse {
            code: Some(Code::NewName { old, new }),
            ..
        }) => {
            put(old);
            put(new);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::ListItem;

    #[test]
    fn names_go_in_as_modified_utf7_and_come_out_as_utf8() {
        let mut body = CommandBody::Rename {
            from: MailboxName("Entwürfe".to_string()),
            to: MailboxName("R&D".to_string()),
        };
        names_from_utf8(&mut body);
        assert_eq!(
            body,
            CommandBody::Rename {
                from: MailboxName("Entw&APw-rfe".to_string()),
                to: MailboxName("R&-D".to_string()),
            }
        );
        let mut list = Response::Data(Data::List(ListItem {
            attributes: Vec::new(),
            delimiter: Some('/'),
            mailbox: MailboxName("Entw&APw-rfe".to_string()),
        }));
        names_to_utf8(&mut list);
        let Response::Data(Data::List(item)) = list else {
            panic!("{list:?}");
        };
        assert_eq!(item.mailbox.0, "Entwürfe");
    }

    #[test]
    fn a_name_with_a_control_character_is_left_for_the_store_to_refuse() {
        let mut body = CommandBody::Create {
            mailbox: MailboxName("a\u{1}b".to_string()),
            special_use: None,
        };
        names_from_utf8(&mut body);
        assert_eq!(
            body,
            CommandBody::Create {
                mailbox: MailboxName("a\u{1}b".to_string()),
                special_use: None,
            }
        );
    }
}
