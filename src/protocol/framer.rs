//! Sans-IO framing of the client byte stream into complete commands (RFC 3501 §2.2, §7.5).
//!
//! A command is one or more lines: a line that ends in a literal announcement `{n}` or `{n+}`
//! (RFC 3501 §9 `literal`, RFC 7888 §3 `literal+`) is followed by exactly n raw octets and then
//! the rest of the command. The framer joins all of it into one [`FrameEvent::Line`] so the
//! parser sees a command with its literals inline.
//!
//! The framer knows nothing of command syntax beyond literal announcements at the end of a line,
//! and nothing of sessions. It enforces [`Limits`] so that a client cannot make the server buffer
//! without bound, and it resynchronizes at the next line after a rejection.
//!
//! Memory: the framer holds the bytes pushed and not yet consumed by [`Framer::next_event`], plus
//! the command being assembled, which never exceeds [`Limits::max_command`]. Callers should drain
//! events after every push.

use std::collections::VecDeque;

/// The bounds the framer and the parser enforce. All fields are public; [`Limits::default`]
/// gives the values this project uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest command line in octets, counting every line of a command but not literal data.
    /// RFC 2683 §3.2.1.5, updated by RFC 7162 §4: a server should accept lines of at least
    /// 8192 octets. Default 65536.
    pub max_line: usize,
    /// Largest literal in octets (RFC 3501 §7.5 lets the server refuse a synchronizing literal
    /// with a tagged BAD/NO instead of a continuation; RFC 7888 §4 for non-synchronizing ones).
    /// Default 16 MiB.
    pub max_literal: usize,
    /// Most literals in one command. RFC 3501 sets no bound; one is enough for APPEND, a few
    /// for LOGIN or SEARCH (RFC 2683 §3.2.1.5 asks servers to bound their resource use).
    /// Default 16.
    pub max_literals_per_command: usize,
    /// Largest command in octets, lines and literal data together. Default 20 MiB.
    pub max_command: usize,
    /// Deepest nesting of parenthesized lists, search keys and body structures the parser
    /// accepts (RFC 3501 §9 recursive rules; a bound keeps the recursion stack finite).
    /// Default 32.
    pub max_nesting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 65_536,
            max_literal: 16 * 1024 * 1024,
            max_literals_per_command: 16,
            max_command: 20 * 1024 * 1024,
            max_nesting: 32,
        }
    }
}

/// What the framer has to say after some bytes were pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameEvent {
    /// One complete command, literal data inline, line ending (CRLF or a bare LF) included.
    Line(Vec<u8>),
    /// A synchronizing literal was announced and accepted: the caller must send a continuation
    /// request (`+ Ready for literal data`, RFC 3501 §7.5) before the client sends the data.
    NeedContinuation,
    /// The command was refused for exceeding a limit. `tag` is the command's tag when the line
    /// started with one, so that the caller can answer with a tagged BAD; otherwise an untagged
    /// one fits. The framer has already skipped what belongs to the refused command.
    Rejected { tag: Option<String>, reason: String },
}

/// What the framer is in the middle of.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Reading a line of the command up to LF.
    Line,
    /// Copying this many more literal octets into the command.
    Literal(usize),
    /// Dropping this many literal octets of a refused command, then the rest of its line.
    DiscardLiteral {
        remaining: usize,
        tag: Option<String>,
        reason: String,
    },
    /// Dropping octets up to and including the next LF, then reporting the rejection.
    DiscardLine { tag: Option<String>, reason: String },
}

/// A literal announcement at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Announcement {
    size: u64,
    synchronizing: bool,
}

/// The framer. Feed bytes with [`push`](Framer::push), then call
/// [`next_event`](Framer::next_event) until it returns `None`.
#[derive(Debug, Clone)]
pub struct Framer {
    limits: Limits,
    input: VecDeque<u8>,
    state: State,
    /// The command assembled so far (lines and literal data).
    command: Vec<u8>,
    /// Where the line being read starts inside `command`.
    line_start: usize,
    /// Non-literal octets of the command so far (checked against `max_line`).
    line_octets: usize,
    literals: usize,
}

