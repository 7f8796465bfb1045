//! Executable transcripts in RFC notation: the format shared by `scenarios/*.imap`, the tests,
//! `imap-sandbox play` and the page.
//!
//! ```text
//! # title: DELETE of a mailbox another client has selected
//! # rfc: RFC 2180 §3
//! # explain: Client 2 has FOO selected when client 1 deletes it. What happens next is
//! # explain: the server's choice.
//! # policy: select-shared=allow
//! # vary: delete-selected = refuse ghost bye
//! # setup: C1 LOGIN alice alice
//! # setup: C2 LOGIN bob bob
//! # setup: C2 SELECT FOO
//!
//! C1: A001 DELETE FOO
//! [refuse] S1: A001 NO [INUSE] Mailbox FOO is in use by another user.
//! # cite: delete-selected=refuse RFC 2180 §3.1
//! [ghost] S1: A001 OK Mailbox FOO is deleted.
//! # cite: delete-selected=ghost RFC 2180 §3.2
//! [bye] S1: A001 OK DELETE completed
//! # cite: delete-selected=bye RFC 2180 §3.3
//! [bye] S2: * BYE Mailbox FOO has been deleted.
//! # cite: delete-selected=bye RFC 2180 §3.3
//! ```
//!
//! - `Cn: line` is sent by client n (1 to 3); `Cn: (disconnect)` cuts its connection without a
//!   word, as a crashed client or a lost network would. After a line ending in a literal `{N}` or `{N+}`,
//!   the following `Cn:` lines are the literal's content, each counted with its CRLF, until N
//!   octets; the next `Cn:` line then continues the command (an empty `Cn:` ends it).
//! - `Sn: pattern` must match the next response client n receives, in order. `...` matches any
//!   text (also across the lines of a literal). `Sn!: pattern` says no response to client n
//!   caused by the step may match. `Sn: (closed)` matches the server closing the connection.
//! - Every response must be matched by the step (the `Cn:` line and the `S` lines after it)
//!   that caused it, except continuation requests (`+ ...`) and closes, which may be left out.
//! - `[value]` before a line keeps it to the variant where the varied decision point has that
//!   value. `# vary: POINT = V1 V2 ...` runs the scenario once per value.
//! - `# cite: POINT=VALUE PARAGRAPH` under an `Sn:` line says which policy decided the form of the
//!   response that line matches: the response's citation must name that decision point, that
//!   value and exactly that paragraph (`RFC 2180 §4.2.1`, as `imap-sandbox policies` prints
//!   it), or the run fails; so does a response that carries no citation. `# cite: POINT
//!   PARAGRAPH`, without the value, is for a paragraph that applies under every value. A line
//!   naming a value of the varied point is kept to that value's variant, so one `Sn:` line
//!   shared by the variants may have one `# cite:` per value; at most one applies in each.
//!   A scenario with any `# cite:` line must name them all: a response that carries a citation
//!   no `# cite:` line names fails the run too.
//! - `# setup: Cn COMMAND` runs a command before the transcript (tagged automatically; it must
//!   answer OK; its responses are not shown). `# policy: NAME=VALUE` sets a policy for every
//!   variant. `# title:`, `# rfc:` and `# explain:` are for people; `# title[VALUE]:` and
//!   `# explain[VALUE]:` (after `# vary:`) replace them while the VALUE variant is shown.
//!   `# value[VALUE]:` says what the value itself does, a sentence of what the server does and
//!   one of what a client must do about it: the page's badges show it (else `explain[VALUE]`)
//!   without it replacing the scenario's own story.
//! - [`Draft::write`] writes a session typed by hand in this notation (the page's "Export as
//!   scenario").

use serde::Serialize;

#[cfg(feature = "response-check")]
use crate::protocol::parse::parse_response;
use crate::quoted::Quoted;
use crate::server::{Citation, ClientId, Output, OutputKind, Policies, Server, World};

/// A parsed scenario.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Scenario {
    pub title: String,
    pub rfc: String,
    pub explain: String,
    /// Title and explanation of single variants (`# title[VALUE]:`, `# explain[VALUE]:`), shown
    /// instead of `title` and `explain` while that variant is shown.
    pub variant_text: Vec<VariantText>,
    /// Policies every variant starts from.
    pub policies: Vec<(String, String)>,
    /// The decision point varied, and its values; `None` when nothing varies.
    pub vary: Option<(String, Vec<String>)>,
    pub setup: Vec<(usize, String)>,
    pub steps: Vec<Step>,
}

/// What a scenario says of one of its variants (see [`Scenario::variant_text`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct VariantText {
    pub variant: String,
    /// Empty when only the explanation is given.
    pub title: String,
    pub explain: String,
    /// What the value does (`# value[VALUE]:`), for the page's badges; empty when not given.
    pub value: String,
}

/// One client line and the expectations that follow it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Step {
    /// Line number in the file, for messages.
    pub line_no: usize,
    pub client: usize,
    /// The octets sent, CRLF included (a literal's content is part of the step that announced
    /// it).
    pub send: String,
    /// As written, for display.
    pub display: Vec<String>,
    pub only: Option<String>,
    pub expect: Vec<Expect>,
}

/// One `S` line.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Expect {
    pub line_no: usize,
    pub client: usize,
    pub pattern: String,
    pub absent: bool,
    pub only: Option<String>,
    /// The `# cite:` lines under it.
    pub cites: Vec<Cite>,
}

/// A `# cite: POINT[=VALUE] PARAGRAPH` line: the citation the response matched by the `S` line
/// above it must carry (see [`crate::server::Citation`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Cite {
    pub line_no: usize,
    /// The decision point, as `imap-sandbox policies` names it.
    pub point: String,
    /// The value in force; `None` when the paragraph applies under every value. When the point
    /// is the varied one, the line applies only to that value's variant.
    pub value: Option<String>,
    /// The paragraph, exactly as the citation names it: `RFC 2180 §4.2.1`.
    pub rfc: String,
}

