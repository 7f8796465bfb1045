//! `imap-sandbox probe HOST:PORT`: plays the scenario library's RFC 2180 / RFC 2683 scenarios
//! against a live IMAP server over plain TCP and says, for each decision point, which of the
//! sandbox's values the server's answers match.
//!
//! The oracle is the scenario library itself: every scenario with a `# vary:` line is played on
//! the server once per variant, the same client lines are played in the sandbox under that
//! variant's value (whose answers are the variant's `Sn:` lines, as `tests/scenarios.rs`
//! checks), and the two plays are compared command by command up to free text by
//! [`crate::native::compare`], the comparison `tests/personalities.rs` uses too. The sandbox
//! runs under the scenario's own policies (then, where the server was found to have one value
//! on another point, under that value too, until the verdicts settle), or under `--preset`.
//! Decision points and values come from the scenarios and the policy table, so a new value with
//! its scenario lines is probed without a change here.
//!
//! What it touches: only mailboxes under one scratch mailbox it creates with a unique name
//! (`imap-sandbox-probe-<pid>-<time>` under the personal namespace), deleted at the end, also
//! after an error or Ctrl-C. Every mailbox argument of every command it sends is mapped into
//! that scratch mailbox, and a command whose mailbox arguments it does not know is not sent
//! (NOTIFY: the names of its MAILBOXES and SUBTREE filters; one with PERSONAL, INBOXES or
//! SUBSCRIBED, which cover other mailboxes, is not sent, [`map_notify`]).
//! The mailboxes of the default world a scenario names (FOO with its seven messages, FRED, ...)
//! are made there by CREATE and APPEND before each play.
//!
//! This module owns the sockets and the plays; it knows no policy or decision point by name.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::native::compare::{step_differences, Heard, StepPair};
use crate::protocol::encode::{write_date_time, write_flag};
use crate::protocol::parse::parse_response;
use crate::protocol::types::{Data, Response};
use crate::scenario::{fresh_server, Player, Scenario, LIBRARY};
use crate::server::OutputKind;
use crate::server::{Policies, World};

/// How long the probe waits for a greeting or a command's tagged answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the other connections are read after each command, for what arrives unasked (a
/// `* BYE` sent at once to another client, say).
pub const DEFAULT_SETTLE: Duration = Duration::from_millis(300);

/// The same wait in a play that sends NOTIFY: a server may gather the events it tells of
/// (Dovecot 2.3 sends them about 0.5 s after the change, `tests/servers/transcripts/
/// dovecot-2.3.19.1/extra-rfc5465-notify-status.txt`), and RFC 5465 §3.1's "listens for event
/// notifications all the time" sets no bound.
pub const DEFAULT_NOTIFY_SETTLE: Duration = Duration::from_millis(1500);

/// The most a single response may hold, so a server sending without end cannot fill memory.
const MAX_RESPONSE: usize = 16 * 1024 * 1024;

/// How long past a deadline responses that keep coming are still read.
const FLOOD_GRACE: Duration = Duration::from_secs(1);

/// The most responses one command's answer may have.
const MAX_RESPONSES: usize = 100_000;

/// What `probe` was asked to do.
#[derive(Debug, Clone)]
pub struct ProbeArgs {
    /// `HOST:PORT`.
    pub addr: String,
    pub user: String,
    pub password: String,
    /// The account of scenario client 2, when given (`--user2`, `--password2`).
    pub user2: Option<(String, String)>,
    pub json: bool,
    /// Per command (and for the greeting).
    pub timeout: Duration,
    /// After each command, how long the other connections are read.
    pub settle: Duration,
    /// The same in a play that sends NOTIFY.
    pub notify_settle: Duration,
    /// `--preset NAME`: compare with the sandbox under this preset (with the varied point set
    /// to each value in turn) instead of under each scenario's own policies.
    pub preset: Option<String>,
}

impl ProbeArgs {
    pub fn new(addr: &str, user: &str, password: &str) -> ProbeArgs {
        ProbeArgs {
            addr: addr.to_string(),
            user: user.to_string(),
            password: password.to_string(),
            user2: None,
            json: false,
            timeout: DEFAULT_TIMEOUT,
            settle: DEFAULT_SETTLE,
            notify_settle: DEFAULT_NOTIFY_SETTLE,
            preset: None,
        }
    }
}

/// Why the probe could not run at all (as opposed to a row that says `none` or `untested`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeError {
    /// No TCP connection, or no greeting.
    Connect(String),
    /// LOGIN was refused.
    Login(String),
    /// The scratch mailbox could not be made.
    Scratch(String),
    /// `--preset` names no preset.
    Preset(String),
    /// Ctrl-C.
    Interrupted,
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProbeError::Connect(m) => write!(f, "cannot connect: {m}"),
            ProbeError::Login(m) => write!(f, "login failed: {m}"),
            ProbeError::Scratch(m) => write!(f, "cannot make the scratch mailbox: {m}"),
            ProbeError::Preset(m) => write!(f, "{m}"),
            ProbeError::Interrupted => write!(f, "interrupted"),
        }
    }
}

/// What the probe found.
#[derive(Debug, Clone)]
pub struct Report {
    pub server: String,
    pub greeting: String,
    pub capabilities: Vec<String>,
    /// The scratch mailbox (deleted again).
    pub scratch: String,
    pub rows: Vec<Row>,
}

/// One decision point.
#[derive(Debug, Clone)]
pub struct Row {
    pub point: String,
    pub verdict: Verdict,
    /// Every variant played for this point.
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The values whose scenario lines the server's answers match (one, unless the scenarios
    /// cannot tell some apart).
    Match(Vec<String>),
    /// No value matches; the evidence says which lines differed.
    None,
    /// No value could be checked, and why.
    Untested(String),
}

/// One variant of one scenario.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub scenario: String,
    pub value: String,
    pub outcome: Outcome,
    /// The play, command by command, on the server and in the sandbox (empty when the variant
    /// could not be played): for [`crate::native::compare::side_by_side`].
    pub steps: Vec<StepPair>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered every command as the sandbox does under the value, up to free text
    /// ([`crate::native::compare`]).
    Matched,
    /// The differences, as `line N: C2 ...: S2 ...`.
    Differed(Vec<String>),
    /// The variant could not be checked, and why.
    Untestable(String),
}

/// Runs the command; returns the exit code: 0 when the probe ran (whatever the rows say), 1
/// when it could not (no connection, login refused, no scratch mailbox), 130 after Ctrl-C.
/// The command line is parsed in `src/main.rs`, which also installs the Ctrl-C handler that
/// sets `cancel`.
pub fn run(args: &ProbeArgs, cancel: Arc<AtomicBool>) -> i32 {
    match probe(args, &cancel) {
        Ok(report) => {
            if args.json {
                println!("{}", report.to_json());
            } else {
                print!("{}", report.render());
            }
            0
        }
        Err(ProbeError::Interrupted) => {
            eprintln!("imap-sandbox probe: interrupted; the scratch mailbox was deleted");
            130
        }
        Err(e) => {
            eprintln!("imap-sandbox probe: {}: {e}", args.addr);
            1
        }
    }
}

/// Probes the server; the scratch mailbox is deleted before this returns, whatever happened.
pub fn probe(args: &ProbeArgs, cancel: &AtomicBool) -> Result<Report, ProbeError> {
    let preset = match &args.preset {
        Some(name) => Some(Policies::preset(name).map_err(|e| ProbeError::Preset(e.0))?),
        None => None,
    };
    let mut admin = Conn::open(args, cancel)?;
    let greeting = admin.greeting.clone();
    admin.login(&args.user, &args.password, args.timeout, cancel)?;
    let capabilities = admin.capabilities(args.timeout, cancel);
    let (prefix, sep) = admin.namespace(&capabilities, args.timeout, cancel);
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Two probes of one process in the same second (tests) still get names of their own.
    static PROBES: AtomicU32 = AtomicU32::new(0);
    let nth = match PROBES.fetch_add(1, Ordering::SeqCst) {
        0 => String::new(),
        n => format!("-{n}"),
    };
    let root = format!(
        "{prefix}imap-sandbox-probe-{}-{stamp}{nth}",
        std::process::id()
    );
    let answer = admin.command(&format!("CREATE {}", quote(&root)), args.timeout, cancel);
    if !answer.ok() {
        return Err(ProbeError::Scratch(format!(
            "CREATE {root}: {}",
            answer.describe()
        )));
    }
    let mut prober = Prober {
        args,
        cancel,
        admin: Some(admin),
        capabilities: capabilities.clone(),
        root: root.clone(),
        sep,
        plays: 0,
        preset,
    };
    let rows = prober.all_rows();
    prober.delete_tree(&root);
    let rows = rows?;
    Ok(Report {
        server: args.addr.clone(),
        greeting,
        capabilities,
        scratch: root,
        rows,
    })
}

/// One response as read: the octets without the final CRLF, or the connection closing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resp {
    Line(String),
    Closed,
}

impl Resp {
    fn text(&self) -> String {
        match self {
            Resp::Line(t) => t.clone(),
            Resp::Closed => "(closed)".to_string(),
        }
    }
}

/// What reading for a command's answer ended with.
#[derive(Debug, Clone, Default)]
struct Answer {
    /// Every response, the tagged one last if it came.
    responses: Vec<Resp>,
    /// The tagged line, if it came.
    tagged: Option<String>,
    /// Why reading stopped early: a timeout, an unparsable response.
    trouble: Option<String>,
}

impl Answer {
    fn ok(&self) -> bool {
        self.tagged
            .as_deref()
            .and_then(|t| t.split(' ').nth(1))
            .is_some_and(|s| s.eq_ignore_ascii_case("OK"))
    }

    fn describe(&self) -> String {
        match (&self.tagged, &self.trouble) {
            (Some(t), _) => t.clone(),
            (None, Some(why)) => why.clone(),
            (None, None) if self.responses.last() == Some(&Resp::Closed) => {
                let lines: Vec<String> = self.responses.iter().map(Resp::text).collect();
                lines
                    .join(", then ")
                    .replace("(closed)", "the server closed the connection")
            }
            (None, None) => "no answer".to_string(),
        }
    }
}