impl Framer {
    pub fn new(limits: Limits) -> Self {
        Framer {
            limits,
            input: VecDeque::new(),
            state: State::Line,
            command: Vec::new(),
            line_start: 0,
            line_octets: 0,
            literals: 0,
        }
    }

    /// The limits this framer was built with (the parser reads `max_nesting` from them).
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Hands the framer more bytes from the client.
    pub fn push(&mut self, bytes: &[u8]) {
        self.input.extend(bytes);
    }

    /// Takes the bytes pushed but not yet framed (after a STARTTLS line they belong to TLS).
    pub fn take_input(&mut self) -> Vec<u8> {
        self.input.drain(..).collect()
    }

    /// The next event, or `None` when more bytes are needed. Every call consumes input, so a
    /// loop over `next_event` always ends.
    pub fn next_event(&mut self) -> Option<FrameEvent> {
        loop {
            if let Some(event) = self.step()? {
                return Some(event);
            }
        }
    }

    /// One step: `None` means more input is needed, `Some(None)` that progress was made
    /// without an event, `Some(Some(e))` an event.
    fn step(&mut self) -> Option<Option<FrameEvent>> {
        match std::mem::replace(&mut self.state, State::Line) {
            State::Line => self.step_line(),
            State::Literal(remaining) => {
                if remaining == 0 {
                    self.line_start = self.command.len();
                    return Some(None);
                }
                if self.input.is_empty() {
                    self.state = State::Literal(remaining);
                    return None;
                }
                let n = remaining.min(self.input.len());
                self.command.extend(self.input.drain(..n));
                self.state = State::Literal(remaining - n);
                Some(None)
            }
            State::DiscardLiteral {
                remaining,
                tag,
                reason,
            } => {
                if remaining == 0 {
                    self.state = State::DiscardLine { tag, reason };
                    return Some(None);
                }
                if self.input.is_empty() {
                    self.state = State::DiscardLiteral {
                        remaining,
                        tag,
                        reason,
                    };
                    return None;
                }
                let n = remaining.min(self.input.len());
                self.input.drain(..n);
                self.state = State::DiscardLiteral {
                    remaining: remaining - n,
                    tag,
                    reason,
                };
                Some(None)
            }
            State::DiscardLine { tag, reason } => match self.input.iter().position(|&b| b == b'\n')
            {
                Some(lf) => {
                    self.input.drain(..=lf);
                    self.reset();
                    Some(Some(FrameEvent::Rejected { tag, reason }))
                }
                None => {
                    self.input.clear();
                    self.state = State::DiscardLine { tag, reason };
                    None
                }
            },
        }
    }

    fn step_line(&mut self) -> Option<Option<FrameEvent>> {
        // A bare LF ends a line too (be liberal in what we accept; RFC 3501 §2.2 requires CRLF
        // but some clients and test scripts send LF alone). The CR, if any, stays in the line.
        let lf = self.input.iter().position(|&b| b == b'\n');
        let available = lf.map_or(self.input.len(), |i| i + 1);
        if self.line_octets.saturating_add(available) > self.limits.max_line {
            return self.refuse_line(format!(
                "Command line too long (limit {} octets)",
                self.limits.max_line
            ));
        }
        if self.command.len().saturating_add(available) > self.limits.max_command {
            return self.refuse_line(format!(
                "Command too long (limit {} octets)",
                self.limits.max_command
            ));
        }
        self.command.extend(self.input.drain(..available));
        self.line_octets += available;
        lf?;
        let line = self.command.get(self.line_start..).unwrap_or_default();
        match literal_announcement(line) {
            None => {
                let command = std::mem::take(&mut self.command);
                self.reset();
                Some(Some(FrameEvent::Line(command)))
            }
            Some(announcement) => Some(self.literal(announcement)),
        }
    }

