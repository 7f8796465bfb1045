//! Command handlers, one file per group, and the table of which command is legal in which
//! state (RFC 3501 §3, §6). The table is one `match` with no wildcard arm, so every new command
//! must be classified.

mod any;
mod auth;
#[cfg(feature = "catenate")]
mod catenate;
mod condstore;
mod copy;
mod expunge;
mod fetch;
mod list;
mod mailbox;
mod notify;
mod quota;
pub(crate) mod rev2;
pub(crate) mod search;
mod select;
#[cfg(feature = "sort-thread")]
mod sort;
mod store;

use crate::protocol::types::{AppendMessage, CommandBody, Tag};
use crate::server::session::State;
use crate::server::{ClientId, CmdResult, Fail, Server};

/// The states a command is valid in (RFC 3501 §6.1 to §6.4).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Allowed {
    /// §6.1: any state.
    Any,
    /// §6.2: not authenticated only.
    NotAuthenticated,
    /// §6.3: authenticated or selected.
    Authenticated,
    /// Authenticated with no mailbox selected (RFC 5161 §3.1, for ENABLE).
    AuthenticatedOnly,
    /// §6.4: selected only.
    Selected,
}

fn allowed(body: &CommandBody) -> Allowed {
    use CommandBody::*;
    match body {
        Capability | Noop | Logout => Allowed::Any,
        // RFC 2971 §3.1: ID is valid in any state.
        Id { .. } => Allowed::Any,
        StartTls | Authenticate { .. } | Login { .. } => Allowed::NotAuthenticated,
        Select { .. }
        | Examine { .. }
        | Create { .. }
        | Delete { .. }
        | Rename { .. }
        | Subscribe { .. }
        | Unsubscribe { .. }
        | List { .. }
        | Lsub { .. }
        | ListExtended { .. }
        | Status { .. }
        | Append { .. }
        // RFC 2342 §5, RFC 2177 §3: valid once authenticated.
        | Namespace
        | Idle => Allowed::Authenticated,
        // RFC 5465 §8: `command-auth =/ notify`.
        Notify(_) => Allowed::Authenticated,
        // RFC 9208 §4.1: the quota commands are authenticated-state commands.
        #[cfg(feature = "quota")]
        GetQuota { .. } | GetQuotaRoot { .. } | SetQuota { .. } => Allowed::Authenticated,
        // RFC 5161 §3.1: "only valid in the authenticated state ... before any mailbox is
        // selected".
        Enable { .. } => Allowed::AuthenticatedOnly,
        Check
        | Close
        | Expunge
        | Unselect
        | UidExpunge { .. }
        | Search { .. }
        // RFC 5256 §3: SORT and THREAD are variants of SEARCH.
        | Sort { .. }
        | Thread { .. }
        | Fetch { .. }
        | Store { .. }
        | Copy { .. }
        | Move { .. }
        // RFC 5267 §5: `command-select =/ "CANCELUPDATE" 1*(SP quoted)`.
        | CancelUpdate { .. } => Allowed::Selected,
    }
}