/// One connection to the server.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    closed: bool,
    greeting: String,
    preauth: bool,
    tags: u32,
}

impl Conn {
    /// Connects and reads the greeting.
    fn open(args: &ProbeArgs, cancel: &AtomicBool) -> Result<Conn, ProbeError> {
        let addrs: Vec<_> = args
            .addr
            .to_socket_addrs()
            .map_err(|e| ProbeError::Connect(format!("{}: {e}", args.addr)))?
            .collect();
        let mut last = format!("{}: no address", args.addr);
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, args.timeout) {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    let _ = stream.set_write_timeout(Some(args.timeout));
                    let mut conn = Conn {
                        stream,
                        buf: Vec::new(),
                        closed: false,
                        greeting: String::new(),
                        preauth: false,
                        tags: 0,
                    };
                    let deadline = Instant::now() + args.timeout;
                    return match conn.read(deadline, cancel)? {
                        Some(Ok(Resp::Line(g))) if g.starts_with("* OK") => {
                            conn.greeting = g;
                            Ok(conn)
                        }
                        Some(Ok(Resp::Line(g))) if g.starts_with("* PREAUTH") => {
                            conn.greeting = g;
                            conn.preauth = true;
                            Ok(conn)
                        }
                        Some(Ok(Resp::Line(g))) => Err(ProbeError::Connect(format!(
                            "the server greeted with {g:?}, not * OK or * PREAUTH"
                        ))),
                        Some(Ok(Resp::Closed)) => Err(ProbeError::Connect(
                            "the server closed the connection before greeting".to_string(),
                        )),
                        Some(Err(why)) => Err(ProbeError::Connect(format!(
                            "the greeting is not an IMAP response: {why}"
                        ))),
                        None => Err(ProbeError::Connect(format!(
                            "no greeting within {} s{}",
                            args.timeout.as_secs_f64(),
                            conn.partial()
                        ))),
                    };
                }
                Err(e) => last = format!("{addr}: {e}"),
            }
        }
        Err(ProbeError::Connect(last))
    }

    /// Logs in (nothing to do after a PREAUTH greeting).
    fn login(
        &mut self,
        user: &str,
        password: &str,
        timeout: Duration,
        cancel: &AtomicBool,
    ) -> Result<(), ProbeError> {
        if self.preauth {
            return Ok(());
        }
        let answer = self.command(
            &format!("LOGIN {} {}", quoted(user), quoted(password)),
            timeout,
            cancel,
        );
        if cancel.load(Ordering::SeqCst) {
            return Err(ProbeError::Interrupted);
        }
        if answer.ok() {
            Ok(())
        } else {
            Err(ProbeError::Login(format!(
                "LOGIN {user}: {}",
                answer.describe()
            )))
        }
    }

    /// The server's capabilities after login.
    fn capabilities(&mut self, timeout: Duration, cancel: &AtomicBool) -> Vec<String> {
        let answer = self.command("CAPABILITY", timeout, cancel);
        for r in &answer.responses {
            if let Resp::Line(text) = r {
                let bytes = format!("{text}\r\n");
                if let Ok((Response::Data(Data::Capability(caps)), _)) =
                    parse_response(bytes.as_bytes())
                {
                    return caps;
                }
            }
        }
        Vec::new()
    }

    /// The personal namespace's prefix and hierarchy delimiter (RFC 2342), or `LIST "" ""`'s
    /// delimiter with no prefix (RFC 3501 §6.3.8).
    fn namespace(
        &mut self,
        capabilities: &[String],
        timeout: Duration,
        cancel: &AtomicBool,
    ) -> (String, char) {
        if capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case("NAMESPACE"))
        {
            let answer = self.command("NAMESPACE", timeout, cancel);
            for r in &answer.responses {
                if let Resp::Line(text) = r {
                    let bytes = format!("{text}\r\n");
                    if let Ok((Response::Data(Data::Namespace { personal, .. }), _)) =
                        parse_response(bytes.as_bytes())
                    {
                        if let Some(first) = personal.as_ref().and_then(|p| p.first()) {
                            return (
                                String::from_utf8_lossy(&first.prefix).into_owned(),
                                first.delimiter.unwrap_or('/'),
                            );
                        }
                    }
                }
            }
        }
        let answer = self.command("LIST \"\" \"\"", timeout, cancel);
        for r in &answer.responses {
            if let Resp::Line(text) = r {
                let bytes = format!("{text}\r\n");
                if let Ok((Response::Data(Data::List(item)), _)) = parse_response(bytes.as_bytes())
                {
                    return (String::new(), item.delimiter.unwrap_or('/'));
                }
            }
        }
        (String::new(), '/')
    }

    /// Sends `TAG line` with a tag of its own and reads to the tagged answer.
    fn command(&mut self, line: &str, timeout: Duration, cancel: &AtomicBool) -> Answer {
        self.tags += 1;
        let tag = format!("probe{}", self.tags);
        self.send_command(&tag, &format!("{tag} {line}\r\n"), timeout, cancel)
    }

    /// Sends a command (tag included, CRLF included, literals inline) and reads to the tagged
    /// answer. A synchronizing literal waits for the continuation request (RFC 3501 §7.5); a
    /// tagged answer instead ends the command there.
    fn send_command(
        &mut self,
        tag: &str,
        send: &str,
        timeout: Duration,
        cancel: &AtomicBool,
    ) -> Answer {
        let mut answer = Answer::default();
        let deadline = Instant::now() + timeout;
        let pieces = chunks(send);
        let last = pieces.len().saturating_sub(1);
        for (i, piece) in pieces.into_iter().enumerate() {
            if self.write(piece.as_bytes()).is_err() {
                self.mark_closed(&mut answer);
                return answer;
            }
            if i == last {
                break;
            }
            // Wait for "+": anything else is kept as part of the answer.
            loop {
                match self.read(deadline, cancel) {
                    Ok(Some(Ok(Resp::Line(t)))) if t.starts_with('+') => {
                        answer.responses.push(Resp::Line(t));
                        break;
                    }
                    Ok(Some(Ok(Resp::Line(t)))) => {
                        let done = is_tagged(&t, tag);
                        answer.responses.push(Resp::Line(t.clone()));
                        if done {
                            answer.tagged = Some(t);
                            return answer;
                        }
                    }
                    Ok(Some(Ok(Resp::Closed))) => {
                        self.mark_closed(&mut answer);
                        return answer;
                    }
                    Ok(Some(Err(why))) => {
                        answer.trouble = Some(why);
                    }
                    Ok(None) => {
                        answer.trouble = Some(self.timed_out(send, timeout));
                        return answer;
                    }
                    Err(_) => return answer,
                }
            }
        }
        loop {
            match self.read(deadline, cancel) {
                Ok(Some(Ok(Resp::Line(t)))) => {
                    let done = is_tagged(&t, tag);
                    answer.responses.push(Resp::Line(t.clone()));
                    if done {
                        answer.tagged = Some(t);
                        return answer;
                    }
                    if answer.responses.len() >= MAX_RESPONSES {
                        answer.trouble = Some(format!(
                            "more than {MAX_RESPONSES} responses to one command"
                        ));
                        return answer;
                    }
                }
                Ok(Some(Ok(Resp::Closed))) => {
                    self.mark_closed(&mut answer);
                    return answer;
                }
                Ok(Some(Err(why))) => answer.trouble = Some(why),
                Ok(None) => {
                    let unparsable = answer.trouble.take();
                    let mut why = self.timed_out(send, timeout);
                    if let Some(u) = unparsable {
                        why = format!("{u}; {why}");
                    }
                    answer.trouble = Some(why);
                    return answer;
                }
                Err(_) => return answer,
            }
        }
    }

    fn timed_out(&self, send: &str, timeout: Duration) -> String {
        let first = send.split("\r\n").next().unwrap_or(send);
        format!(
            "no answer to {first:?} within {} s{}",
            timeout.as_secs_f64(),
            self.partial()
        )
    }

    /// What was received of an incomplete response, for messages.
    fn partial(&self) -> String {
        if self.buf.is_empty() {
            String::new()
        } else {
            let shown: Vec<u8> = self.buf.iter().take(200).copied().collect();
            format!(
                " (received {:?} without a line end)",
                String::from_utf8_lossy(&shown)
            )
        }
    }

    fn mark_closed(&mut self, answer: &mut Answer) {
        if !self.closed {
            self.closed = true;
        }
        if answer.responses.last() != Some(&Resp::Closed) {
            answer.responses.push(Resp::Closed);
        }
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.closed {
            return Err(std::io::ErrorKind::NotConnected.into());
        }
        self.stream.write_all(bytes)
    }

    /// Reads one response: `Ok(None)` at the deadline, `Some(Err(why))` for octets that do not
    /// parse as a response (RFC 3501 §7), `Err` when cancelled.
    #[allow(clippy::type_complexity)]
    fn read(
        &mut self,
        deadline: Instant,
        cancel: &AtomicBool,
    ) -> Result<Option<Result<Resp, String>>, ProbeError> {
        let mut expired = false;
        loop {
            // A server that never stops sending is cut off too.
            if Instant::now() > deadline + FLOOD_GRACE {
                return Ok(None);
            }
            if let Some(len) = frame_len(&self.buf) {
                let one: Vec<u8> = self.buf.drain(..len).collect();
                let text = String::from_utf8_lossy(&one);
                let text = text.strip_suffix("\r\n").unwrap_or(&text).to_string();
                return Ok(Some(match parse_response(&one) {
                    Ok((_, used)) if used == one.len() => Ok(Resp::Line(text)),
                    Ok(_) => Err(format!("not an IMAP response: {text:?}")),
                    Err(e) => Err(format!("not an IMAP response ({e:?}): {text:?}")),
                }));
            }
            if self.closed {
                return Ok(Some(Ok(Resp::Closed)));
            }
            if self.buf.len() > MAX_RESPONSE {
                self.buf.clear();
                return Ok(Some(Err(format!(
                    "a response longer than {MAX_RESPONSE} octets"
                ))));
            }
            if cancel.load(Ordering::SeqCst) {
                return Err(ProbeError::Interrupted);
            }
            // Short slices, so Ctrl-C is noticed while a server keeps us waiting; past the
            // deadline, one last short read takes what has already arrived.
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() && expired {
                return Ok(None);
            }
            expired = left.is_zero();
            let slice = left.clamp(Duration::from_millis(1), Duration::from_millis(100));
            let _ = self.stream.set_read_timeout(Some(slice));
            let mut chunk = [0u8; 16384];
            match self.stream.read(&mut chunk) {
                Ok(0) => self.closed = true,
                Ok(n) => self
                    .buf
                    .extend_from_slice(chunk.get(..n).unwrap_or_default()),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock
                            | std::io::ErrorKind::TimedOut
                            | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => self.closed = true,
            }
        }
    }

    /// Everything that arrives before `deadline` (shared by the connections read in turn, so
    /// the wait is paid once).
    fn drain(&mut self, deadline: Instant, cancel: &AtomicBool) -> Result<Vec<Resp>, ProbeError> {
        let mut got = Vec::new();
        if self.closed && self.buf.is_empty() {
            return Ok(got);
        }
        while let Some(r) = self.read(deadline, cancel)? {
            match r {
                Ok(Resp::Closed) => {
                    got.push(Resp::Closed);
                    break;
                }
                Ok(resp) => got.push(resp),
                Err(why) => got.push(Resp::Line(format!("(unparsable) {why}"))),
            }
            if got.len() >= MAX_RESPONSES {
                break;
            }
        }
        Ok(got)
    }

    /// LOGOUT and close, without waiting long.
    fn close(mut self, cancel: &AtomicBool) {
        if !self.closed {
            let _ = self.command("LOGOUT", Duration::from_secs(2), cancel);
        }
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// The length of the first complete response in `buf`, following literals (`{n}` at a line's
/// end, RFC 3501 §4.3).
fn frame_len(buf: &[u8]) -> Option<usize> {
    let mut pos = 0usize;
    loop {
        let rest = buf.get(pos..)?;
        let nl = rest.windows(2).position(|w| w == b"\r\n")?;
        let line = rest.get(..nl)?;
        let end = pos + nl + 2;
        match literal_size(line) {
            Some(n) => {
                pos = end.checked_add(n)?;
                if pos > buf.len() {
                    return None;
                }
            }
            None => return Some(end),
        }
    }
}

/// `{n}` (or `{n+}`) at the end of a line.
fn literal_size(line: &[u8]) -> Option<usize> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = inner.get(open + 1..)?;
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Splits a command (CRLF and literals included) into the pieces sent one at a time: each but
/// the last ends with a synchronizing literal's `{n}` CRLF, after which the client waits for
/// `+` (RFC 3501 §7.5). A literal's content is skipped over, whatever it contains.
fn chunks(send: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut from) = (0usize, 0usize);
    while let Some(at) = send.get(from..).and_then(|r| r.find("\r\n")) {
        let end = from + at;
        let line = send.get(..end).unwrap_or_default();
        match literal_size(line.as_bytes()) {
            Some(n) => {
                if !line.ends_with("+}") && end + 2 < send.len() {
                    out.push(send.get(start..end + 2).unwrap_or_default());
                    start = end + 2;
                }
                from = end + 2 + n;
            }
            None => from = end + 2,
        }
    }
    out.push(send.get(start..).unwrap_or_default());
    out
}