    /// The line just read ends with a literal announcement: accept it or refuse the command.
    fn literal(&mut self, a: Announcement) -> Option<FrameEvent> {
        let refusal = if self.literals >= self.limits.max_literals_per_command {
            Some(format!(
                "Too many literals in one command (limit {})",
                self.limits.max_literals_per_command
            ))
        } else if a.size > self.limits.max_literal as u64 {
            Some(format!(
                "Literal too large (limit {} octets)",
                self.limits.max_literal
            ))
        } else if (self.command.len() as u64).saturating_add(a.size)
            > self.limits.max_command as u64
        {
            Some(format!(
                "Command too long (limit {} octets)",
                self.limits.max_command
            ))
        } else {
            None
        };
        // cannot fail: size <= max_literal, a usize, when accepted; saturates otherwise.
        let size = usize::try_from(a.size).unwrap_or(usize::MAX);
        match (refusal, a.synchronizing) {
            (None, true) => {
                self.literals += 1;
                self.state = State::Literal(size);
                Some(FrameEvent::NeedContinuation)
            }
            (None, false) => {
                self.literals += 1;
                self.state = State::Literal(size);
                None
            }
            // RFC 3501 §7.5: the server refuses instead of sending "+"; the client then does
            // not send the literal, so the next octets are a new command.
            (Some(reason), true) => {
                let tag = self.tag();
                self.reset();
                Some(FrameEvent::Rejected { tag, reason })
            }
            // RFC 7888 §4: the client sends the data anyway; skip exactly n octets, then the
            // rest of the command line, without storing them.
            (Some(reason), false) => {
                let tag = self.tag();
                self.command.clear();
                self.state = State::DiscardLiteral {
                    remaining: size,
                    tag,
                    reason,
                };
                None
            }
        }
    }

    /// Refuses the command being read: the rest of its line (up to LF) is skipped, then the
    /// rejection is reported by the `DiscardLine` state.
    fn refuse_line(&mut self, reason: String) -> Option<Option<FrameEvent>> {
        let tag = self.tag();
        self.command.clear();
        self.state = State::DiscardLine { tag, reason };
        Some(None)
    }

    /// The tag of the command being assembled, looking at the command and at unread input.
    fn tag(&self) -> Option<String> {
        let head = self
            .command
            .iter()
            .chain(self.input.iter())
            .take(self.limits.max_line.min(1024));
        let mut tag = String::new();
        for &b in head {
            if b == b' ' {
                return (!tag.is_empty()).then_some(tag);
            }
            if !is_tag_char(b) {
                return None;
            }
            tag.push(char::from(b));
        }
        None
    }

    fn reset(&mut self) {
        self.command.clear();
        self.line_start = 0;
        self.line_octets = 0;
        self.literals = 0;
        self.state = State::Line;
    }
}

/// RFC 3501 §9: `tag = 1*<any ASTRING-CHAR except "+">`.
pub(crate) fn is_tag_char(b: u8) -> bool {
    b != b'+' && is_astring_char(b)
}

/// RFC 3501 §9 `ASTRING-CHAR = ATOM-CHAR / resp-specials`.
pub(crate) fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// RFC 3501 §9 `ATOM-CHAR = <any CHAR except atom-specials>`, where
/// `atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials`.
pub(crate) fn is_atom_char(b: u8) -> bool {
    matches!(b, 0x21..=0x7e) && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// If `line` (ending in LF) ends with `{n}` or `{n+}` before its line ending, the announced
/// literal (RFC 3501 §9 `literal`, RFC 7888 §3). Anything else, including a number over
/// `u32::MAX` or no digits, is not a literal and the line simply ends.
fn literal_announcement(line: &[u8]) -> Option<Announcement> {
    let line = line.strip_suffix(b"\n")?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_suffix(b"}")?;
    let (line, synchronizing) = match line.strip_suffix(b"+") {
        Some(rest) => (rest, false),
        None => (line, true),
    };
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = line.get(open + 1..)?;
    if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let size = digits.iter().try_fold(0u64, |n, &d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })?;
    if size > u64::from(u32::MAX) {
        return None;
    }
    Some(Announcement {
        size,
        synchronizing,
    })
}

