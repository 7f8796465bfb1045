//! A serializable picture of the server's state for inspectors (the page's state panel):
//! mailboxes, messages, and each client's own view with what it has not yet been told.

use serde::Serialize;

use crate::protocol::utf7;
use crate::server::session::{Mode, Session, State};
use crate::server::{ClientId, Server};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Snapshot {
    pub mailboxes: Vec<MailboxState>,
    pub clients: Vec<ClientState>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct MailboxState {
    /// Wire name (modified UTF-7).
    pub name: String,
    /// The name for people (decoded, RFC 3501 §5.1.3).
    pub display_name: String,
    pub uid_validity: u32,
    pub uid_next: u32,
    pub noselect: bool,
    /// Deleted, kept for the sessions that still have it (RFC 2180 §3.2).
    pub ghost: bool,
    pub total: usize,
    /// The first messages only, up to the limit asked for.
    pub messages: Vec<MessageState>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct MessageState {
    pub uid: u32,
    pub flags: Vec<String>,
    pub size: u32,
    pub subject: String,
    pub recent_unclaimed: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ClientState {
    pub id: u32,
    /// "not authenticated", "authenticated", "selected", "logout".
    pub state: &'static str,
    pub user: Option<String>,
    pub mode: &'static str,
    pub selected: Option<String>,
    pub read_only: bool,
    pub exists: usize,
    /// The first entries of the view, up to the limit asked for.
    pub view: Vec<ViewEntry>,
    pub pending_expunges: usize,
    pub pending_flag_updates: Vec<u32>,
    /// Messages in the mailbox the client has not been told of yet.
    pub pending_new: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ViewEntry {
    pub seq: u32,
    pub uid: u32,
    pub recent: bool,
    /// Expunged elsewhere, not yet reported: a ghost this client still sees.
    pub ghost: bool,
}

fn flag_name(f: &crate::protocol::types::Flag) -> String {
    use crate::protocol::types::Flag::*;
    match f {
        Answered => "\\Answered".into(),
        Flagged => "\\Flagged".into(),
        Deleted => "\\Deleted".into(),
        Seen => "\\Seen".into(),
        Draft => "\\Draft".into(),
        Recent => "\\Recent".into(),
        Keyword(k) => k.clone(),
        Extension(e) => format!("\\{e}"),
    }
}

impl Server {
    /// The state, with at most `max_messages` messages per mailbox and view entries per client.
    pub fn snapshot(&self, max_messages: usize) -> Snapshot {
        let mut mailboxes: Vec<MailboxState> = self
            .store
            .all()
            .map(|mb| MailboxState {
                name: mb.name.clone(),
                display_name: utf7::decode(&mb.name).unwrap_or_else(|_| mb.name.clone()),
                uid_validity: mb.uid_validity,
                uid_next: mb.uid_next,
                noselect: mb.noselect,
                ghost: mb.deleted,
                total: mb.messages.len(),
                messages: mb
                    .messages
                    .iter()
                    .take(max_messages)
                    .map(|m| MessageState {
                        uid: m.uid.0,
                        flags: m.flags.to_list(false).iter().map(flag_name).collect(),
                        size: m.data.size(),
                        subject: m
                            .data
                            .mime()
                            .header_values(&m.data.raw, b"Subject")
                            .first()
                            .map(|s| {
                                String::from_utf8_lossy(&crate::server::mime::decode_rfc2047(s))
                                    .into_owned()
                            })
                            .unwrap_or_default(),
                        recent_unclaimed: m.recent_unclaimed,
                    })
                    .collect(),
            })
            .collect();
        mailboxes.sort_by(|a, b| (a.ghost, &a.name).cmp(&(b.ghost, &b.name)));
        let clients = self
            .sessions
            .values()
            .map(|s| self.client_state(s, max_messages))
            .collect();
        Snapshot { mailboxes, clients }
    }

    /// One client's part of [`Server::snapshot`], without the mailboxes: cheap enough to ask
    /// after every command (the engine fuzz target does). `None` once the client is gone.
    ///
    /// ```
    /// use imap_sandbox::server::{Policies, Server, World};
    ///
    /// let mut server = Server::new(World::default_world(), Policies::default());
    /// let c1 = server.connect();
    /// server.receive(c1, b"a1 LOGIN alice alice\r\na2 SELECT FOO\r\n");
    /// let me = server.client_snapshot(c1, 3).unwrap();
    /// assert_eq!((me.state, me.selected.as_deref(), me.exists), ("selected", Some("FOO"), 7));
    /// assert_eq!(me.view.len(), 3);
    /// let all = server.snapshot(3);
    /// assert_eq!(all.clients[0].view.len(), me.view.len());
    /// server.disconnect(c1);
    /// assert!(server.client_snapshot(c1, 3).is_none());
    /// ```
    pub fn client_snapshot(&self, client: ClientId, max_messages: usize) -> Option<ClientState> {
        self.sessions
            .get(&client)
            .map(|s| self.client_state(s, max_messages))
    }

    fn client_state(&self, s: &Session, max_messages: usize) -> ClientState {
        let (state, selected, read_only, view, exists, pending, flags, new) = match &s.state {
            State::NotAuthenticated => (
                "not authenticated",
                None,
                false,
                Vec::new(),
                0,
                0,
                Vec::new(),
                0,
            ),
            State::Authenticated { .. } => (
                "authenticated",
                None,
                false,
                Vec::new(),
                0,
                0,
                Vec::new(),
                0,
            ),
            State::Logout => ("logout", None, false, Vec::new(), 0, 0, Vec::new(), 0),
            State::Selected { view, .. } => {
                let mb = self.store.get(view.mailbox);
                let new = mb.map_or(0, |m| {
                    m.messages.len() - m.messages.partition_point(|x| x.uid <= view.last_uid)
                });
                (
                    "selected",
                    mb.map(|m| m.name.clone()),
                    view.read_only,
                    view.entries
                        .iter()
                        .take(max_messages)
                        .enumerate()
                        .map(|(i, e)| ViewEntry {
                            seq: u32::try_from(i + 1).unwrap_or(u32::MAX),
                            uid: e.uid.0,
                            recent: e.recent,
                            ghost: e.expunged.is_some(),
                        })
                        .collect(),
                    view.entries.len(),
                    view.pending_expunges,
                    view.changed_uids().iter().map(|u| u.0).collect(),
                    new,
                )
            }
        };
        ClientState {
            id: s.id.0,
            state,
            user: s.state.user().map(str::to_string),
            mode: match s.mode {
                Mode::Command => "command",
                Mode::Idle(_) => "idle",
                Mode::SaslPlain(_) => "authenticate",
            },
            selected,
            read_only,
            exists,
            view,
            pending_expunges: pending,
            pending_flag_updates: flags,
            pending_new: new,
        }
    }
}