fn is_tagged(line: &str, tag: &str) -> bool {
    line.strip_prefix(tag).is_some_and(|r| r.starts_with(' '))
}

/// An astring for a mailbox name: an atom when it can be one, else a quoted string.
fn quote(name: &str) -> String {
    let atom = !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'(' | b')' | b'{' | b'"' | b'\\' | b'%' | b'*')
        });
    if atom {
        name.to_string()
    } else {
        quoted(name)
    }
}

/// A quoted string (RFC 3501 §4.3).
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The words of a command line: atoms, and quoted strings with their quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_quote {
            cur.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_quote = false;
            }
        } else if c == ' ' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            if c == '"' {
                in_quote = true;
            }
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A quoted string's content, or the word itself.
fn unquote(word: &str) -> String {
    match word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::new();
            let mut escaped = false;
            for c in inner.chars() {
                if escaped || c != '\\' {
                    out.push(c);
                    escaped = false;
                } else {
                    escaped = true;
                }
            }
            out
        }
        None => word.to_string(),
    }
}

/// How a command's arguments name mailboxes.
enum MailboxArgs {
    /// The arguments at these positions (after the command name) are mailbox names.
    At(&'static [usize]),
    /// LIST / LSUB: reference and pattern.
    List,
    /// LOGIN: replaced by the probe's credentials.
    Login,
    /// NOTIFY: the mailboxes of its filters ([`map_notify`]).
    Notify,
}

/// The commands the probe sends, and where their mailbox arguments are. A command not here
/// is not sent: the probe cannot tell which mailboxes it would touch.
fn mailbox_args(command: &str, uid: bool) -> Option<MailboxArgs> {
    let c = command.to_ascii_uppercase();
    if uid {
        return match c.as_str() {
            "FETCH" | "STORE" | "SEARCH" | "EXPUNGE" | "SORT" | "THREAD" => {
                Some(MailboxArgs::At(&[]))
            }
            "COPY" | "MOVE" => Some(MailboxArgs::At(&[1])),
            _ => None,
        };
    }
    match c.as_str() {
        "NOOP" | "CHECK" | "CLOSE" | "UNSELECT" | "EXPUNGE" | "FETCH" | "STORE" | "SEARCH"
        | "CAPABILITY" | "LOGOUT" | "NAMESPACE" | "ENABLE" | "ID" | "SORT" | "THREAD"
        | "CANCELUPDATE" => Some(MailboxArgs::At(&[])),
        "SELECT" | "EXAMINE" | "CREATE" | "DELETE" | "SUBSCRIBE" | "UNSUBSCRIBE" | "STATUS"
        | "APPEND" => Some(MailboxArgs::At(&[0])),
        "RENAME" => Some(MailboxArgs::At(&[0, 1])),
        "COPY" | "MOVE" => Some(MailboxArgs::At(&[1])),
        "LIST" | "LSUB" => Some(MailboxArgs::List),
        "LOGIN" => Some(MailboxArgs::Login),
        "NOTIFY" => Some(MailboxArgs::Notify),
        _ => None,
    }
}

/// Capabilities a command needs beyond IMAP4rev1.
fn needed_capability(command: &str, uid: bool) -> Option<&'static str> {
    match (command.to_ascii_uppercase().as_str(), uid) {
        ("MOVE", _) => Some("MOVE"),
        ("EXPUNGE", true) => Some("UIDPLUS"),
        ("UNSELECT", false) => Some("UNSELECT"),
        ("NAMESPACE", false) => Some("NAMESPACE"),
        ("ENABLE", false) => Some("ENABLE"),
        ("ID", false) => Some("ID"),
        ("NOTIFY", false) => Some("NOTIFY"),
        // RFC 5256 §1: SORT, and THREAD=ORDEREDSUBJECT / THREAD=REFERENCES (both are used by
        // the scenario that sends THREAD).
        ("SORT", _) => Some("SORT"),
        ("THREAD", _) => Some("THREAD=REFERENCES"),
        // RFC 5267 §4.3.5.
        ("CANCELUPDATE", false) => Some("CONTEXT=SEARCH"),
        _ => None,
    }
}

/// The scratch names of one play: the default world's names under `root`, with `sep` as
/// hierarchy delimiter where the world has `/`.
struct Names {
    root: String,
    sep: char,
}

impl Names {
    fn map(&self, name: &str) -> String {
        let name = if name.eq_ignore_ascii_case("INBOX") {
            "INBOX"
        } else {
            name
        };
        format!(
            "{}{}{}",
            self.root,
            self.sep,
            name.replace('/', &self.sep.to_string())
        )
    }

    /// A response as the scenario would show it: scratch names back to the world's.
    fn unmap(&self, text: &str) -> String {
        let prefix = format!("{}{}", self.root, self.sep);
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find(&prefix) {
            let before = rest.get(..at).unwrap_or_default();
            let after = rest.get(at + prefix.len()..).unwrap_or_default();
            let end = after
                .find([' ', '"', ')', ']', '\r', '\n'])
                .unwrap_or(after.len());
            let name = after.get(..end).unwrap_or_default().replace(self.sep, "/");
            let tail = after.get(end..).unwrap_or_default();
            // "root/FOO" -> FOO when the world's name is an atom.
            let quoted_alone = before.ends_with('"') && tail.starts_with('"');
            if quoted_alone && quote(&name) == name {
                out.push_str(before.strip_suffix('"').unwrap_or(before));
                out.push_str(&name);
                rest = tail.strip_prefix('"').unwrap_or(tail);
            } else {
                out.push_str(before);
                out.push_str(&name);
                rest = tail;
            }
        }
        out.push_str(rest);
        if self.sep != '/' && (out.starts_with("* LIST ") || out.starts_with("* LSUB ")) {
            let from = format!(") \"{}\" ", self.sep);
            out = out.replacen(&from, ") \"/\" ", 1);
        }
        out
    }
}

/// A scenario's client line made ready for the server, or why it cannot be sent.
struct Mapped {
    send: String,
    /// Default-world mailboxes the line names.
    mailboxes: Vec<String>,
    /// Default-world mailboxes whose every descendant the line covers too (NOTIFY's SUBTREE).
    subtrees: Vec<String>,
    /// Whether it lists with a wildcard (and so sees every mailbox of the world).
    wildcard: bool,
    capability: Option<&'static str>,
}