impl Cite {
    /// Reads the text after `# cite:`.
    fn parse(text: &str, line_no: usize) -> Result<Cite, SyntaxError> {
        let err = |message: String| SyntaxError { line_no, message };
        let (head, rfc) = text.split_once(char::is_whitespace).ok_or_else(|| {
            err(format!(
                "expected `# cite: POINT[=VALUE] PARAGRAPH`, got {text}",
                text = Quoted(text)
            ))
        })?;
        let (point, value) = match head.split_once('=') {
            Some((p, v)) => (p, Some(v)),
            None => (head, None),
        };
        let mut check = Policies::default();
        if check.get(point).is_none() {
            // Said without the command line: the page reads scenarios too (issue 11 §4).
            let points: Vec<&str> = check.table().iter().map(|row| row.point).collect();
            return Err(err(format!(
                "unknown decision point {point} in # cite:; one of: {}",
                points.join(", "),
                point = Quoted(point)
            )));
        }
        if let Some(v) = value {
            check.set(point, v).map_err(|e| err(e.0))?;
        }
        Ok(Cite {
            line_no,
            point: point.to_string(),
            value: value.map(str::to_string),
            rfc: rfc.trim().to_string(),
        })
    }

    /// The variant this line is kept to: the value it names for the varied point, if it does.
    fn variant<'a>(&'a self, vary: &Option<(String, Vec<String>)>) -> Option<&'a str> {
        match (vary, &self.value) {
            (Some((point, _)), Some(v)) if *point == self.point => Some(v),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match &self.value {
            Some(v) => format!("{}={} {}", self.point, v, self.rfc),
            None => format!("{} {}", self.point, self.rfc),
        }
    }

    /// Why `citation` is not what this line asks for, if it is not.
    fn mismatch(&self, citation: Option<&Citation>) -> Option<String> {
        let Some(c) = citation else {
            return Some("none".to_string());
        };
        let same = c.point == self.point
            && self.value.as_deref().is_none_or(|v| v == c.value)
            && c.rfc == self.rfc;
        (!same).then(|| format!("{}={} {}", c.point, c.value, c.rfc))
    }
}

/// A scenario file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line_no: usize,
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line_no, self.message)
    }
}

/// The scenario library (`scenarios/*.imap`), embedded at build time by `build.rs` so the page
/// and the browser tests have it without a file system: `(file name, text)`, sorted by name.
pub const LIBRARY: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

/// `all[start..end]`, in a constant: the page's build stores its library's texts in one string
/// (build.rs, `page_library`) and each entry slices its own out. The bounds come from build.rs,
/// on character boundaries; were they not, the text would be empty rather than a build failure.
#[doc(hidden)]
pub const fn library_text(all: &'static str, start: usize, end: usize) -> &'static str {
    let (head, _) = all.as_bytes().split_at(end);
    let (_, text) = head.split_at(start);
    match std::str::from_utf8(text) {
        Ok(text) => text,
        Err(_) => "",
    }
}

const MAX_CLIENTS: usize = 3;

/// A client line that severs the connection instead of sending anything: `Cn: (disconnect)`.
const DISCONNECT: &str = "(disconnect)\r\n";

fn client_number(s: &str, line_no: usize) -> Result<usize, SyntaxError> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_CLIENTS).contains(&n) => Ok(n),
        _ => Err(SyntaxError {
            line_no,
            message: format!(
                "client number must be 1 to {MAX_CLIENTS}, got {}",
                Quoted(s)
            ),
        }),
    }
}

/// The size of a literal announced at the end of a line: `{N}` or `{N+}`.
fn trailing_literal(line: &str) -> Option<usize> {
    let inner = line.strip_suffix('}')?;
    let open = inner.rfind('{')?;
    let digits = inner.get(open + 1..)?;
    let digits = digits.strip_suffix('+').unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether `cite` may be added to `expect`'s `# cite:` lines: it must be able to apply, and no
/// variant may be left with two of them.
fn check_cite(
    cite: &Cite,
    expect: &Expect,
    vary: &Option<(String, Vec<String>)>,
) -> Result<(), String> {
    if expect.absent {
        return Err("# cite: cannot follow an Sn!: line, which matches nothing".to_string());
    }
    let kept_to = cite.variant(vary);
    if let (Some(v), Some((point, values))) = (kept_to, vary) {
        if !values.iter().any(|x| x == v) {
            return Err(format!("{point}={v} is not one of the `# vary:` values"));
        }
    }
    if let (Some(v), Some(only)) = (kept_to, &expect.only) {
        if v != only {
            return Err(format!(
                "# cite: for the {v} variant under a line kept to [{only}] never applies"
            ));
        }
    }
    let overlaps = expect
        .cites
        .iter()
        .any(|c| match (c.variant(vary), kept_to) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        });
    if overlaps {
        return Err("two # cite: lines for the same response in the same variant".to_string());
    }
    Ok(())
}