/// Refuses a command given in the wrong state with BAD, saying which state it needs.
pub(crate) fn check_state(body: &CommandBody, state: &State) -> Result<(), Fail> {
    let ok = match (allowed(body), state) {
        (_, State::Logout) => false,
        (Allowed::Any, _) => true,
        (Allowed::NotAuthenticated, State::NotAuthenticated) => true,
        (Allowed::Authenticated, State::Authenticated { .. } | State::Selected { .. }) => true,
        (Allowed::AuthenticatedOnly, State::Authenticated { .. }) => true,
        (Allowed::Selected, State::Selected { .. }) => true,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let name = body.name();
    Err(Fail::bad(match allowed(body) {
        Allowed::NotAuthenticated => format!("{name} is only valid before authentication"),
        Allowed::Authenticated => format!("{name} needs authentication first (LOGIN)"),
        Allowed::AuthenticatedOnly => match state {
            State::Selected { .. } => format!("{name} is only valid before a mailbox is selected"),
            _ => format!("{name} needs authentication first (LOGIN)"),
        },
        Allowed::Selected => format!("{name} needs a selected mailbox (SELECT or EXAMINE)"),
        Allowed::Any => format!("{name} is not valid after LOGOUT"),
    }))
}

impl Server {
    /// Runs one command whose state has been checked. `None`: the command continues (IDLE,
    /// AUTHENTICATE) and its tagged response comes later.
    pub(crate) fn dispatch(
        &mut self,
        client: ClientId,
        tag: &Tag,
        mut body: CommandBody,
    ) -> Option<CmdResult> {
        use CommandBody::*;
        if let Err(fail) = self.put_last_result(client, &mut body) {
            return Some(Err(fail));
        }
        // RFC 9051 §5.1: an IMAP4rev2 session names mailboxes in UTF-8.
        if self.rev2_enabled(client) {
            rev2::names_from_utf8(&mut body);
        }
        Some(match body {
            Capability => self.handle_capability(client),
            Noop => self.handle_noop(),
            Logout => self.handle_logout(client),
            Id { parameters } => self.handle_id(client, parameters),
            StartTls => self.handle_starttls(client),
            Login { username, password } => self.handle_login(client, &username, &password),
            Authenticate {
                mechanism,
                initial_response,
            } => return self.handle_authenticate(client, tag, &mechanism, initial_response),
            Select { mailbox, params } => self.handle_select(client, &mailbox, &params, false),
            Examine { mailbox, params } => self.handle_select(client, &mailbox, &params, true),
            Create {
                mailbox,
                special_use,
            } => self.handle_create(&mailbox, special_use.as_deref()),
            Delete { mailbox } => self.handle_delete(client, &mailbox),
            Rename { from, to } => self.handle_rename(client, &from, &to),
            Subscribe { mailbox } => self.handle_subscribe(client, &mailbox),
            Unsubscribe { mailbox } => self.handle_unsubscribe(client, &mailbox),
            List { reference, pattern } => self.handle_list(client, &reference, &pattern, false),
            Lsub { reference, pattern } => self.handle_list(client, &reference, &pattern, true),
            ListExtended {
                select,
                reference,
                patterns,
                ret,
                ..
            } => self.handle_list_extended(
                client,
                select.as_deref().unwrap_or_default(),
                &reference,
                &patterns,
                ret.as_deref().unwrap_or_default(),
            ),
            Status { mailbox, items } => self.handle_status(client, &mailbox, &items),
            Append {
                mailbox,
                flags,
                date,
                message,
                more,
                catenate,
            } => {
                let first = AppendMessage {
                    flags,
                    date,
                    message,
                    catenate,
                };
                self.handle_append(
                    client,
                    &mailbox,
                    std::iter::once(first).chain(more).collect(),
                )
            }
            #[cfg(feature = "quota")]
            GetQuota { root } => self.handle_getquota(client, &root),
            #[cfg(feature = "quota")]
            GetQuotaRoot { mailbox } => self.handle_getquotaroot(client, &mailbox),
            #[cfg(feature = "quota")]
            SetQuota { root, limits } => self.handle_setquota(client, &root, &limits),

            Namespace => self.handle_namespace(client),
            Enable { capabilities } => self.handle_enable(client, &capabilities),
            Idle => return self.handle_idle(client, tag),
            Check => self.handle_check(),
            Close => self.handle_close(client),
            Unselect => self.handle_unselect(client),
            CancelUpdate { tags } => self.handle_cancel_update(client, &tags),
            Expunge => self.handle_expunge(client, None),
            UidExpunge { set } => self.handle_expunge(client, Some(&set)),
            Search {
                charset,
                criteria,
                uid,
                ret,
            } => self.handle_search(client, tag, charset.as_deref(), &criteria, uid, ret),
            #[cfg(feature = "sort-thread")]
            Sort {
                criteria,
                charset,
                search,
                uid,
                ret,
            } => self.handle_sort(client, tag, &criteria, &charset, &search, uid, ret),
            // The page's build: no RETURN options (feature `sort-thread`).
            #[cfg(not(feature = "sort-thread"))]
            Sort {
                criteria,
                charset,
                search,
                uid,
            } => self.handle_sort(client, &criteria, &charset, &search, uid),
            Thread {
                algorithm,
                charset,
                search,
                uid,
            } => self.handle_thread(client, &algorithm, &charset, &search, uid),
            Fetch {
                set,
                items,
                uid,
                modifiers,
            } => self.handle_fetch(client, &set, &items, uid, modifiers),
            Store {
                set,
                kind,
                silent,
                flags,
                uid,
                unchanged_since,
            } => {
                let change = store::Change {
                    kind,
                    silent,
                    flags: &flags,
                    unchanged_since,
                };
                self.handle_store(client, &set, &change, uid)
            }
            Copy { set, mailbox, uid } => self.handle_copy(client, &set, &mailbox, uid, false),
            Move { set, mailbox, uid } => self.handle_copy(client, &set, &mailbox, uid, true),
            Notify(set) => self.handle_notify(client, set),
        })
    }
}

/// SORT and THREAD in a build without the `sort-thread` feature (the page's): never reached,
/// because the parser does not accept them there (an unknown command is BAD), but dispatch
/// names every command.
#[cfg(not(feature = "sort-thread"))]
impl Server {
    pub(crate) fn handle_sort(
        &mut self,
        _client: ClientId,
        _criteria: &[crate::protocol::types::SortCriterion],
        _charset: &str,
        _search: &[crate::protocol::types::SearchKey],
        _uid: bool,
    ) -> CmdResult {
        Err(Fail::bad("SORT is not in this build"))
    }

    pub(crate) fn handle_thread(
        &mut self,
        _client: ClientId,
        _algorithm: &crate::protocol::types::ThreadAlgorithm,
        _charset: &str,
        _search: &[crate::protocol::types::SearchKey],
        _uid: bool,
    ) -> CmdResult {
        Err(Fail::bad("THREAD is not in this build"))
    }
}