/// Maps the mailbox arguments of `send` (a command, CRLF and literals included) into the
/// scratch mailbox, and LOGIN to the probe's credentials.
fn map_command(send: &str, names: &Names, login: (&str, &str)) -> Result<Mapped, String> {
    let (first, literal) = match send.find("\r\n") {
        Some(at) => (send.get(..at).unwrap_or(send), send.get(at..).unwrap_or("")),
        None => (send, ""),
    };
    let mut w = words(first);
    let cmd_at = match w.get(1) {
        Some(c) if c.eq_ignore_ascii_case("UID") => 2,
        Some(_) => 1,
        None => return Err(format!("{first:?} is not a command")),
    };
    let uid = cmd_at == 2;
    let command = w.get(cmd_at).cloned().unwrap_or_default();
    let kind = mailbox_args(&command, uid).ok_or_else(|| {
        format!("the probe does not send {command} (it cannot tell which mailboxes it touches)")
    })?;
    let mut mailboxes = Vec::new();
    let mut wildcard = false;
    let map_at = |w: &mut Vec<String>, i: usize, mailboxes: &mut Vec<String>| {
        if let Some(word) = w.get_mut(cmd_at + 1 + i) {
            let name = unquote(word);
            *word = quote(&names.map(&name));
            mailboxes.push(name);
        }
    };
    match kind {
        MailboxArgs::At(positions) => {
            for &i in positions {
                map_at(&mut w, i, &mut mailboxes);
            }
        }
        MailboxArgs::List => {
            let reference = w.get(cmd_at + 1).map(|r| unquote(r)).unwrap_or_default();
            let pattern = w.get(cmd_at + 2).map(|p| unquote(p)).unwrap_or_default();
            if !reference.is_empty() {
                return Err("LIST with a reference name is not mapped by the probe".to_string());
            }
            wildcard = pattern.contains(['%', '*']);
            if let Some(word) = w.get_mut(cmd_at + 2) {
                *word = quoted(&names.map(&pattern));
            }
            if !wildcard {
                mailboxes.push(pattern);
            }
        }
        MailboxArgs::Login => {
            w.truncate(cmd_at + 1);
            w.push(quoted(login.0));
            w.push(quoted(login.1));
        }
        MailboxArgs::Notify => {
            let at = first
                .to_ascii_uppercase()
                .find(" NOTIFY")
                .map(|i| i + " NOTIFY".len())
                .ok_or_else(|| format!("{first:?} is not a NOTIFY command"))?;
            let (head, args) = first.split_at(at);
            let notify = map_notify(args, names)?;
            return Ok(Mapped {
                send: format!("{head}{}{literal}", notify.send),
                mailboxes: notify.mailboxes,
                subtrees: notify.subtrees,
                wildcard: false,
                capability: needed_capability(&command, uid),
            });
        }
    }
    Ok(Mapped {
        send: format!("{}{literal}", w.join(" ")),
        mailboxes,
        subtrees: Vec::new(),
        wildcard,
        capability: needed_capability(&command, uid),
    })
}

/// A NOTIFY command's arguments with their mailbox names mapped into the scratch mailbox.
struct MappedNotify {
    send: String,
    mailboxes: Vec<String>,
    subtrees: Vec<String>,
}

/// One token of NOTIFY's arguments: a parenthesis, or an atom or quoted string (its text
/// as written) with its byte range in the arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NotifyToken {
    Open,
    Close,
    Word { text: String, at: usize, end: usize },
}

/// Splits NOTIFY's arguments into tokens. A `[...]` (a fetch-att's section, RFC 3501 §9) stays
/// in its atom with its spaces and parentheses; a literal is refused (the scenarios send none).
fn notify_tokens(args: &str) -> Result<Vec<NotifyToken>, String> {
    let mut out = Vec::new();
    let mut chars = args.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            ' ' => {}
            '(' => out.push(NotifyToken::Open),
            ')' => out.push(NotifyToken::Close),
            '{' => return Err("a literal in NOTIFY is not mapped by the probe".to_string()),
            '"' => {
                let mut escaped = false;
                let mut end = None;
                for (i, q) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if q == '\\' {
                        escaped = true;
                    } else if q == '"' {
                        end = Some(i + 1);
                        break;
                    }
                }
                let end = end.ok_or("an unterminated quoted string in NOTIFY")?;
                let text = args.get(at..end).unwrap_or_default().to_string();
                out.push(NotifyToken::Word { text, at, end });
            }
            _ => {
                let mut end = at + c.len_utf8();
                let mut brackets = usize::from(c == '[');
                while let Some(&(i, n)) = chars.peek() {
                    if brackets == 0 && matches!(n, ' ' | '(' | ')') {
                        break;
                    }
                    match n {
                        '[' => brackets += 1,
                        ']' => brackets = brackets.saturating_sub(1),
                        _ => {}
                    }
                    end = i + n.len_utf8();
                    chars.next();
                }
                let text = args.get(at..end).unwrap_or_default().to_string();
                out.push(NotifyToken::Word { text, at, end });
            }
        }
    }
    Ok(out)
}

/// Maps the mailbox names of a NOTIFY command's arguments (what follows `NOTIFY`) into the
/// scratch mailbox: those of its `mailboxes` and `subtree` filters, one name or a
/// parenthesized list (RFC 5465 §8, `one-or-more-mailbox`). `selected` and
/// `selected-delayed` name the selected mailbox, which is in the scratch mailbox already
/// (§6.1). `personal`, `inboxes` and `subscribed` cover mailboxes outside it (§6.2 to §6.4:
/// the user's own INBOX, every personal mailbox, every subscribed one), so a NOTIFY naming one
/// is not sent, nor one with a filter the probe does not know.
fn map_notify(args: &str, names: &Names) -> Result<MappedNotify, String> {
    let tokens = notify_tokens(args)?;
    let word = |i: usize| match tokens.get(i) {
        Some(NotifyToken::Word { text, .. }) => Some(text.to_ascii_uppercase()),
        _ => None,
    };
    let mut out = MappedNotify {
        send: args.to_string(),
        mailboxes: Vec::new(),
        subtrees: Vec::new(),
    };
    // RFC 5465 §8: notify-none / notify-set.
    match word(0).as_deref() {
        Some("NONE") if tokens.len() == 1 => return Ok(out),
        Some("SET") => {}
        _ => {
            return Err(format!(
                "NOTIFY{args} is not a NOTIFY SET or NONE the probe can map"
            ))
        }
    }
    let mut i = if word(1).as_deref() == Some("STATUS") {
        2
    } else {
        1
    };
    // Byte ranges of mailbox names, with the names.
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    if i >= tokens.len() {
        return Err("NOTIFY SET without an event group".to_string());
    }
    while i < tokens.len() {
        // event-group = "(" filter-mailboxes SP events ")"
        if tokens.get(i) != Some(&NotifyToken::Open) {
            return Err(format!(
                "NOTIFY{args}: an event group must start with \"(\""
            ));
        }
        let filter = word(i + 1).unwrap_or_default();
        i += 2;
        match filter.as_str() {
            "SELECTED" | "SELECTED-DELAYED" => {}
            "MAILBOXES" | "SUBTREE" => {
                let first = spans.len();
                let mut one = |t: Option<&NotifyToken>| match t {
                    Some(NotifyToken::Word { text, at, end }) => {
                        spans.push((*at, *end, unquote(text)));
                        Ok(())
                    }
                    _ => Err(format!("NOTIFY{args}: {filter} names no mailbox")),
                };
                if tokens.get(i) == Some(&NotifyToken::Open) {
                    i += 1;
                    while tokens.get(i).is_some_and(|t| *t != NotifyToken::Close) {
                        one(tokens.get(i))?;
                        i += 1;
                    }
                    i += 1;
                } else {
                    one(tokens.get(i))?;
                    i += 1;
                }
                if filter == "SUBTREE" {
                    let group = spans.get(first..).unwrap_or_default();
                    out.subtrees.extend(group.iter().map(|s| s.2.clone()));
                }
            }
            "PERSONAL" | "INBOXES" | "SUBSCRIBED" => {
                return Err(format!(
                    "the probe does not send NOTIFY with {filter} (RFC 5465 §6: it covers \
                     mailboxes outside the scratch mailbox)"
                ))
            }
            other => {
                return Err(format!(
                    "the probe does not send NOTIFY with the filter {other:?} (it cannot tell \
                     which mailboxes it covers)"
                ))
            }
        }
        // events = ( "(" event *(SP event) ")" ) / "NONE": then the group's closing
        // parenthesis.
        if tokens.get(i) != Some(&NotifyToken::Open) && word(i).as_deref() != Some("NONE") {
            return Err(format!("NOTIFY{args}: a {filter} group without events"));
        }
        let mut depth = 1usize;
        while depth > 0 {
            match tokens.get(i) {
                Some(NotifyToken::Open) => depth += 1,
                Some(NotifyToken::Close) => depth -= 1,
                Some(NotifyToken::Word { .. }) => {}
                None => return Err(format!("NOTIFY{args}: an event group is not closed")),
            }
            i += 1;
        }
    }
    let mut send = String::new();
    let mut from = 0usize;
    for (at, end, name) in &spans {
        send.push_str(args.get(from..*at).unwrap_or_default());
        send.push_str(&quote(&names.map(name)));
        from = *end;
    }
    send.push_str(args.get(from..).unwrap_or_default());
    out.send = send;
    out.mailboxes = spans.into_iter().map(|s| s.2).collect();
    Ok(out)
}

/// What one play of a scenario recorded.
#[derive(Debug, Clone)]
struct Played {
    /// Per step played (its index in the file, for the variant played): every response
    /// (scenario client, response) it caused, in arrival order.
    steps: Vec<(usize, Vec<(usize, Resp)>)>,
    /// Why the play stopped before the end (no answer, a setup command refused).
    stopped: Option<String>,
    /// The play could not start (setup refused, a command the probe cannot send): the
    /// variants are untestable.
    untestable: Option<String>,
}

struct Prober<'a> {
    args: &'a ProbeArgs,
    cancel: &'a AtomicBool,
    admin: Option<Conn>,
    capabilities: Vec<String>,
    root: String,
    sep: char,
    plays: u32,
    /// The policies of `--preset`, if given.
    preset: Option<Policies>,
}

/// A scenario with its file name.
struct Named {
    file: String,
    scenario: Scenario,
}