impl Scenario {
    /// Reads a scenario file.
    pub fn parse(text: &str) -> Result<Scenario, SyntaxError> {
        let mut sc = Scenario {
            title: String::new(),
            rfc: String::new(),
            explain: String::new(),
            variant_text: Vec::new(),
            policies: Vec::new(),
            vary: None,
            setup: Vec::new(),
            steps: Vec::new(),
        };
        // A literal being read: (client, octets still expected).
        let mut literal: Option<(usize, usize)> = None;
        // Whether a `# cite:` here would belong to the last `S` line: no `C` line since.
        let mut after_expect = false;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let err = |message: String| SyntaxError { line_no, message };
            if let Some(rest) = raw.strip_prefix('#') {
                let rest = rest.trim();
                let Some((key, value)) = rest.split_once(':') else {
                    continue; // a comment
                };
                let value = value.trim();
                match key.trim() {
                    "title" => sc.title = value.to_string(),
                    k if k.ends_with(']')
                        && (k.starts_with("title[")
                            || k.starts_with("explain[")
                            || k.starts_with("value[")) =>
                    {
                        let (what, v) = k.trim_end_matches(']').split_once('[').unwrap_or_default();
                        let v = v.trim();
                        if !sc
                            .vary
                            .as_ref()
                            .is_some_and(|(_, vs)| vs.iter().any(|x| x == v))
                        {
                            return Err(err(format!(
                                "# {what}[{v}]: {v} is not one of the `# vary:` values (above)"
                            )));
                        }
                        let at = match sc.variant_text.iter().position(|t| t.variant == v) {
                            Some(at) => at,
                            None => {
                                sc.variant_text.push(VariantText {
                                    variant: v.to_string(),
                                    title: String::new(),
                                    explain: String::new(),
                                    value: String::new(),
                                });
                                sc.variant_text.len() - 1
                            }
                        };
                        if let Some(t) = sc.variant_text.get_mut(at) {
                            let text = match what {
                                "title" => {
                                    t.title = value.to_string();
                                    None
                                }
                                "value" => Some(&mut t.value),
                                _ => Some(&mut t.explain),
                            };
                            if let Some(text) = text {
                                if !text.is_empty() {
                                    text.push(' ');
                                }
                                text.push_str(value);
                            }
                        }
                    }
                    "rfc" => sc.rfc = value.to_string(),
                    "explain" => {
                        if !sc.explain.is_empty() {
                            sc.explain.push(' ');
                        }
                        sc.explain.push_str(value);
                    }
                    "policy" => {
                        let (k, v) = value.split_once('=').ok_or_else(|| {
                            err(format!("expected NAME=VALUE, got {}", Quoted(value)))
                        })?;
                        Policies::default()
                            .set(k.trim(), v.trim())
                            .map_err(|e| err(e.0))?;
                        sc.policies
                            .push((k.trim().to_string(), v.trim().to_string()));
                    }
                    "vary" => {
                        let (k, vs) = value.split_once('=').ok_or_else(|| {
                            err(format!("expected POINT = V1 V2, got {}", Quoted(value)))
                        })?;
                        let values: Vec<String> =
                            vs.split_whitespace().map(str::to_string).collect();
                        for v in &values {
                            Policies::default().set(k.trim(), v).map_err(|e| err(e.0))?;
                        }
                        sc.vary = Some((k.trim().to_string(), values));
                    }
                    "setup" => {
                        let (who, cmd) = value
                            .split_once(' ')
                            .ok_or_else(|| err("expected `Cn COMMAND`".to_string()))?;
                        let n = who
                            .strip_prefix('C')
                            .ok_or_else(|| err(format!("expected Cn, got {}", Quoted(who))))?;
                        sc.setup
                            .push((client_number(n, line_no)?, cmd.trim().to_string()));
                    }
                    "cite" => {
                        let cite = Cite::parse(value, line_no)?;
                        let expect = sc
                            .steps
                            .last_mut()
                            .and_then(|step| step.expect.last_mut())
                            .filter(|_| after_expect)
                            .ok_or_else(|| err("# cite: must follow an Sn: line".to_string()))?;
                        check_cite(&cite, expect, &sc.vary).map_err(err)?;
                        expect.cites.push(cite);
                    }
                    _ => {} // a comment that happens to contain a colon
                }
                continue;
            }
            let trimmed = raw.trim_end_matches('\r');
            if trimmed.trim().is_empty() && literal.is_none() {
                continue;
            }
            // `[value] Cn: ...`
            let (only, body) = match trimmed.trim_start().strip_prefix('[') {
                Some(rest) => {
                    let (v, after) = rest
                        .split_once(']')
                        .ok_or_else(|| err("unclosed [variant]".to_string()))?;
                    (Some(v.trim().to_string()), after.trim_start())
                }
                None => (None, trimmed.trim_start()),
            };
            if let Some(v) = &only {
                let known = sc.vary.as_ref().is_some_and(|(_, vs)| vs.contains(v));
                if !known {
                    return Err(err(format!("[{v}] is not one of the `# vary:` values")));
                }
            }
            let (tag, content) = body.split_once(':').ok_or_else(|| {
                err(format!(
                    "expected `Cn: ...` or `Sn: ...`, got {}",
                    Quoted(body)
                ))
            })?;
            // One space after the colon belongs to the notation, the rest to the line.
            let content = content.strip_prefix(' ').unwrap_or(content);
            if let Some(n) = tag.strip_prefix('C') {
                let client = client_number(n, line_no)?;
                if let Some((lit_client, remaining)) = literal {
                    if lit_client != client {
                        return Err(err(format!(
                            "C{lit_client} has a literal of {remaining} more octets to send"
                        )));
                    }
                    let Some(step) = sc.steps.last_mut() else {
                        return Err(err("literal without a command".to_string()));
                    };
                    step.display.push(content.to_string());
                    if remaining == 0 {
                        step.send.push_str(content);
                        step.send.push_str("\r\n");
                        literal = trailing_literal(content).map(|n| (client, n));
                        continue;
                    }
                    let chunk = content.len() + 2;
                    if chunk > remaining {
                        return Err(err(format!(
                            "literal overruns: {remaining} octets left, this line is {chunk} with CRLF"
                        )));
                    }
                    step.send.push_str(content);
                    step.send.push_str("\r\n");
                    literal = Some((client, remaining - chunk));
                    continue;
                }
                literal = trailing_literal(content).map(|n| (client, n));
                after_expect = false;
                sc.steps.push(Step {
                    line_no,
                    client,
                    send: format!("{content}\r\n"),
                    display: vec![content.to_string()],
                    only,
                    expect: Vec::new(),
                });
            } else if let Some(n) = tag.strip_prefix('S') {
                if let Some((c, remaining)) = literal {
                    return Err(err(format!(
                        "C{c} has not finished its literal ({remaining} octets left)"
                    )));
                }
                let (n, absent) = match n.strip_suffix('!') {
                    Some(n) => (n, true),
                    None => (n, false),
                };
                let client = client_number(n, line_no)?;
                let Some(step) = sc.steps.last_mut() else {
                    return Err(err("an S line before any C line".to_string()));
                };
                step.expect.push(Expect {
                    line_no,
                    client,
                    pattern: content.to_string(),
                    absent,
                    only,
                    cites: Vec::new(),
                });
                after_expect = true;
            } else {
                return Err(err(format!("expected Cn: or Sn:, got {}", Quoted(tag))));
            }
        }
        if let Some((c, remaining)) = literal {
            if remaining > 0 {
                return Err(SyntaxError {
                    line_no: text.lines().count(),
                    message: format!("C{c}'s literal is {remaining} octets short"),
                });
            }
        }
        Ok(sc)
    }

    /// The variants to run: the varied value, or `None` when nothing varies.
    pub fn variants(&self) -> Vec<Option<String>> {
        match &self.vary {
            Some((_, values)) => values.iter().cloned().map(Some).collect(),
            None => vec![None],
        }
    }

    /// The policies of one variant, with `overrides` (`NAME=VALUE`) applied last.
    pub fn policies_for(
        &self,
        variant: Option<&str>,
        overrides: &[String],
    ) -> Result<Policies, String> {
        let mut p = Policies::default();
        for (k, v) in &self.policies {
            p.set(k, v).map_err(|e| e.0)?;
        }
        if let (Some((point, _)), Some(v)) = (&self.vary, variant) {
            p.set(point, v).map_err(|e| e.0)?;
        }
        for o in overrides {
            p.set_assignment(o).map_err(|e| e.0)?;
        }
        Ok(p)
    }

    /// Runs one variant on a fresh default world.
    pub fn run(&self, variant: Option<&str>, overrides: &[String]) -> Run {
        let mut run = Run {
            variant: variant.map(str::to_string),
            transcript: Vec::new(),
            failures: Vec::new(),
        };
        let mut server = match self.policies_for(variant, overrides) {
            Ok(p) => fresh_server(p),
            Err(e) => {
                run.failures.push(Failure {
                    line_no: 0,
                    message: e,
                });
                return run;
            }
        };
        let mut player = match Player::start(self, variant, &mut server) {
            Ok(player) => player,
            Err(failure) => {
                run.failures.push(failure);
                return run;
            }
        };
        for g in &player.greetings {
            run.transcript.push(TranscriptLine {
                who: format!("S{}", g.client),
                text: text_of(&g.output),
                line_no: None,
                citation: None,
                failed: false,
            });
        }
        while let Some(outcome) = player.step(self, &mut server) {
            let Some(step) = self.steps.get(outcome.index) else {
                break;
            };
            for (k, line) in step.display.iter().enumerate() {
                run.transcript.push(TranscriptLine {
                    who: format!("C{}", step.client),
                    text: line.clone(),
                    line_no: (k == 0).then_some(step.line_no),
                    citation: None,
                    failed: false,
                });
            }
            for r in &outcome.received {
                run.transcript.push(TranscriptLine {
                    who: format!("S{}", r.client),
                    text: text_of(&r.output),
                    line_no: None,
                    citation: r
                        .output
                        .citation
                        .as_ref()
                        .map(|c| format!("{}={} ({})", c.point, c.value, c.rfc)),
                    failed: r.failed,
                });
            }
            run.failures.extend(outcome.failures);
        }
        run
    }
}