/// The length of the first complete line-with-literals in `input` (a response or command),
/// or `None` when more bytes are needed. Used by the streaming response parser.
pub(crate) fn complete_length(input: &[u8]) -> Option<usize> {
    let mut pos = 0usize;
    loop {
        let rest = input.get(pos..)?;
        let lf = rest.iter().position(|&b| b == b'\n')?;
        let line_end = pos + lf + 1;
        let line = input.get(pos..line_end)?;
        match literal_announcement(line) {
            None => return Some(line_end),
            Some(a) => {
                let size = usize::try_from(a.size).ok()?;
                pos = line_end.checked_add(size)?;
                if pos > input.len() {
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(framer: &mut Framer, bytes: &[u8]) -> Vec<FrameEvent> {
        framer.push(bytes);
        std::iter::from_fn(|| framer.next_event()).collect()
    }

    fn line(s: &[u8]) -> FrameEvent {
        FrameEvent::Line(s.to_vec())
    }

    fn small() -> Limits {
        Limits {
            max_line: 40,
            max_literal: 10,
            max_literals_per_command: 2,
            max_command: 50,
            max_nesting: 4,
        }
    }

    #[test]
    fn simple_lines_and_bare_lf() {
        let mut f = Framer::new(Limits::default());
        assert_eq!(
            events(&mut f, b"a NOOP\r\nb NOOP\nc NO"),
            vec![line(b"a NOOP\r\n"), line(b"b NOOP\n")]
        );
        assert_eq!(events(&mut f, b"OP\r\n"), vec![line(b"c NOOP\r\n")]);
        assert_eq!(f.next_event(), None);
    }

    #[test]
    fn continuation_flow() {
        let mut f = Framer::new(Limits::default());
        assert_eq!(
            events(&mut f, b"a APPEND x {5}\r\n"),
            vec![FrameEvent::NeedContinuation]
        );
        assert_eq!(events(&mut f, b"hel"), vec![]);
        assert_eq!(
            events(&mut f, b"lo\r\nb NOOP\r\n"),
            vec![line(b"a APPEND x {5}\r\nhello\r\n"), line(b"b NOOP\r\n")]
        );
        // Two literals, the data containing what looks like an announcement.
        assert_eq!(
            events(&mut f, b"a LOGIN {4}\r\n"),
            vec![FrameEvent::NeedContinuation]
        );
        assert_eq!(
            events(&mut f, b"{1}\n {2}\r\n"),
            vec![FrameEvent::NeedContinuation]
        );
        assert_eq!(
            events(&mut f, b"pw\r\n"),
            vec![line(b"a LOGIN {4}\r\n{1}\n {2}\r\npw\r\n")]
        );
    }

    #[test]
    fn literal_plus_needs_no_continuation() {
        let mut f = Framer::new(Limits::default());
        assert_eq!(
            events(&mut f, b"a APPEND x {5+}\r\nhello\r\n"),
            vec![line(b"a APPEND x {5+}\r\nhello\r\n")]
        );
    }

    /// RFC 3516 §4.4 `literal8` (`~{n}`, and `~{n+}` as RFC 7888 §3 allows): framed as a
    /// literal, NUL octets included, under the same limits.
    #[test]
    fn literal8_is_framed_like_a_literal() {
        let mut f = Framer::new(small());
        assert_eq!(
            events(&mut f, b"a APPEND x ~{3}\r\n"),
            vec![FrameEvent::NeedContinuation]
        );
        assert_eq!(
            events(&mut f, b"a\0b\r\nb APPEND x ~{2+}\r\n\0\0\r\n"),
            vec![
                line(b"a APPEND x ~{3}\r\na\0b\r\n"),
                line(b"b APPEND x ~{2+}\r\n\0\0\r\n")
            ]
        );
        assert_eq!(
            events(&mut f, b"c APPEND x ~{11}\r\n"),
            vec![FrameEvent::Rejected {
                tag: Some("c".into()),
                reason: "Literal too large (limit 10 octets)".into()
            }]
        );
    }

    #[test]
    fn byte_at_a_time() {
        let input = b"a LOGIN {3}\r\nbob {4+}\r\n\r\n\r\n\r\nb NOOP\n";
        let mut f = Framer::new(Limits::default());
        let mut all = Vec::new();
        for b in input.chunks(1) {
            all.extend(events(&mut f, b));
        }
        assert_eq!(
            all,
            vec![
                FrameEvent::NeedContinuation,
                line(b"a LOGIN {3}\r\nbob {4+}\r\n\r\n\r\n\r\n"),
                line(b"b NOOP\n")
            ]
        );
    }

    #[test]
    fn not_literals() {
        let mut f = Framer::new(Limits::default());
        for s in [
            &b"a X {99999999999}\r\n"[..],
            b"a X {}\r\n",
            b"a X {1a}\r\n",
            b"a X {-1}\r\n",
            b"a X {4294967296}\r\n",
            b"a X {5} \r\n",
        ] {
            assert_eq!(events(&mut f, s), vec![line(s)]);
        }
    }

    #[test]
    fn long_line_rejected_then_resync() {
        let mut f = Framer::new(small());
        let mut input = b"t1 ".to_vec();
        input.extend(b"x".repeat(50));
        assert_eq!(events(&mut f, &input), vec![]);
        let got = events(&mut f, b"xxx\r\nt2 NOOP\r\n");
        assert_eq!(
            got,
            vec![
                FrameEvent::Rejected {
                    tag: Some("t1".into()),
                    reason: "Command line too long (limit 40 octets)".into()
                },
                line(b"t2 NOOP\r\n")
            ]
        );
    }

    #[test]
    fn big_synchronizing_literal_refused_at_once() {
        let mut f = Framer::new(small());
        assert_eq!(
            events(&mut f, b"t1 APPEND x {11}\r\nt2 NOOP\r\n"),
            vec![
                FrameEvent::Rejected {
                    tag: Some("t1".into()),
                    reason: "Literal too large (limit 10 octets)".into()
                },
                line(b"t2 NOOP\r\n")
            ]
        );
    }

    #[test]
    fn big_literal_plus_discarded() {
        let mut f = Framer::new(small());
        let mut got = events(&mut f, b"t1 APPEND x {12+}\r\n0123456");
        got.extend(events(&mut f, b"78901 more\r\nt2 NOOP\r\n"));
        assert_eq!(
            got,
            vec![
                FrameEvent::Rejected {
                    tag: Some("t1".into()),
                    reason: "Literal too large (limit 10 octets)".into()
                },
                line(b"t2 NOOP\r\n")
            ]
        );
    }

    #[test]
    fn too_many_literals_and_too_long_command() {
        let mut f = Framer::new(small());
        let got = events(&mut f, b"t1 X {1+}\r\na {1+}\r\nb {1+}\r\nc\r\nt2 NOOP\r\n");
        assert_eq!(
            got,
            vec![
                FrameEvent::Rejected {
                    tag: Some("t1".into()),
                    reason: "Too many literals in one command (limit 2)".into()
                },
                line(b"t2 NOOP\r\n")
            ]
        );
        let got = events(
            &mut f,
            b"t3 XXXXXXXXXXXXXXX {10+}\r\n0123456789 {10}\r\nt4 NOOP\r\n",
        );
        assert_eq!(
            got,
            vec![
                FrameEvent::Rejected {
                    tag: Some("t3".into()),
                    reason: "Command too long (limit 50 octets)".into()
                },
                line(b"t4 NOOP\r\n")
            ]
        );
    }

    #[test]
    fn rejection_without_tag() {
        let mut f = Framer::new(small());
        let got = events(
            &mut f,
            &[b"(".repeat(50), b"\r\nt NOOP\r\n".to_vec()].concat(),
        );
        assert_eq!(
            got.first(),
            Some(&FrameEvent::Rejected {
                tag: None,
                reason: "Command line too long (limit 40 octets)".into()
            })
        );
        assert_eq!(got.get(1), Some(&line(b"t NOOP\r\n")));
    }

    #[test]
    fn complete_lengths() {
        assert_eq!(complete_length(b"* OK x\r\nrest"), Some(8));
        assert_eq!(complete_length(b"* OK x\r"), None);
        assert_eq!(complete_length(b"* X {2}\r\nab\r\n"), Some(13));
        assert_eq!(complete_length(b"* X {2}\r\nab"), None);
        assert_eq!(complete_length(b"* X {4294967295}\r\nab"), None);
    }
}