impl Prober<'_> {
    fn cancelled(&self) -> Result<(), ProbeError> {
        if self.cancel.load(Ordering::SeqCst) {
            Err(ProbeError::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Every decision point of the policy table, with every scenario that varies it.
    fn all_rows(&mut self) -> Result<Vec<Row>, ProbeError> {
        let scenarios: Vec<Named> = LIBRARY
            .iter()
            .filter_map(|(file, text)| {
                let scenario = Scenario::parse(text).ok()?;
                scenario.vary.as_ref()?;
                Some(Named {
                    file: file.trim_end_matches(".imap").to_string(),
                    scenario,
                })
            })
            .collect();
        // Pass 1: play every variant on the server and compare it with the sandbox's play
        // under that value.
        let mut evidence: Vec<PointEvidence> = Vec::new();
        for named in &scenarios {
            self.cancelled()?;
            let Some((point, _)) = &named.scenario.vary else {
                continue;
            };
            for (e, played) in self.play_scenario(named)? {
                evidence.push((point.clone(), e, played));
            }
        }
        let points: Vec<String> = Policies::default()
            .table()
            .iter()
            .map(|r| r.point.to_string())
            .collect();
        // Pass 2 (without --preset): a scenario's own policies are the defaults but for its
        // point; where the server was found to have one value on another point, the sandbox
        // is set so there too and every variant is compared again, until nothing changes.
        // Two points can hide each other (a FETCH scenario presumes no EXPUNGEISSUED, the
        // EXPUNGEISSUED scenario presumes ghost FETCH data): when a round finds nothing new, a
        // variant that matches once one undecided point is given one of its values is taken
        // as a lead for the next round, which compares everything again without it.
        if self.preset.is_none() {
            let table = Policies::default().table();
            let mut last: Option<Vec<String>> = None;
            let mut provisional = false;
            for _ in 0..6 {
                let found = single_values(&points, &evidence);
                let stuck = last.as_ref() == Some(&found);
                if stuck && (provisional || found.len() == points.len()) {
                    break;
                }
                self.compare_again(&scenarios, &mut evidence, &found);
                provisional = false;
                if !stuck {
                    last = Some(found);
                    continue;
                }
                for (point, e, played) in evidence.iter_mut() {
                    let (Some(played), Some(named), Outcome::Differed(_)) = (
                        played.as_ref(),
                        scenarios.iter().find(|n| n.file == e.scenario),
                        &e.outcome,
                    ) else {
                        continue;
                    };
                    let others = others_than(&found, point);
                    let undecided = table.iter().filter(|row| {
                        row.point != point.as_str()
                            && !found
                                .iter()
                                .any(|a| a.starts_with(&format!("{}=", row.point)))
                    });
                    'lead: for row in undecided {
                        for (value, _) in &row.values {
                            let mut with = others.clone();
                            with.push(format!("{}={value}", row.point));
                            let (outcome, steps) = compare_play(
                                &named.scenario,
                                &e.value,
                                played,
                                self.policies(named, &e.value, &with),
                            );
                            if outcome == Outcome::Matched {
                                e.outcome = outcome;
                                e.steps = steps;
                                provisional = true;
                                break 'lead;
                            }
                        }
                    }
                }
                if !provisional {
                    break;
                }
                last = Some(found);
            }
            // A lead is only a lead: what is reported was compared without one.
            if provisional {
                let found = single_values(&points, &evidence);
                self.compare_again(&scenarios, &mut evidence, &found);
            }
        }
        Ok(points
            .iter()
            .map(|p| Row {
                point: p.clone(),
                verdict: verdicts(&evidence, p),
                evidence: evidence
                    .iter()
                    .filter(|(q, _, _)| q == p)
                    .map(|(_, e, _)| e.clone())
                    .collect(),
            })
            .collect())
    }

    /// Compares every played variant again, with the sandbox set to the values in `found` on
    /// every point but the variant's own.
    fn compare_again(&self, scenarios: &[Named], evidence: &mut [PointEvidence], found: &[String]) {
        for (point, e, played) in evidence.iter_mut() {
            let (Some(played), Some(named)) = (
                played.as_ref(),
                scenarios.iter().find(|n| n.file == e.scenario),
            ) else {
                continue;
            };
            let others = others_than(found, point);
            let (outcome, steps) = compare_play(
                &named.scenario,
                &e.value,
                played,
                self.policies(named, &e.value, &others),
            );
            e.outcome = outcome;
            e.steps = steps;
        }
    }

    /// The sandbox's policies for one variant: `--preset` with the scenario's point set to
    /// `value`, or else the scenario's own policies for it with `others` applied.
    fn policies(&self, named: &Named, value: &str, others: &[String]) -> Result<Policies, String> {
        match (&self.preset, &named.scenario.vary) {
            (Some(preset), Some((point, _))) => {
                let mut p = *preset;
                p.set(point, value).map_err(|e| e.0)?;
                Ok(p)
            }
            _ => named.scenario.policies_for(Some(value), others),
        }
    }

    /// Plays a scenario on the server once per distinct sequence of client lines, and compares
    /// each variant with the sandbox's play of it.
    fn play_scenario(
        &mut self,
        named: &Named,
    ) -> Result<Vec<(Evidence, Option<Played>)>, ProbeError> {
        let sc = &named.scenario;
        let mut out = Vec::new();
        let mut played: Vec<(Vec<(usize, String)>, Played)> = Vec::new();
        for variant in sc.variants() {
            let Some(value) = variant.clone() else {
                continue;
            };
            let key: Vec<(usize, String)> = sc
                .steps
                .iter()
                .filter(|s| applies(&s.only, Some(&value)))
                .map(|s| (s.client, s.send.clone()))
                .collect();
            if let Some(missing) = missing_capability(sc, &value, &self.capabilities) {
                out.push((
                    Evidence {
                        scenario: named.file.clone(),
                        value,
                        outcome: Outcome::Untestable(format!(
                            "needs {missing}, which the server does not announce"
                        )),
                        steps: Vec::new(),
                    },
                    None,
                ));
                continue;
            }
            if !played.iter().any(|(k, _)| *k == key) {
                let p = self.play(sc, &value)?;
                played.push((key.clone(), p));
            }
            let Some((_, p)) = played.iter().find(|(k, _)| *k == key) else {
                continue;
            };
            let (outcome, steps, kept) = match &p.untestable {
                Some(why) => (Outcome::Untestable(why.clone()), Vec::new(), None),
                None => {
                    let (outcome, steps) =
                        compare_play(sc, &value, p, self.policies(named, &value, &[]));
                    (outcome, steps, Some(p.clone()))
                }
            };
            out.push((
                Evidence {
                    scenario: named.file.clone(),
                    value,
                    outcome,
                    steps,
                },
                kept,
            ));
        }
        Ok(out)
    }

    /// The login of scenario client `n`.
    fn login_of(&self, n: usize) -> (&str, &str) {
        match (&self.args.user2, n) {
            (Some((u, p)), 2) => (u, p),
            _ => (&self.args.user, &self.args.password),
        }
    }

    /// The connection used to make and delete scratch mailboxes, opened again if it was lost.
    fn admin(&mut self) -> Result<&mut Conn, ProbeError> {
        let usable = self.admin.as_ref().is_some_and(|c| !c.closed);
        if !usable {
            let mut conn = Conn::open(self.args, self.cancel)?;
            conn.login(
                &self.args.user,
                &self.args.password,
                self.args.timeout,
                self.cancel,
            )?;
            self.admin = Some(conn);
        }
        self.admin
            .as_mut()
            .ok_or_else(|| ProbeError::Connect("lost the connection".to_string()))
    }

    fn admin_command(&mut self, line: &str) -> Result<Answer, ProbeError> {
        let (timeout, cancel) = (self.args.timeout, self.cancel);
        let admin = self.admin()?;
        let answer = admin.command(line, timeout, cancel);
        self.cancelled()?;
        Ok(answer)
    }

    /// Plays one variant's client lines on fresh connections, in a fresh scratch world.
    fn play(&mut self, sc: &Scenario, value: &str) -> Result<Played, ProbeError> {
        self.plays += 1;
        let names = Names {
            root: format!("{}{}p{}", self.root, self.sep, self.plays),
            sep: self.sep,
        };
        let mut played = Played {
            steps: Vec::new(),
            stopped: None,
            untestable: None,
        };
        // Map every line first: a line that cannot be sent makes the variant untestable.
        let mut setup = Vec::new();
        let mut world_names: BTreeSet<String> = BTreeSet::new();
        let mut subtrees: BTreeSet<String> = BTreeSet::new();
        let mut wildcard = false;
        let mut notify = false;
        for (n, cmd) in &sc.setup {
            match map_command(&format!("s {cmd}\r\n"), &names, self.login_of(*n)) {
                Ok(m) => {
                    world_names.extend(m.mailboxes.iter().cloned());
                    subtrees.extend(m.subtrees.iter().cloned());
                    wildcard |= m.wildcard;
                    notify |= m.capability == Some("NOTIFY");
                    setup.push((*n, m.send));
                }
                Err(why) => {
                    played.untestable = Some(format!("setup C{n} {cmd}: {why}"));
                    return Ok(played);
                }
            }
        }
        let mut steps = Vec::new();
        for (index, step) in sc.steps.iter().enumerate() {
            if !applies(&step.only, Some(value)) {
                continue;
            }
            if step.send == "(disconnect)\r\n" {
                steps.push((index, step.client, None, String::new()));
                continue;
            }
            match map_command(&step.send, &names, self.login_of(step.client)) {
                Ok(m) => {
                    world_names.extend(m.mailboxes.iter().cloned());
                    subtrees.extend(m.subtrees.iter().cloned());
                    wildcard |= m.wildcard;
                    notify |= m.capability == Some("NOTIFY");
                    let tag = words(&step.send).into_iter().next().unwrap_or_default();
                    steps.push((index, step.client, Some(m.send), tag));
                }
                Err(why) => {
                    played.untestable = Some(format!("line {}: {why}", step.line_no));
                    return Ok(played);
                }
            }
        }
        let made = self.make_world(&names, &world_names, &subtrees, wildcard);
        let result = match made {
            Ok(()) => {
                let settle = if notify {
                    self.args.settle.max(self.args.notify_settle)
                } else {
                    self.args.settle
                };
                self.play_steps(&mut played, &setup, &steps, &names, settle)
            }
            Err(why) => {
                played.untestable = Some(why);
                Ok(())
            }
        };
        self.delete_tree(&names.root);
        result.map(|()| played)
    }

    fn play_steps(
        &mut self,
        played: &mut Played,
        setup: &[(usize, String)],
        steps: &[(usize, usize, Option<String>, String)],
        names: &Names,
        settle: Duration,
    ) -> Result<(), ProbeError> {
        let (timeout, cancel) = (self.args.timeout, self.cancel);
        let mut conns: [Option<Conn>; 3] = [None, None, None];
        let result = (|| -> Result<(), ProbeError> {
            for (i, (n, line)) in setup.iter().enumerate() {
                let conn = connect(&mut conns, *n, self.args, cancel)?;
                let tag = format!("setup{}", i + 1);
                let send = format!("{tag}{}", line.strip_prefix('s').unwrap_or(line));
                if conn.preauth && line.starts_with("s LOGIN ") {
                    continue;
                }
                let answer = conn.send_command(&tag, &send, timeout, cancel);
                self.cancelled()?;
                if !answer.ok() {
                    let shown = if line.starts_with("s LOGIN ") {
                        "LOGIN".to_string()
                    } else {
                        names.unmap(line.trim_end())
                    };
                    played.untestable = Some(format!(
                        "setup C{n} {} did not answer OK: {}",
                        shown.trim_start_matches("s "),
                        names.unmap(&answer.describe())
                    ));
                    return Ok(());
                }
            }
            // What the setup caused is not part of the transcript.
            let deadline = Instant::now() + settle;
            for c in conns.iter_mut().flatten() {
                c.drain(deadline, cancel)?;
            }
            for (_, n, _, _) in steps {
                connect(&mut conns, *n, self.args, cancel)?;
            }
            for (index, n, send, tag) in steps {
                let mut got: Vec<(usize, Resp)> = Vec::new();
                let slot = conns.get_mut(n.wrapping_sub(1)).and_then(Option::as_mut);
                match (send, slot) {
                    (None, Some(conn)) => {
                        // RFC 2683 §3.1.2: the connection is severed without LOGOUT.
                        let _ = conn.stream.shutdown(Shutdown::Both);
                        conn.closed = true;
                        conn.buf.clear();
                    }
                    (Some(send), Some(conn)) if !conn.closed => {
                        let answer = conn.send_command(tag, send, timeout, cancel);
                        self.cancelled()?;
                        for r in answer.responses {
                            got.push((*n, r));
                        }
                        if answer.tagged.is_none() && !conn.closed {
                            played.steps.push((*index, got));
                            let first = send.split("\r\n").next().unwrap_or(send);
                            played.stopped = Some(
                                answer
                                    .trouble
                                    .map(|t| names.unmap(&t))
                                    .unwrap_or_else(|| format!("no answer to {first:?}")),
                            );
                            return Ok(());
                        }
                        if let Some(why) = answer.trouble {
                            played.stopped = Some(names.unmap(&why));
                        }
                    }
                    // A closed connection sends nothing and hears nothing.
                    _ => {}
                }
                let deadline = Instant::now() + settle;
                for (k, c) in conns.iter_mut().enumerate() {
                    if let Some(c) = c {
                        for r in c.drain(deadline, cancel)? {
                            got.push((k + 1, r));
                        }
                    }
                }
                let got = got
                    .into_iter()
                    .map(|(k, r)| match r {
                        Resp::Line(t) => (k, Resp::Line(names.unmap(&t))),
                        Resp::Closed => (k, Resp::Closed),
                    })
                    .collect();
                played.steps.push((*index, got));
                if played.stopped.is_some() {
                    return Ok(());
                }
            }
            Ok(())
        })();
        for c in conns.into_iter().flatten() {
            c.close(cancel);
        }
        result
    }

    /// Creates the play's root and the default world's mailboxes the play names (all of them
    /// when it lists with a wildcard, and every one under a NOTIFY SUBTREE), with their
    /// messages.
    fn make_world(
        &mut self,
        names: &Names,
        wanted: &BTreeSet<String>,
        subtrees: &BTreeSet<String>,
        all: bool,
    ) -> Result<(), String> {
        let world = World::default_world();
        let mut boxes: Vec<String> = world
            .store
            .live()
            .map(|m| m.name.clone())
            .filter(|n| {
                all || wanted
                    .iter()
                    .any(|w| w == n || w.starts_with(&format!("{n}/")))
                    || subtrees.iter().any(|t| n.starts_with(&format!("{t}/")))
            })
            .collect();
        // Parents first.
        boxes.sort_by_key(|n| (n.matches('/').count(), n.clone()));
        let create = |p: &mut Self, name: &str| -> Result<(), String> {
            let a = p
                .admin_command(&format!("CREATE {}", quote(name)))
                .map_err(|e| e.to_string())?;
            if a.ok() {
                Ok(())
            } else {
                Err(format!("CREATE {}: {}", names.unmap(name), a.describe()))
            }
        };
        create(self, &names.root)?;
        for name in &boxes {
            create(self, &names.map(name))?;
            let Some(mailbox) = world.store.by_name(name) else {
                continue;
            };
            if mailbox.messages.is_empty() {
                continue;
            }
            for m in &mailbox.messages {
                let mut flags = Vec::new();
                for f in m.flags.to_list(false) {
                    if !flags.is_empty() {
                        flags.push(b' ');
                    }
                    write_flag(&f, &mut flags);
                }
                let mut date = Vec::new();
                write_date_time(&m.data.internal_date, &mut date);
                let line = format!(
                    "APPEND {} ({}) {} {{{}}}\r\n",
                    quote(&names.map(name)),
                    String::from_utf8_lossy(&flags),
                    String::from_utf8_lossy(&date),
                    m.data.raw.len()
                );
                let mut send = line.into_bytes();
                send.extend_from_slice(&m.data.raw);
                // The message is sent as octets; a non-UTF-8 message would not survive a
                // String, so it goes through the same path as its lossy form only if valid.
                let send = String::from_utf8(send).map_err(|_| {
                    format!("a message of {name} is not UTF-8 and cannot be appended")
                })?;
                let (timeout, cancel) = (self.args.timeout, self.cancel);
                let admin = self.admin().map_err(|e| e.to_string())?;
                admin.tags += 1;
                let tag = format!("probe{}", admin.tags);
                let a = admin.send_command(&tag, &format!("{tag} {send}\r\n"), timeout, cancel);
                if !a.ok() {
                    return Err(format!("APPEND to {name}: {}", a.describe()));
                }
            }
            // Nothing starts \Recent in the default world: a SELECT here takes it.
            let a = self
                .admin_command(&format!("SELECT {}", quote(&names.map(name))))
                .map_err(|e| e.to_string())?;
            if a.ok() {
                let _ = self.admin_command("CLOSE");
            }
        }
        Ok(())
    }

    /// Deletes `root` and everything under it, deepest first; never another mailbox.
    fn delete_tree(&mut self, root: &str) {
        let Ok(a) = self.admin_command_uncancelled(&format!(
            "LIST \"\" {}",
            quoted(&format!("{root}{}*", self.sep))
        )) else {
            return;
        };
        let mut found: Vec<String> = a
            .responses
            .iter()
            .filter_map(|r| match r {
                Resp::Line(t) => {
                    let bytes = format!("{t}\r\n");
                    match parse_response(bytes.as_bytes()) {
                        Ok((Response::Data(Data::List(item)), _)) => Some(item.mailbox.0),
                        _ => None,
                    }
                }
                Resp::Closed => None,
            })
            .filter(|n| n.starts_with(&format!("{root}{}", self.sep)))
            .collect();
        found.sort_by_key(|n| std::cmp::Reverse(n.matches(self.sep).count()));
        found.push(root.to_string());
        for name in found {
            let _ = self.admin_command_uncancelled(&format!("DELETE {}", quote(&name)));
        }
    }

    /// A command for the cleanup, which runs even after Ctrl-C.
    fn admin_command_uncancelled(&mut self, line: &str) -> Result<Answer, ProbeError> {
        let timeout = self.args.timeout;
        let never = AtomicBool::new(false);
        let usable = self.admin.as_ref().is_some_and(|c| !c.closed);
        if !usable {
            let mut conn = Conn::open(self.args, &never)?;
            conn.login(&self.args.user, &self.args.password, timeout, &never)?;
            self.admin = Some(conn);
        }
        match self.admin.as_mut() {
            Some(admin) => Ok(admin.command(line, timeout, &never)),
            None => Err(ProbeError::Connect("lost the connection".to_string())),
        }
    }
}

/// A capability the variant's lines need that the server does not announce: for a command
/// (MOVE, UNSELECT, ...), a search return option (RFC 5267 §4.1: UPDATE needs CONTEXT=SEARCH,
/// or CONTEXT=SORT in a SORT; §3.1: SORT RETURN needs ESORT) or a response code (RFC 4315 §3
/// UIDPLUS's APPENDUID and COPYUID).
fn missing_capability(sc: &Scenario, value: &str, capabilities: &[String]) -> Option<String> {
    let has = |cap: &str| capabilities.iter().any(|c| c.eq_ignore_ascii_case(cap));
    let live_search = |line: &str| {
        let upper = line.to_ascii_uppercase();
        upper.contains(" SEARCH RETURN (") && upper.contains("UPDATE")
    };
    let names = Names {
        root: String::new(),
        sep: '/',
    };
    for step in sc.steps.iter().filter(|s| applies(&s.only, Some(value))) {
        if let Ok(m) = map_command(&step.send, &names, ("u", "p")) {
            if let Some(cap) = m.capability.filter(|c| !has(c)) {
                return Some(cap.to_string());
            }
        }
        if live_search(&step.send) && !has("CONTEXT=SEARCH") {
            return Some("CONTEXT=SEARCH".to_string());
        }
        let upper = step.send.to_ascii_uppercase();
        if upper.contains(" SORT RETURN (") {
            let need = if upper.contains("UPDATE") {
                "CONTEXT=SORT"
            } else {
                "ESORT"
            };
            if !has(need) {
                return Some(need.to_string());
            }
        }
        for e in step.expect.iter().filter(|e| applies(&e.only, Some(value))) {
            let uidplus = e.pattern.contains("[APPENDUID") || e.pattern.contains("[COPYUID");
            if uidplus && !e.absent && !has("UIDPLUS") {
                return Some("UIDPLUS".to_string());
            }
        }
    }
    None
}

/// Scenario client `n`'s connection, opened (and greeted) at first use.
fn connect<'c>(
    conns: &'c mut [Option<Conn>; 3],
    n: usize,
    args: &ProbeArgs,
    cancel: &AtomicBool,
) -> Result<&'c mut Conn, ProbeError> {
    let slot = conns
        .get_mut(n.wrapping_sub(1))
        .ok_or_else(|| ProbeError::Connect(format!("no client C{n}")))?;
    if slot.is_none() {
        *slot = Some(Conn::open(args, cancel)?);
    }
    slot.as_mut()
        .ok_or_else(|| ProbeError::Connect(format!("no client C{n}")))
}