/// A server over the default world with a fixed clock, as scenarios run on: transcripts must not
/// depend on when they run.
pub fn fresh_server(policies: Policies) -> Server {
    let mut server = Server::new(World::default_world(), policies);
    server.set_clock(Box::new(|| crate::server::world::SANDBOX_EPOCH));
    server
}

/// Plays one variant of a scenario a step at a time on a server the caller owns: the runner
/// behind [`Scenario::run`], and how the page types each step into its panes and leaves the
/// server for the learner to carry on with.
#[derive(Debug, Clone)]
pub struct Player {
    variant: Option<String>,
    /// The connection of each scenario client (C1 to C3), made at its first use.
    clients: [Option<ClientId>; MAX_CLIENTS],
    /// The index in `steps` of the next step to consider.
    next: usize,
    /// The greetings of the clients connected when the transcript starts.
    pub greetings: Vec<Received>,
}

/// What one step caused.
#[derive(Debug, Clone)]
pub struct StepOutcome {
    /// The step's index in [`Scenario::steps`].
    pub index: usize,
    /// Every response the step caused, in order.
    pub received: Vec<Received>,
    pub failures: Vec<Failure>,
}

/// One response caused by a step.
#[derive(Debug, Clone)]
pub struct Received {
    /// The scenario client (1 to 3) it went to.
    pub client: usize,
    pub output: Output,
    /// No expectation of the step accounts for it.
    pub failed: bool,
}

impl Player {
    /// Runs the scenario's setup commands on `server` (whose policies the caller has set, see
    /// [`Scenario::policies_for`]); their responses are not part of the transcript.
    pub fn start(
        sc: &Scenario,
        variant: Option<&str>,
        server: &mut Server,
    ) -> Result<Player, Failure> {
        let mut player = Player {
            variant: variant.map(str::to_string),
            clients: [None; MAX_CLIENTS],
            next: 0,
            greetings: Vec::new(),
        };
        for (i, (n, cmd)) in sc.setup.iter().enumerate() {
            let id = player.connect(server, *n);
            let _ = server.take_output();
            let tag = format!("setup{}", i + 1);
            server.receive(id, format!("{tag} {cmd}\r\n").as_bytes());
            let out = server.take_output();
            let ok = out.iter().any(|o| {
                o.client == id
                    && String::from_utf8_lossy(&o.bytes).starts_with(&format!("{tag} OK"))
            });
            if !ok {
                let got: Vec<String> = out.iter().filter(|o| o.client == id).map(text_of).collect();
                return Err(Failure {
                    line_no: 0,
                    message: format!("setup C{n} {cmd} did not answer OK: {}", got.join(" | ")),
                });
            }
        }
        // Clients the setup did not connect are connected now: their greetings need no
        // expectation (RFC examples never show them) and are kept in `greetings`.
        let used: Vec<usize> = sc
            .steps
            .iter()
            .filter(|s| applies(&s.only, variant))
            .map(|s| s.client)
            .collect();
        for n in used {
            if player.clients.get(n - 1).is_some_and(Option::is_none) {
                player.connect(server, n);
                for output in server.take_output() {
                    player.greetings.push(Received {
                        client: n,
                        output,
                        failed: false,
                    });
                }
            }
        }
        Ok(player)
    }

