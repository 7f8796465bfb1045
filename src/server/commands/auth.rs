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
            Transport::Plain => {
                Err(Fail::no("TLS is not available on this connection")
                    .with_code(Code::Unavailable))
            }
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

#[cfg(test)]
mod tests {
    use crate::server::{ClientId, OutputKind, Policies, Server, Transport, World};

    fn server() -> Server {
        Server::new(World::default_world(), Policies::default())
    }

    /// Everything queued for `client`, as text, and whether it was told to start TLS (with
    /// what bytes).
    fn said(server: &mut Server, client: ClientId) -> (String, Option<Vec<u8>>) {
        let mut text = String::new();
        let mut start = None;
        for o in server.take_output() {
            assert_eq!(o.client, client);
            match o.kind {
                OutputKind::StartTls => start = Some(o.bytes),
                _ => text.push_str(&String::from_utf8_lossy(&o.bytes)),
            }
        }
        (text, start)
    }

    #[test]
    fn a_plain_transport_offers_no_starttls_and_refuses_it() {
        let mut s = server();
        let c = s.connect();
        let (greeting, _) = said(&mut s, c);
        assert!(!greeting.contains("STARTTLS"), "{greeting}");
        s.receive(c, b"a STARTTLS\r\n");
        assert_eq!(
            said(&mut s, c),
            (
                "a NO [UNAVAILABLE] TLS is not available on this connection\r\n".into(),
                None
            )
        );
    }

    /// RFC 3501 §6.2.1, and the command-injection rule of RFC 9051 §6.2.1: what follows the
    /// STARTTLS line in the same input is handed to TLS, never run.
    #[test]
    fn starttls_hands_the_rest_of_the_input_to_tls_and_runs_none_of_it() {
        let mut s = server();
        let c = s.connect_with(Transport::StartTls { require_tls: false });
        let (greeting, _) = said(&mut s, c);
        assert!(greeting.contains(" STARTTLS]"), "{greeting}");
        assert!(greeting.contains("AUTH=PLAIN"), "{greeting}");
        assert!(!greeting.contains("LOGINDISABLED"), "{greeting}");
        s.receive(
            c,
            b"a STARTTLS\r\nb LOGIN alice alice\r\nc CREATE Injected\r\n",
        );
        let (text, start) = said(&mut s, c);
        assert_eq!(text, "a OK Begin TLS negotiation now\r\n");
        assert_eq!(
            start.as_deref(),
            Some(&b"b LOGIN alice alice\r\nc CREATE Injected\r\n"[..])
        );
        assert!(s.store().by_name("Injected").is_none());
        // After the handshake (the driver's business): still not authenticated, and the
        // capabilities are asked again (RFC 3501 §6.2.1) without STARTTLS (RFC 9051 §6.2.1).
        s.receive(c, b"d CAPABILITY\r\ne SELECT INBOX\r\nf STARTTLS\r\n");
        let (text, start) = said(&mut s, c);
        assert!(text.starts_with("* CAPABILITY IMAP4rev1 "), "{text}");
        assert!(!text.contains("STARTTLS\r\n"), "{text}");
        assert!(text.contains("e BAD"), "{text}");
        assert!(
            text.contains("f BAD TLS is already active on this connection\r\n"),
            "{text}"
        );
        assert_eq!(start, None);
    }

    #[test]
    fn implicit_tls_refuses_starttls_with_bad() {
        let mut s = server();
        let c = s.connect_with(Transport::Tls);
        let (greeting, _) = said(&mut s, c);
        assert!(!greeting.contains("STARTTLS"), "{greeting}");
        // RFC 9051 §6.2.1: "MUST always respond with a tagged BAD" on an implicit TLS port.
        s.receive(c, b"a STARTTLS\r\n");
        let (text, start) = said(&mut s, c);
        assert_eq!(text, "a BAD TLS is already active on this connection\r\n");
        assert_eq!(start, None);
    }

    /// RFC 3501 §6.2.3 and §11.1 (3): LOGINDISABLED, no AUTH=PLAIN, and LOGIN and
    /// AUTHENTICATE refused even with the right password, until STARTTLS.
    #[test]
    fn require_tls_disables_login_until_starttls() {
        let mut s = server();
        let c = s.connect_with(Transport::StartTls { require_tls: true });
        let (greeting, _) = said(&mut s, c);
        assert!(greeting.contains(" STARTTLS LOGINDISABLED]"), "{greeting}");
        assert!(!greeting.contains("AUTH="), "{greeting}");
        s.receive(
            c,
            b"a LOGIN alice alice\r\nb AUTHENTICATE PLAIN AGFsaWNlAGFsaWNl\r\nc CAPABILITY\r\n",
        );
        let (text, _) = said(&mut s, c);
        assert!(
            text.contains("a NO [PRIVACYREQUIRED] LOGIN is disabled until STARTTLS"),
            "{text}"
        );
        assert!(
            text.contains("b NO [PRIVACYREQUIRED] AUTHENTICATE is disabled until STARTTLS"),
            "{text}"
        );
        assert!(text.contains("STARTTLS LOGINDISABLED\r\n"), "{text}");
        s.receive(c, b"d STARTTLS\r\n");
        let (_, start) = said(&mut s, c);
        assert_eq!(start, Some(Vec::new()));
        s.receive(c, b"e CAPABILITY\r\nf LOGIN alice alice\r\n");
        let (text, _) = said(&mut s, c);
        assert!(!text.contains("LOGINDISABLED"), "{text}");
        assert!(text.contains("AUTH=PLAIN"), "{text}");
        assert!(text.contains("f OK [CAPABILITY"), "{text}");
    }

    /// STARTTLS is a not-authenticated command: not advertised after login.
    #[test]
    fn starttls_is_not_advertised_after_login() {
        let mut s = server();
        let c = s.connect_with(Transport::StartTls { require_tls: false });
        s.receive(c, b"a LOGIN alice alice\r\nb CAPABILITY\r\nc STARTTLS\r\n");
        let (text, start) = said(&mut s, c);
        let after_login = text.split_once("a OK").unwrap().1;
        let (capabilities, refused) = after_login.split_once("c BAD").unwrap();
        assert!(!capabilities.contains("STARTTLS"), "{text}");
        assert!(
            refused.contains("only valid before authentication"),
            "{text}"
        );
        assert_eq!(start, None);
    }
}