fn applies(only: &Option<String>, value: Option<&str>) -> bool {
    match (only, value) {
        (None, _) => true,
        (Some(v), Some(cur)) => v == cur,
        (Some(_), None) => false,
    }
}

/// One variant's evidence for a decision point, with the server's play of it (kept to compare
/// it again under other policies).
type PointEvidence = (String, Evidence, Option<Played>);

/// A point's verdict from the evidence of every point.
fn verdicts(evidence: &[PointEvidence], point: &str) -> Verdict {
    let mine: Vec<&Evidence> = evidence
        .iter()
        .filter(|(q, _, _)| q == point)
        .map(|(_, e, _)| e)
        .collect();
    verdict(&mine)
}

/// The assignments of `found` that are not for `point`.
fn others_than(found: &[String], point: &str) -> Vec<String> {
    found
        .iter()
        .filter(|a| !a.starts_with(&format!("{point}=")))
        .cloned()
        .collect()
}

/// `POINT=VALUE` for every point whose verdict is one value.
fn single_values(points: &[String], evidence: &[PointEvidence]) -> Vec<String> {
    points
        .iter()
        .filter_map(|p| match verdicts(evidence, p) {
            Verdict::Match(values) if values.len() == 1 => {
                values.first().map(|v| format!("{p}={v}"))
            }
            _ => None,
        })
        .collect()
}