    /// The connection of each scenario client so far (C1 to C3).
    pub fn clients(&self) -> [Option<ClientId>; MAX_CLIENTS] {
        self.clients
    }

    /// Whether every step has been played.
    pub fn finished(&self, sc: &Scenario) -> bool {
        let variant = self.variant.as_deref();
        sc.steps
            .iter()
            .skip(self.next)
            .all(|s| !applies(&s.only, variant))
    }

    /// The connection of scenario client `n` (1 to MAX_CLIENTS, checked by the parser), made on
    /// first use.
    fn connect(&mut self, server: &mut Server, n: usize) -> ClientId {
        match self.clients.get_mut(n.wrapping_sub(1)) {
            Some(slot) => *slot.get_or_insert_with(|| server.connect()),
            None => server.connect(),
        }
    }

    /// Plays the next step of this variant and checks its expectations; `None` when done.
    pub fn step(&mut self, sc: &Scenario, server: &mut Server) -> Option<StepOutcome> {
        let variant = self.variant.clone();
        let variant = variant.as_deref();
        let (index, step) = sc
            .steps
            .iter()
            .enumerate()
            .skip(self.next)
            .find(|(_, s)| applies(&s.only, variant))?;
        self.next = index + 1;
        let mut failures = Vec::new();
        let annotated = sc
            .steps
            .iter()
            .any(|s| s.expect.iter().any(|e| !e.cites.is_empty()));
        let id = self.connect(server, step.client);
        if step.send == DISCONNECT {
            // RFC 2683 §3.1.2: the connection is severed without LOGOUT.
            server.disconnect(id);
        } else {
            server.receive(id, step.send.as_bytes());
        }
        let out = server.take_output();
        let mut received: Vec<(usize, Output, bool)> = out
            .into_iter()
            .filter_map(|o| {
                let n = self.clients.iter().position(|c| *c == Some(o.client))? + 1;
                Some((n, o, false))
            })
            .collect();
        for e in step.expect.iter().filter(|e| applies(&e.only, variant)) {
            if e.absent {
                if let Some((_, o, _)) = received
                    .iter()
                    .find(|(n, o, _)| *n == e.client && glob(&e.pattern, &text_of(o)))
                {
                    failures.push(Failure {
                        line_no: e.line_no,
                        message: format!(
                            "S{}! {} must not appear, but the server sent {}",
                            e.client,
                            Quoted(&e.pattern),
                            Quoted(&text_of(o))
                        ),
                    });
                }
                continue;
            }
            // The next unmatched response for this client, skipping optional ones.
            let mut matched = false;
            for (n, o, used) in received.iter_mut() {
                if *n != e.client || *used {
                    continue;
                }
                let text = text_of(o);
                if glob(&e.pattern, &text) {
                    // The `# cite:` line for this variant, if any: the reason the response
                    // carries must be the one the transcript names.
                    let cite = e
                        .cites
                        .iter()
                        .find(|c| c.variant(&sc.vary).is_none_or(|v| Some(v) == variant));
                    match (cite, &o.citation) {
                        // A scenario that names citations names them all.
                        (None, Some(got)) if annotated => failures.push(Failure {
                            line_no: e.line_no,
                            message: format!(
                                "S{} {} cites {}={} {}, which no # cite: line names",
                                e.client,
                                Quoted(&text),
                                got.point,
                                got.value,
                                got.rfc
                            ),
                        }),
                        (None, _) => {}
                        (Some(c), got) => {
                            if let Some(got) = c.mismatch(got.as_ref()) {
                                failures.push(Failure {
                                    line_no: c.line_no,
                                    message: format!(
                                        "S{} {} must cite {}\n      but it cites {}",
                                        e.client,
                                        Quoted(&text),
                                        c.describe(),
                                        got
                                    ),
                                });
                            }
                        }
                    }
                    *used = true;
                    matched = true;
                    break;
                }
                if optional(o) {
                    continue;
                }
                failures.push(Failure {
                    line_no: e.line_no,
                    message: format!(
                        "S{} expected {}\n      but got {}",
                        e.client,
                        Quoted(&e.pattern),
                        Quoted(&text)
                    ),
                });
                *used = true;
                matched = true;
                break;
            }
            if !matched {
                failures.push(Failure {
                    line_no: e.line_no,
                    message: format!(
                        "S{} expected {}\n      but the server sent nothing more",
                        e.client,
                        Quoted(&e.pattern)
                    ),
                });
            }
        }
        for (n, o, used) in &received {
            // Nothing invalid may be sent: every response must parse back (RFC 3501 §9). Not in
            // the page's build (feature `response-check`, see Cargo.toml).
            #[cfg(feature = "response-check")]
            if o.kind != OutputKind::Closed {
                match parse_response(&o.bytes) {
                    Ok((_, len)) if len == o.bytes.len() => {}
                    Ok((_, len)) => failures.push(Failure {
                        line_no: step.line_no,
                        message: format!(
                            "response to C{n} has {} octets after a complete response: {:?}",
                            o.bytes.len() - len,
                            text_of(o)
                        ),
                    }),
                    Err(e) => failures.push(Failure {
                        line_no: step.line_no,
                        message: format!(
                            "response to C{n} is not valid IMAP ({e:?}): {:?}",
                            text_of(o)
                        ),
                    }),
                }
            }
            let failed = !*used && !optional(o);
            if failed {
                failures.push(Failure {
                    line_no: step.line_no,
                    message: format!("unexpected response to C{n}: {}", Quoted(&text_of(o))),
                });
            }
        }
        let received = received
            .into_iter()
            .map(|(client, output, used)| Received {
                failed: !used && !optional(&output),
                client,
                output,
            })
            .collect();
        Some(StepOutcome {
            index,
            received,
            failures,
        })
    }
}

fn applies(only: &Option<String>, variant: Option<&str>) -> bool {
    match (only, variant) {
        (None, _) => true,
        (Some(v), Some(cur)) => v == cur,
        (Some(_), None) => false,
    }
}

