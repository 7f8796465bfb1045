//! Commands valid in any state (RFC 3501 §6.1) and the small extensions: ID (RFC 2971),
//! NAMESPACE (RFC 2342), ENABLE (RFC 5161), IDLE (RFC 2177), CHECK (RFC 3501 §6.4.1).

use crate::protocol::types::{Continue, Data, NamespaceDesc, Response, StatusKind, Tag};
use crate::server::mailstore::DELIMITER;
use crate::server::session::Mode;
use crate::server::{ClientId, CmdResult, Done, Server};

impl Server {
    /// RFC 3501 §6.1.1.
    pub(crate) fn handle_capability(&mut self, client: ClientId) -> CmdResult {
        let caps = self.capabilities_of(client);
        self.send(client, Response::Data(Data::Capability(caps)), None);
        Ok(Done::text("CAPABILITY completed"))
    }

    /// RFC 3501 §6.1.2: does nothing but lets pending changes through (done by `finish`).
    pub(crate) fn handle_noop(&mut self) -> CmdResult {
        Ok(Done::text("NOOP completed"))
    }

    /// RFC 3501 §6.4.1: nothing to checkpoint in memory; like NOOP.
    pub(crate) fn handle_check(&mut self) -> CmdResult {
        Ok(Done::text("CHECK completed"))
    }

    /// RFC 3501 §6.1.3: untagged BYE, then the tagged OK, then the server closes.
    pub(crate) fn handle_logout(&mut self, client: ClientId) -> CmdResult {
        self.send_status(
            client,
            None,
            StatusKind::Bye,
            None,
            "imap-sandbox logging out".to_string(),
            None,
        );
        if let Some(s) = self.sessions.get_mut(&client) {
            s.closing = true;
        }
        Ok(Done::text("LOGOUT completed"))
    }

    /// RFC 2971 §3.1: the server answers with its own identification; the client's is noted
    /// nowhere (the sandbox has no logs to put it in).
    pub(crate) fn handle_id(&mut self, client: ClientId, _params: Option<IdParams>) -> CmdResult {
        let ours = vec![
            (b"name".to_vec(), Some(b"imap-sandbox".to_vec())),
            (
                b"version".to_vec(),
                Some(env!("CARGO_PKG_VERSION").as_bytes().to_vec()),
            ),
            (b"vendor".to_vec(), Some(b"imap-sandbox".to_vec())),
        ];
        self.send(client, Response::Data(Data::Id(Some(ours))), None);
        Ok(Done::text("ID completed"))
    }

    /// RFC 2342 §5: one personal namespace with no prefix; no other-users or shared ones.
    pub(crate) fn handle_namespace(&mut self, client: ClientId) -> CmdResult {
        let personal = vec![NamespaceDesc {
            prefix: Vec::new(),
            delimiter: Some(DELIMITER),
        }];
        self.send(
            client,
            Response::Data(Data::Namespace {
                personal: Some(personal),
                other: None,
                shared: None,
            }),
            None,
        );
        Ok(Done::text("NAMESPACE completed"))
    }

    /// RFC 2177 §3: a continuation, then changes as they happen until DONE.
    pub(crate) fn handle_idle(&mut self, client: ClientId, tag: &Tag) -> Option<CmdResult> {
        self.send(
            client,
            Response::Continue(Continue::Text {
                code: None,
                text: "idling".to_string(),
            }),
            None,
        );
        if let Some(s) = self.sessions.get_mut(&client) {
            s.mode = Mode::Idle(tag.clone());
        }
        self.flush_session(client, true);
        None
    }
}

type IdParams = Vec<(Vec<u8>, Option<Vec<u8>>)>;