/// Plays one variant in the sandbox under `policies` and compares it, command by command,
/// with the server's play ([`step_differences`]).
fn compare_play(
    sc: &Scenario,
    value: &str,
    played: &Played,
    policies: Result<Policies, String>,
) -> (Outcome, Vec<StepPair>) {
    let policies = match policies {
        Ok(p) => p,
        Err(why) => return (Outcome::Untestable(why), Vec::new()),
    };
    let mut server = fresh_server(policies);
    let mut player = match Player::start(sc, Some(value), &mut server) {
        Ok(player) => player,
        Err(f) => {
            return (
                Outcome::Untestable(format!("the sandbox cannot play it: {}", f.message)),
                Vec::new(),
            )
        }
    };
    let mut ours: Vec<(usize, BTreeMap<usize, Heard>)> = Vec::new();
    while let Some(outcome) = player.step(sc, &mut server) {
        let mut heard: BTreeMap<usize, Heard> = BTreeMap::new();
        for r in outcome.received {
            let h = heard.entry(r.client).or_default();
            match r.output.kind {
                OutputKind::Closed => h.closed = true,
                OutputKind::Continuation | OutputKind::StartTls => {}
                OutputKind::Tagged | OutputKind::Untagged => {
                    let text = String::from_utf8_lossy(&r.output.bytes);
                    h.lines.push(text.trim_end_matches("\r\n").to_string());
                }
            }
        }
        ours.push((outcome.index, heard));
    }
    let mut steps = Vec::new();
    let mut differences = Vec::new();
    for (index, sandbox) in ours {
        let Some(step) = sc.steps.get(index) else {
            continue;
        };
        let Some((_, got)) = played.steps.iter().find(|(i, _)| *i == index) else {
            // The server's play stopped before this command.
            break;
        };
        let mut theirs: BTreeMap<usize, Heard> = BTreeMap::new();
        for (n, r) in got {
            let h = theirs.entry(*n).or_default();
            match r {
                Resp::Closed => h.closed = true,
                Resp::Line(t) => h.lines.push(t.clone()),
            }
        }
        let command = step.display.join(" ");
        for d in step_differences(&step.send, &sandbox, &theirs) {
            differences.push(format!(
                "line {}: C{} {command}: {d}",
                step.line_no, step.client
            ));
        }
        steps.push(StepPair {
            line_no: step.line_no,
            client: step.client,
            command,
            server: theirs,
            sandbox,
        });
    }
    if let Some(why) = &played.stopped {
        differences.push(why.clone());
    }
    let outcome = if differences.is_empty() {
        Outcome::Matched
    } else {
        Outcome::Differed(differences)
    };
    (outcome, steps)
}

/// A point's verdict from its evidence: the values every scenario that could check them
/// confirmed (at least one did).
fn verdict(mine: &[&Evidence]) -> Verdict {
    if mine.is_empty() {
        return Verdict::Untested("no scenario varies it".to_string());
    }
    let mut values: Vec<String> = Vec::new();
    for e in mine {
        if !values.contains(&e.value) {
            values.push(e.value.clone());
        }
    }
    let matched: Vec<String> = values
        .iter()
        .filter(|v| {
            let of_v: Vec<&&Evidence> = mine.iter().filter(|e| e.value == **v).collect();
            of_v.iter().any(|e| e.outcome == Outcome::Matched)
                && of_v
                    .iter()
                    .all(|e| !matches!(e.outcome, Outcome::Differed(_)))
        })
        .cloned()
        .collect();
    if !matched.is_empty() {
        return Verdict::Match(matched);
    }
    // No value matched. If some value could not be checked by any scenario, the server may
    // well have it: untested, with why; otherwise none.
    let unchecked: Vec<&String> = values
        .iter()
        .filter(|v| {
            mine.iter()
                .filter(|e| e.value == **v)
                .all(|e| matches!(e.outcome, Outcome::Untestable(_)))
        })
        .collect();
    if unchecked.is_empty() {
        return Verdict::None;
    }
    let mut reasons: Vec<String> = Vec::new();
    for e in mine.iter().filter(|e| unchecked.contains(&&e.value)) {
        if let Outcome::Untestable(why) = &e.outcome {
            let why = if unchecked.len() == values.len() {
                why.clone()
            } else {
                format!("{}: {why}", e.value)
            };
            if !reasons.contains(&why) {
                reasons.push(why);
            }
        }
    }
    Verdict::Untested(reasons.join("; "))
}

impl Verdict {
    /// `allow`, `none`, `untested`; several values joined with `|`.
    pub fn label(&self) -> String {
        match self {
            Verdict::Match(values) => values.join("|"),
            Verdict::None => "none".to_string(),
            Verdict::Untested(_) => "untested".to_string(),
        }
    }
}

impl Report {
    /// One row per decision point; under `none`, the lines that differed for each value.
    pub fn render(&self) -> String {
        let mut out = format!(
            "# {} — {}\n# scratch mailbox {} (deleted)\n",
            self.server, self.greeting, self.scratch
        );
        let width = self.rows.iter().map(|r| r.point.len()).max().unwrap_or(0);
        for row in &self.rows {
            out.push_str(&format!("{:<width$}  {}\n", row.point, row.verdict.label()));
            match &row.verdict {
                Verdict::Match(_) => {}
                Verdict::Untested(why) => out.push_str(&format!("{:<width$}    {why}\n", "")),
                Verdict::None => {
                    for e in &row.evidence {
                        match &e.outcome {
                            Outcome::Differed(lines) => {
                                out.push_str(&format!(
                                    "{:<width$}    {} [{}]:\n",
                                    "", e.scenario, e.value
                                ));
                                for l in lines.iter().take(3) {
                                    out.push_str(&format!("{:<width$}      {l}\n", ""));
                                }
                                if lines.len() > 3 {
                                    out.push_str(&format!(
                                        "{:<width$}      ... {} more\n",
                                        "",
                                        lines.len() - 3
                                    ));
                                }
                            }
                            Outcome::Untestable(why) => out.push_str(&format!(
                                "{:<width$}    {} [{}]: untested: {why}\n",
                                "", e.scenario, e.value
                            )),
                            Outcome::Matched => {}
                        }
                    }
                }
            }
        }
        out
    }

    /// The report as one JSON object:
    /// `{"server", "greeting", "capabilities", "scratch", "rows": [{"point", "result",
    /// "values", "reason", "evidence": [{"scenario", "value", "outcome", "lines", "reason"}]}]}`
    /// where `result` is `match`, `none` or `untested`.
    pub fn to_json(&self) -> String {
        let strings = |v: &[String]| {
            let items: Vec<String> = v.iter().map(|s| json_string(s)).collect();
            format!("[{}]", items.join(","))
        };
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|row| {
                let (result, values, reason) = match &row.verdict {
                    Verdict::Match(v) => ("match", v.clone(), None),
                    Verdict::None => ("none", Vec::new(), None),
                    Verdict::Untested(why) => ("untested", Vec::new(), Some(why.clone())),
                };
                let evidence: Vec<String> = row
                    .evidence
                    .iter()
                    .map(|e| {
                        let (outcome, lines, reason) = match &e.outcome {
                            Outcome::Matched => ("matched", Vec::new(), None),
                            Outcome::Differed(l) => ("differed", l.clone(), None),
                            Outcome::Untestable(w) => ("untestable", Vec::new(), Some(w.clone())),
                        };
                        format!(
                            "{{\"scenario\":{},\"value\":{},\"outcome\":{},\"lines\":{},\"reason\":{}}}",
                            json_string(&e.scenario),
                            json_string(&e.value),
                            json_string(outcome),
                            strings(&lines),
                            reason.map_or("null".to_string(), |r| json_string(&r))
                        )
                    })
                    .collect();
                format!(
                    "{{\"point\":{},\"result\":{},\"values\":{},\"reason\":{},\"evidence\":[{}]}}",
                    json_string(&row.point),
                    json_string(result),
                    strings(&values),
                    reason.map_or("null".to_string(), |r| json_string(&r)),
                    evidence.join(",")
                )
            })
            .collect();
        format!(
            "{{\"server\":{},\"greeting\":{},\"capabilities\":{},\"scratch\":{},\"rows\":[{}]}}",
            json_string(&self.server),
            json_string(&self.greeting),
            strings(&self.capabilities),
            json_string(&self.scratch),
            rows.join(",")
        )
    }
}