/// Continuation requests and closes may be left out of a transcript.
fn optional(o: &Output) -> bool {
    matches!(o.kind, OutputKind::Continuation | OutputKind::Closed)
}

/// A response as the transcript shows it: the text without its final CRLF.
fn text_of(o: &Output) -> String {
    if o.kind == OutputKind::Closed {
        return "(closed)".to_string();
    }
    let t = String::from_utf8_lossy(&o.bytes);
    t.strip_suffix("\r\n").unwrap_or(&t).to_string()
}

/// `...` matches any run of characters (CRLF included); everything else is literal.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return pattern == text;
    };
    if parts.len() == 1 {
        return pattern == text;
    }
    if !text.starts_with(first) {
        return false;
    }
    let mut pos = first.len();
    let middle = parts.get(1..parts.len() - 1).unwrap_or_default();
    for mid in middle {
        match text.get(pos..).and_then(|rest| rest.find(mid)) {
            Some(at) => pos += at + mid.len(),
            None => return false,
        }
    }
    text.len() >= pos + last.len() && text.ends_with(last)
}

/// The outcome of one variant.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Run {
    pub variant: Option<String>,
    pub transcript: Vec<TranscriptLine>,
    pub failures: Vec<Failure>,
}

/// One line of the transcript as played.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct TranscriptLine {
    /// `C1`, `S2`, ...
    pub who: String,
    pub text: String,
    pub line_no: Option<usize>,
    pub citation: Option<String>,
    pub failed: bool,
}

/// An expectation that did not hold.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Failure {
    pub line_no: usize,
    pub message: String,
}

impl Run {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// The transcript in the scenario notation, with citations as comments.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for l in &self.transcript {
            let mark = if l.failed { "  <-- unexpected" } else { "" };
            for (k, piece) in l.text.split("\r\n").enumerate() {
                if k == 0 {
                    out.push_str(&format!("{}: {piece}", l.who));
                } else {
                    out.push_str(&format!("\n{}: {piece}", l.who));
                }
            }
            if let Some(c) = &l.citation {
                out.push_str(&format!("    # {c}"));
            }
            out.push_str(mark);
            out.push('\n');
        }
        out
    }
}

/// A session to be written as a scenario file: what was typed, and what every client received,
/// step by step (the page's "Export as scenario" replays a hand-typed session on a server with
/// the scenario clock and sends this).
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    pub rfc: String,
    pub explain: String,
    /// `# policy:` lines: the decision points that differ from the defaults.
    pub policies: Vec<(String, String)>,
    pub setup: Vec<(usize, String)>,
    pub steps: Vec<DraftStep>,
}

/// One step of a [`Draft`]: a client's line(s), or its disconnection.
#[derive(Debug, Clone)]
pub struct DraftStep {
    /// The scenario client (1 to 3).
    pub client: usize,
    /// The lines as typed: a command, then a literal's lines; `["(disconnect)"]` severs.
    pub display: Vec<String>,
    pub received: Vec<DraftLine>,
}

/// One response of a [`DraftStep`].
#[derive(Debug, Clone)]
pub struct DraftLine {
    /// The scenario client (1 to 3) it went to.
    pub client: usize,
    /// The response without its final CRLF (literals included), or `(closed)`.
    pub text: String,
    pub citation: Option<DraftCitation>,
}

/// The [`Citation`] a response carried.
#[derive(Debug, Clone)]
pub struct DraftCitation {
    pub point: String,
    pub value: String,
    pub rfc: String,
}

impl Draft {
    /// The scenario file, which [`Scenario::parse`] reads back into the same steps: every
    /// response becomes an `Sn:` line (a response with a literal is matched by its first and
    /// last line, `...` between), every citation a `# cite:` line. Fails when a line cannot be
    /// written in the notation (a line break in a field, a literal filled without its CRLF).
    pub fn write(&self) -> Result<String, String> {
        let one_line = |what: &str, text: &str| {
            if text.contains(['\r', '\n']) {
                Err(format!("{what} {} has a line break", Quoted(text)))
            } else {
                Ok(())
            }
        };
        let mut out = String::new();
        for (key, value) in [("title", &self.title), ("rfc", &self.rfc)] {
            one_line(key, value)?;
            if !value.is_empty() {
                out.push_str(&format!("# {key}: {value}\n"));
            }
        }
        for line in self.explain.lines().filter(|l| !l.trim().is_empty()) {
            out.push_str(&format!("# explain: {}\n", line.trim()));
        }
        for (point, value) in &self.policies {
            one_line("policy", value)?;
            out.push_str(&format!("# policy: {point}={value}\n"));
        }
        for (n, cmd) in &self.setup {
            one_line("setup", cmd)?;
            out.push_str(&format!("# setup: C{n} {cmd}\n"));
        }
        out.push('\n');
        for step in &self.steps {
            for line in &step.display {
                one_line("client line", line)?;
                out.push_str(&format!("C{}: {line}\n", step.client));
            }
            for r in &step.received {
                out.push_str(&format!("S{}: {}\n", r.client, pattern_of(&r.text)));
                if let Some(c) = &r.citation {
                    out.push_str(&format!("# cite: {}={} {}\n", c.point, c.value, c.rfc));
                }
            }
        }
        let parsed =
            Scenario::parse(&out).map_err(|e| format!("the export does not read back: {e}"))?;
        let typed = self.steps.iter().filter(|s| !s.display.is_empty()).count();
        if parsed.steps.len() != typed {
            return Err(format!(
                "the export reads back as {} steps, not {typed}: a literal is not complete \
                 (the notation counts each of its lines with CRLF)",
                parsed.steps.len()
            ));
        }
        Ok(out)
    }
}

