//! Not-authenticated state (RFC 3501 §6.2): STARTTLS, AUTHENTICATE PLAIN, LOGIN.

use crate::protocol::types::{Code, Continue, Response, Tag};
use crate::server::session::{Mode, State, Transport};
use crate::server::{sasl, ClientId, CmdResult, Done, Fail, Server};

impl Server {
    /// RFC 3501 §6.2.1. The engine does no TLS: it agrees, and the driver (told by
    /// [`crate::server::OutputKind::StartTls`] after the OK) runs the handshake.
    pub(crate) fn handle_starttls(&mut self, client: ClientId) -> CmdResult {
        let Some(session) = self.sessions.get_mut(&client) else {
            return Err(Fail::no("No such connection"));
        };
        match session.transport {
            // Not advertised here (the page, or `serve` without --tls).
            Transport::Plain => Err(Fail::no("TLS is not available on this connection")
                .with_code(Code::Unavailable)),
            // RFC 9051 §6.2.1: BAD for STARTTLS after TLS negotiation or on an implicit TLS port.
            Transport::Tls => Err(Fail::bad("TLS is already active on this connection")),
            Transport::StartTls { .. } => {
                session.transport = Transport::Tls;
                session.starting_tls = true;
                // RFC 3501 §6.2.1: the negotiation begins right after this OK's CRLF.
                Ok(Done::text("Begin TLS negotiation now"))
            }
        }
    }

    /// RFC 3501 §6.2.3. LOGIN is allowed without TLS (the sandbox is for loopback and tests)
    /// unless the connection was made with `require_tls` and has not done STARTTLS.
    pub(crate) fn handle_login(
        &mut self,
        client: ClientId,
        username: &[u8],
        password: &[u8],
    ) -> CmdResult {
        self.refuse_in_clear(client, "LOGIN")?;
        self.log_in(client, username, password)
    }

    /// RFC 3501 §11.1 (3)(b)(c): with LOGINDISABLED advertised, LOGIN and plaintext-password
    /// SASL (PLAIN, the only mechanism here) fail even with the right password.
    fn refuse_in_clear(&self, client: ClientId, command: &str) -> Result<(), Fail> {
        match self.sessions.get(&client).map(|s| s.transport) {
            Some(Transport::StartTls { require_tls: true }) => Err(Fail::no(format!(
                "{command} is disabled until STARTTLS (LOGINDISABLED)"
            ))
            // RFC 9051 §7.1: PRIVACYREQUIRED, "the client could try STARTTLS".
            .with_code(Code::PrivacyRequired)),
            _ => Ok(()),
        }
    }

    fn log_in(&mut self, client: ClientId, username: &[u8], password: &[u8]) -> CmdResult {
        let user = self
            .users
            .iter()
            .find(|u| u.name.as_bytes() == username && u.password.as_bytes() == password)
            .map(|u| u.name.clone());
        let Some(user) = user else {
            // RFC 9051 §7.1 AUTHENTICATIONFAILED.
            return Err(
                Fail::no("Invalid user name or password").with_code(Code::AuthenticationFailed)
            );
        };
        if let Some(s) = self.sessions.get_mut(&client) {
            s.state = State::Authenticated { user };
        }
        // RFC 3501 §7.1: a CAPABILITY code in the OK saves the client a round trip.
        let caps = self.capabilities_of(client);
        Ok(Done::text("LOGIN completed").with_code(Code::Capability(caps)))
    }

    /// RFC 3501 §6.2.2 with the PLAIN mechanism (RFC 4616) and an optional initial response
    /// (RFC 4959).
    pub(crate) fn handle_authenticate(
        &mut self,
        client: ClientId,
        tag: &Tag,
        mechanism: &str,
        initial: Option<String>,
    ) -> Option<CmdResult> {
        if let Err(fail) = self.refuse_in_clear(client, "AUTHENTICATE") {
            return Some(Err(fail));
        }
        if !mechanism.eq_ignore_ascii_case("PLAIN") {
            return Some(Err(Fail::no(format!(
                "Unsupported authentication mechanism {mechanism}; only PLAIN"
            ))
            .with_code(Code::Cannot)));
        }
        match initial {
            Some(response) => Some(self.sasl_plain(client, response.as_bytes())),
            None => {
                // RFC 3501 §6.2.2: an empty challenge for PLAIN.
                self.send(
                    client,
                    Response::Continue(Continue::Base64(String::new())),
                    None,
                );
                if let Some(s) = self.sessions.get_mut(&client) {
                    s.mode = Mode::SaslPlain(tag.clone());
                }
                None
            }
        }
    }

    /// The client's line after the AUTHENTICATE continuation.
    pub(crate) fn sasl_plain_response(&mut self, client: ClientId, line: &[u8]) -> CmdResult {
        let line = line
            .strip_suffix(b"\n")
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .unwrap_or(line);
        // RFC 3501 §6.2.2: "*" cancels the exchange, answered with BAD.
        if line == b"*" {
            return Err(Fail::bad("AUTHENTICATE cancelled"));
        }
        self.sasl_plain(client, line)
    }

    fn sasl_plain(&mut self, client: ClientId, base64: &[u8]) -> CmdResult {
        // RFC 4959 §3: "=" is an empty initial response.
        let decoded = if base64 == b"=" {
            Some(Vec::new())
        } else {
            sasl::decode_base64(base64)
        };
        let Some(decoded) = decoded else {
            return Err(Fail::bad("Invalid base64 in AUTHENTICATE response"));
        };
        // RFC 4616 §2: message = [authzid] NUL authcid NUL passwd
        let mut parts = decoded.split(|&b| b == 0);
        let (Some(authzid), Some(authcid), Some(password), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Fail::bad("Malformed PLAIN message (RFC 4616 §2)"));
        };
        if !authzid.is_empty() && authzid != authcid {
            return Err(Fail::no("Acting as another user is not allowed")
                .with_code(Code::AuthorizationFailed));
        }
        self.log_in(client, authcid, password).map(|done| Done {
            text: "AUTHENTICATE completed".to_string(),
            ..done
        })
    }
}