/// A JSON string literal (RFC 8259 §7).
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_arguments_go_into_the_scratch_mailbox() {
        let names = Names {
            root: "INBOX.probe".to_string(),
            sep: '.',
        };
        let m = map_command("A001 RENAME FOO BAR\r\n", &names, ("u", "p")).unwrap();
        assert_eq!(m.send, "A001 RENAME INBOX.probe.FOO INBOX.probe.BAR\r\n");
        assert_eq!(m.mailboxes, ["FOO", "BAR"]);
        let m = map_command("A001 UID COPY 1:2 FRED\r\n", &names, ("u", "p")).unwrap();
        assert_eq!(m.send, "A001 UID COPY 1:2 INBOX.probe.FRED\r\n");
        let m = map_command("A002 LIST \"\" %\r\n", &names, ("u", "p")).unwrap();
        assert_eq!(m.send, "A002 LIST \"\" \"INBOX.probe.%\"\r\n");
        assert!(m.wildcard);
        let m = map_command("C1 LOGIN alice alice\r\n", &names, ("me", "x\"y")).unwrap();
        assert_eq!(m.send, "C1 LOGIN \"me\" \"x\\\"y\"\r\n");
        let m = map_command("B2 APPEND FOO {4}\r\nab\r\n\r\n", &names, ("u", "p")).unwrap();
        assert_eq!(m.send, "B2 APPEND INBOX.probe.FOO {4}\r\nab\r\n\r\n");
        assert!(map_command("A1 SETACL FOO bob lr\r\n", &names, ("u", "p")).is_err());
        assert!(map_command("A1 LIST \"Archive\" %\r\n", &names, ("u", "p")).is_err());
        assert_eq!(
            names.unmap("* LIST (\\HasNoChildren) \".\" INBOX.probe.Archive.2024"),
            "* LIST (\\HasNoChildren) \"/\" Archive/2024"
        );
        assert_eq!(
            names.unmap("B1 NO [NEWNAME INBOX.probe.FOO INBOX.probe.BAR] gone"),
            "B1 NO [NEWNAME FOO BAR] gone"
        );
        assert_eq!(
            names.unmap("* STATUS \"INBOX.probe.FOO\" (MESSAGES 7)"),
            "* STATUS FOO (MESSAGES 7)"
        );
    }

    #[test]
    fn notify_filter_mailboxes_go_into_the_scratch_mailbox() {
        let names = Names {
            root: "INBOX.probe".to_string(),
            sep: '.',
        };
        let m = map_command(
            "b NOTIFY SET STATUS (SELECTED (MessageNew (UID BODY.PEEK[HEADER.FIELDS (From To Subject)]) MessageExpunge)) (SUBTREE Archive (MessageNew MessageExpunge))\r\n",
            &names,
            ("u", "p"),
        )
        .unwrap();
        assert_eq!(
            m.send,
            "b NOTIFY SET STATUS (SELECTED (MessageNew (UID BODY.PEEK[HEADER.FIELDS (From To Subject)]) MessageExpunge)) (SUBTREE INBOX.probe.Archive (MessageNew MessageExpunge))\r\n"
        );
        assert_eq!(m.mailboxes, ["Archive"]);
        assert_eq!(m.subtrees, ["Archive"]);
        assert_eq!(m.capability, Some("NOTIFY"));
        let m = map_command(
            "a notify set (mailboxes (FOO \"Archive/2024\") (MessageNew MessageExpunge)) (Subtree FRED NONE) (selected-delayed (FlagChange))\r\n",
            &names,
            ("u", "p"),
        )
        .unwrap();
        assert_eq!(
            m.send,
            "a notify set (mailboxes (INBOX.probe.FOO INBOX.probe.Archive.2024) (MessageNew MessageExpunge)) (Subtree INBOX.probe.FRED NONE) (selected-delayed (FlagChange))\r\n"
        );
        assert_eq!(m.mailboxes, ["FOO", "Archive/2024", "FRED"]);
        assert_eq!(m.subtrees, ["FRED"]);
        let m = map_command("x NOTIFY NONE\r\n", &names, ("u", "p")).unwrap();
        assert_eq!(m.send, "x NOTIFY NONE\r\n");
        assert!(m.mailboxes.is_empty());
    }

    #[test]
    fn a_notify_covering_mailboxes_outside_the_scratch_mailbox_is_not_sent() {
        let names = Names {
            root: "probe".to_string(),
            sep: '/',
        };
        for line in [
            "a NOTIFY SET (PERSONAL (MailboxName SubscriptionChange))",
            "a NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (INBOXES (MessageNew MessageExpunge))",
            "a NOTIFY SET STATUS (SUBSCRIBED (MessageNew MessageExpunge))",
            "a NOTIFY SET (EVERYWHERE (MessageNew MessageExpunge))",
            "a NOTIFY SET (MAILBOXES {3}",
            "a NOTIFY SET (SUBTREE (MailboxName))",
            "a NOTIFY SET",
            "a NOTIFY SOMETIMES",
            "a NOTIFY SET (SELECTED (MessageNew)",
        ] {
            let why = map_command(&format!("{line}\r\n"), &names, ("u", "p"));
            assert!(why.is_err(), "{line} would be sent as {:?}", why.map(|m| m.send));
        }
        let why = map_command(
            "a NOTIFY SET (PERSONAL (MessageNew MessageExpunge))\r\n",
            &names,
            ("u", "p"),
        )
        .err()
        .unwrap();
        assert!(why.contains("outside the scratch mailbox"), "{why}");
    }

    #[test]
    fn responses_are_framed_with_their_literals() {
        assert_eq!(frame_len(b"* OK hi\r\n* 1"), Some(9));
        assert_eq!(frame_len(b"* 1 FETCH (RFC822 {3}\r\nab"), None);
        assert_eq!(
            frame_len(b"* 1 FETCH (RFC822 {4}\r\na\r\nb)\r\nx"),
            Some(30)
        );
        assert_eq!(
            chunks("a APPEND F {5}\r\nh{1}\r\n\r\n"),
            ["a APPEND F {5}\r\n", "h{1}\r\n\r\n"]
        );
        assert_eq!(
            chunks("a APPEND F {2+}\r\nhi\r\n"),
            ["a APPEND F {2+}\r\nhi\r\n"]
        );
    }

    #[test]
    fn a_variant_needing_a_capability_the_server_lacks_is_found() {
        let sc = Scenario::parse(
            "# vary: copy-expunged = allow refuse\n\
             C1: a MOVE 1 FRED\nS1: a OK ...\n\
             C1: b COPY 1 FRED\n[allow] S1: b OK [COPYUID ... 1 1] done\n[refuse] S1: b NO x\n",
        )
        .unwrap();
        let caps = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = caps(&["IMAP4rev1", "MOVE", "UIDPLUS"]);
        assert_eq!(missing_capability(&sc, "allow", &all), None);
        let no_move = caps(&["IMAP4rev1", "UIDPLUS"]);
        assert_eq!(
            missing_capability(&sc, "refuse", &no_move).as_deref(),
            Some("MOVE")
        );
        let no_uidplus = caps(&["IMAP4rev1", "move"]);
        assert_eq!(
            missing_capability(&sc, "allow", &no_uidplus).as_deref(),
            Some("UIDPLUS")
        );
        assert_eq!(missing_capability(&sc, "refuse", &no_uidplus), None);
        let sorts = Scenario::parse(
            "# vary: context-update = with-responses immediate\n\
             C1: a SORT RETURN (ALL) (DATE) UTF-8 ALL\nS1: a OK ...\n\
             [immediate] C1: b UID SORT RETURN (UPDATE) (DATE) UTF-8 ALL\n[immediate] S1: b OK x\n",
        )
        .unwrap();
        let esort = caps(&["IMAP4rev1", "SORT", "ESORT"]);
        assert_eq!(missing_capability(&sorts, "with-responses", &esort), None);
        assert_eq!(
            missing_capability(&sorts, "immediate", &esort).as_deref(),
            Some("CONTEXT=SORT")
        );
        assert_eq!(
            missing_capability(&sorts, "with-responses", &caps(&["IMAP4rev1", "SORT"])).as_deref(),
            Some("ESORT")
        );
    }

    #[test]
    fn a_server_that_never_stops_sending_is_cut_off() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let _ = s.write_all(b"* OK hi\r\n");
            while s.write_all(b"* OK more\r\n").is_ok() {}
        });
        let mut args = ProbeArgs::new(&addr, "u", "p");
        args.timeout = Duration::from_millis(200);
        let cancel = AtomicBool::new(false);
        let mut conn = Conn::open(&args, &cancel).unwrap();
        let start = Instant::now();
        let answer = conn.send_command("a", "a NOOP\r\n", args.timeout, &cancel);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert!(answer.tagged.is_none());
        let why = answer.trouble.unwrap();
        assert!(
            why.starts_with("no answer to \"a NOOP\" within 0.2 s") || why.contains("more than"),
            "{why}"
        );
        let start = Instant::now();
        let drained = conn.drain(Instant::now(), &cancel).unwrap();
        assert!(!drained.is_empty());
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