/// The `Sn:` pattern matching a response: itself, or, across a literal's lines, its first and
/// last line with `...` between.
fn pattern_of(text: &str) -> String {
    match (text.split_once("\r\n"), text.rsplit_once("\r\n")) {
        (Some((first, _)), Some((_, last))) => format!("{first}...{last}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_free_text_only_where_asked() {
        assert!(glob("A001 OK ...", "A001 OK DELETE completed"));
        assert!(glob("A001 OK ...", "A001 OK "));
        assert!(!glob("A001 OK ...", "A001 NO x"));
        assert!(glob(
            "* 4 FETCH (RFC822 ...)",
            "* 4 FETCH (RFC822 {3}\r\nabc)"
        ));
        assert!(glob("...", "anything"));
        assert!(glob("a...b...c", "aXbYc"));
        assert!(!glob("a...b...c", "aXc"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
    }

    #[test]
    fn literals_in_client_lines_are_counted_with_their_crlf() {
        let sc = Scenario::parse("C1: a APPEND FOO {7}\nC1: hello\nC1: \nS1: a OK ...\n").unwrap();
        assert_eq!(sc.steps.len(), 1);
        assert_eq!(sc.steps[0].send, "a APPEND FOO {7}\r\nhello\r\n\r\n");
        let err = Scenario::parse("C1: a APPEND FOO {3}\nC1: hello\n").unwrap_err();
        assert!(err.message.contains("overruns"), "{err}");
    }

    /// RFC 2180 §4.2.1's scenario: 4:7 expunged by C1, not yet reported to C2, whose `.SILENT`
    /// STORE is answered OK; `cite` is what the transcript says that reply cites.
    fn silent_store(cite: &str) -> Scenario {
        Scenario::parse(&format!(
            "# vary: store-expunged = partial-no all-no\n\
             # setup: C1 LOGIN alice alice\n# setup: C1 SELECT FOO\n\
             # setup: C2 LOGIN bob bob\n# setup: C2 SELECT FOO\n\
             # setup: C1 STORE 4:7 +FLAGS.SILENT (\\Deleted)\n\
             C1: A001 EXPUNGE\nS1: * 4 EXPUNGE\nS1: * 4 EXPUNGE\nS1: * 4 EXPUNGE\n\
             S1: * 4 EXPUNGE\nS1: A001 OK EXPUNGE completed\n\
             C2: B001 STORE 1:7 +FLAGS.SILENT (\\Seen)\nS2: B001 OK STORE completed\n{cite}\n"
        ))
        .unwrap()
    }

    fn failures(sc: &Scenario, variant: &str) -> Vec<String> {
        let run = sc.run(Some(variant), &[]);
        run.failures
            .into_iter()
            .map(|f| format!("line {}: {}", f.line_no, f.message))
            .collect()
    }

    #[test]
    fn the_citation_named_by_a_cite_line_is_checked() {
        // Right: §4.2.1 under either value, with or without the value named.
        for cite in [
            "# cite: store-expunged RFC 2180 §4.2.1",
            "# cite: store-expunged=partial-no RFC 2180 §4.2.1\n\
             # cite: store-expunged=all-no RFC 2180 §4.2.1",
        ] {
            let sc = silent_store(cite);
            for v in ["partial-no", "all-no"] {
                assert_eq!(failures(&sc, v), Vec::<String>::new(), "{cite} [{v}]");
            }
        }
        // Wrong paragraph: the value's own (§4.2.3), which a .SILENT STORE does not follow.
        let sc = silent_store("# cite: store-expunged RFC 2180 §4.2.3");
        let f = failures(&sc, "partial-no");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with("line 15:"), "{f:?}");
        assert!(
            f[0].contains("must cite store-expunged RFC 2180 §4.2.3"),
            "{f:?}"
        );
        assert!(
            f[0].contains("but it cites store-expunged=partial-no RFC 2180 §4.2.1"),
            "{f:?}"
        );
        // A line for the varied point is kept to that value's variant; the other variant's
        // citation is then named by no line, which fails too.
        let sc = silent_store("# cite: store-expunged=all-no RFC 2180 §4.2.1");
        assert!(failures(&sc, "all-no").is_empty());
        let f = failures(&sc, "partial-no");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with("line 14:"), "{f:?}");
        assert!(f[0].contains("which no # cite: line names"), "{f:?}");
        let sc = silent_store("# cite: fetch-expunged=nil RFC 2180 §4.2.1");
        assert_eq!(failures(&sc, "all-no").len(), 1);
        // Wrong decision point.
        let sc = silent_store("# cite: copy-expunged RFC 2180 §4.2.1");
        assert_eq!(failures(&sc, "all-no").len(), 1);
    }

    #[test]
    fn a_cite_line_on_a_response_without_a_citation_fails() {
        let sc =
            Scenario::parse("C1: a NOOP\nS1: a OK ...\n# cite: fetch-expunged RFC 2180 §4.1.1\n")
                .unwrap();
        let run = sc.run(None, &[]);
        assert_eq!(run.failures.len(), 1, "{:?}", run.failures);
        assert_eq!(run.failures[0].line_no, 3);
        assert!(
            run.failures[0].message.contains("but it cites none"),
            "{:?}",
            run.failures
        );
    }

    #[test]
    fn cite_lines_that_cannot_apply_are_refused() {
        let vary = "# vary: store-expunged = partial-no all-no\n";
        for (text, says) in [
            (
                "# cite: store-expunged RFC 2180 §4.2.1\n",
                "must follow an Sn:",
            ),
            (
                "C1: a NOOP\n# cite: store-expunged RFC 2180 §4.2.1\n",
                "must follow an Sn:",
            ),
            (
                "C1: a NOOP\nS1!: x\n# cite: store-expunged RFC 2180 §4.2.1\n",
                "Sn!:",
            ),
            (
                "C1: a NOOP\nS1: a OK ...\n# cite: store-expunged\n",
                "PARAGRAPH",
            ),
            (
                "C1: a NOOP\nS1: a OK ...\n# cite: no-such-point RFC 1\n",
                "unknown decision",
            ),
            (
                "C1: a NOOP\nS1: a OK ...\n# cite: store-expunged=maybe RFC 1\n",
                "maybe",
            ),
            (
                "C1: a NOOP\nS1: a OK ...\n# cite: store-expunged RFC 1\n\
                 # cite: store-expunged RFC 2\n",
                "two # cite:",
            ),
        ] {
            let err = Scenario::parse(text).unwrap_err();
            assert!(err.message.contains(says), "{text}: {err}");
        }
        for (text, says) in [
            (
                "C1: a NOOP\n[all-no] S1: a OK ...\n# cite: store-expunged=partial-no RFC 1\n",
                "never applies",
            ),
            (
                "C1: a NOOP\nS1: a OK ...\n# cite: store-expunged=partial-no RFC 1\n\
                 # cite: store-expunged=partial-no RFC 2\n",
                "two # cite:",
            ),
        ] {
            let err = Scenario::parse(&format!("{vary}{text}")).unwrap_err();
            assert!(err.message.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn variant_lines_must_name_a_varied_value() {
        let err = Scenario::parse("C1: a NOOP\n[ghost] S1: a OK ...\n").unwrap_err();
        assert!(err.message.contains("vary"), "{err}");
    }

    /// A session typed by hand, recorded as the page records it, for [`Draft::write`].
    fn record(policies: Policies, lines: &[(usize, &[&str])]) -> Draft {
        let mut server = fresh_server(policies);
        let mut ids: Vec<ClientId> = Vec::new();
        for _ in 0..3 {
            ids.push(server.connect());
        }
        let _greetings = server.take_output();
        let mut steps = Vec::new();
        for (n, display) in lines {
            let id = ids[n - 1];
            if display == &["(disconnect)"] {
                server.disconnect(id);
            } else {
                let wire: String = display.iter().map(|l| format!("{l}\r\n")).collect();
                server.receive(id, wire.as_bytes());
            }
            let received = server
                .take_output()
                .iter()
                .map(|o| DraftLine {
                    client: ids.iter().position(|c| *c == o.client).unwrap() + 1,
                    text: text_of(o),
                    citation: o.citation.as_ref().map(|c| DraftCitation {
                        point: c.point.to_string(),
                        value: c.value.to_string(),
                        rfc: c.rfc.to_string(),
                    }),
                })
                .collect();
            steps.push(DraftStep {
                client: *n,
                display: display.iter().map(|l| l.to_string()).collect(),
                received,
            });
        }
        Draft {
            title: "Typed by hand".into(),
            rfc: "RFC 2180 §4.1.3".into(),
            explain: "Two clients.\nC1 expunges.".into(),
            policies: vec![("fetch-expunged".into(), "nil".into())],
            setup: vec![],
            steps,
        }
    }

    #[test]
    fn a_session_written_as_a_scenario_reads_back_and_plays_clean() {
        let mut policies = Policies::default();
        policies.set("fetch-expunged", "nil").unwrap();
        let draft = record(
            policies,
            &[
                (1, &["a1 LOGIN alice alice"]),
                (1, &["a2 SELECT FOO"]),
                (2, &["b1 LOGIN bob bob"]),
                (2, &["b2 SELECT FOO"]),
                (1, &["a3 STORE 4:7 +FLAGS.SILENT (\\Deleted)"]),
                (1, &["a4 EXPUNGE"]),
                (2, &["b3 FETCH 3:5 ENVELOPE"]),
                (2, &["b4 FETCH 5 BODY[TEXT]"]),
                (1, &["a5 APPEND FOO {7}", "hello", ""]),
                (3, &["c1 NOOP"]),
                (2, &["(disconnect)"]),
                (1, &["a6 NOOP"]),
            ],
        );
        let text = draft.write().unwrap();
        assert!(text.contains("# policy: fetch-expunged=nil\n"), "{text}");
        assert!(
            text.contains("# cite: fetch-expunged=nil RFC 2180 §4.1.3\n"),
            "{text}"
        );
        assert!(
            text.contains("C1: a5 APPEND FOO {7}\nC1: hello\nC1: \n"),
            "{text}"
        );
        assert!(text.contains("C2: (disconnect)\n"), "{text}");
        let sc = Scenario::parse(&text).unwrap();
        assert_eq!(sc.steps.len(), draft.steps.len());
        let run = sc.run(None, &[]);
        assert!(run.passed(), "{text}\n{:?}", run.failures);
    }

    #[test]
    fn a_session_that_cannot_be_written_says_why() {
        let draft = record(
            Policies::default(),
            &[
                (1, &["a1 LOGIN alice alice"]),
                (1, &["a2 APPEND INBOX {5}", "hello", ""]),
            ],
        );
        let err = draft.write().unwrap_err();
        assert!(err.contains("overruns"), "{err}");
    }

    #[test]
    fn an_unknown_cite_point_lists_the_points_without_naming_the_command_line() {
        let err =
            Scenario::parse("C1: a NOOP\nS1: a OK ...\n# cite: no-such RFC 1 §1\n").unwrap_err();
        assert!(err.message.contains("fetch-expunged"), "{err}");
        assert!(!err.message.contains("imap-sandbox"), "{err}");
    }

    #[test]
    fn variant_titles_are_kept_to_their_variant() {
        let sc = Scenario::parse(
            "# title: T\n# vary: fetch-expunged = nil no\n# title[no]: T no\n\
             # explain[no]: one\n# explain[no]: two\nC1: a NOOP\nS1: a OK ...\n",
        )
        .unwrap();
        assert_eq!(sc.variant_text.len(), 1);
        assert_eq!(sc.variant_text[0].title, "T no");
        assert_eq!(sc.variant_text[0].explain, "one two");
        let err =
            Scenario::parse("# vary: fetch-expunged = nil no\n# title[ghost]: x\n").unwrap_err();
        assert!(err.message.contains("ghost"), "{err}");
    }

    #[test]
    fn a_value_text_is_kept_apart_from_the_variant_story() {
        let sc = Scenario::parse(
            "# explain: story\n# vary: fetch-expunged = nil no\n# value[nil]: does one.\n\
             # value[nil]: must two.\nC1: a NOOP\nS1: a OK ...\n",
        )
        .unwrap();
        assert_eq!(sc.explain, "story");
        assert_eq!(sc.variant_text[0].value, "does one. must two.");
        assert_eq!(sc.variant_text[0].explain, "");
        let err =
            Scenario::parse("# vary: fetch-expunged = nil no\n# value[ghost]: x\n").unwrap_err();
        assert!(err.message.contains("ghost"), "{err}");
    }
}
