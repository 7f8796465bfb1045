#!/usr/bin/env python3
"""Plays the RFC 2180 / RFC 2683 scenarios against a real IMAP server with two or three
connections and records what it answers, one transcript per scenario (stdlib only).

    python3 tests/servers/observe.py --start dovecot      # starts it (tests/servers/servers.py),
    python3 tests/servers/observe.py --start cyrus        # plays every scenario, stops it
    python3 tests/servers/observe.py --start courier
    python3 tests/servers/observe.py --connect 127.0.0.1:143 --user U --password P --name x-1.0

Transcripts go to tests/servers/transcripts/<server>-<version>/<scenario>.txt (--out to change).

What is played: the client lines of scenarios/rfc2180-*.imap and scenarios/rfc2683-3.1.*.imap
(every variant's, in file order, each command once), after their `# setup:` lines, plus the
`extra-*` scenarios below (UID variants, MOVE, more FETCH items on expunged messages). Mailbox
names FOO, FRED and BAR become children of a scratch mailbox with a unique name, created first
(FOO gets the seven messages of the default world by APPEND, FRED is empty) and deleted at the
end, also after an error or Ctrl-C. No other mailbox is read, changed or deleted. LOGIN alice /
bob / carol all become the one test user (a PREAUTH server gets no LOGIN).

Transcript notation is the scenario files': `C1: line` is sent on connection 1, `S1: line` came
back on it; a literal's lines are prefixed like any other line. After every command, each other
connection is read after 0.3 s, so unsolicited data (a BYE at once, or none until the next
command) shows where it arrived. `S2: (closed)` is the server closing connection 2. The unique
part of the scratch name is written as SCRATCH so transcripts of two runs compare.
"""

import argparse
import glob
import os
import re
import secrets
import select
import signal
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORLD = os.path.join(ROOT, "src", "server", "world")
TIMEOUT = 10.0  # seconds for one command's tagged answer
QUIET = 0.3  # seconds another connection is read after each command

SETUP_EXPUNGE_4_7 = """\
# setup: C1 LOGIN alice alice
# setup: C1 SELECT FOO
# setup: C2 LOGIN bob bob
# setup: C2 SELECT FOO
# setup: C1 STORE 4:7 +FLAGS.SILENT (\\Deleted)

C1: A001 EXPUNGE
"""

SETUP_COPY_4 = """\
# setup: C1 LOGIN alice alice
# setup: C1 SELECT FOO
# setup: C1 COPY 1 FOO
# setup: C2 LOGIN bob bob
# setup: C2 SELECT FOO
# setup: C1 STORE 4 +FLAGS.SILENT (\\Deleted)
# setup: C1 EXPUNGE

"""

# Situations the scenario files do not play but the decision points depend on: the UID forms
# (during which RFC 3501 §7.4.1 allows EXPUNGE responses), MOVE, and which FETCH items a server
# can still answer for an expunged message.
EXTRA = {
    "extra-uid-fetch-expunged": SETUP_EXPUNGE_4_7 + """\
C2: B001 UID FETCH 3:5 (FLAGS ENVELOPE)
C2: B002 UID FETCH 4:7 (FLAGS)
C2: B003 NOOP
""",
    "extra-uid-store-expunged": SETUP_EXPUNGE_4_7 + """\
C2: B001 UID STORE 1:7 +FLAGS (\\Seen)
C2: B002 UID STORE 5:7 +FLAGS (\\Seen)
C2: B003 NOOP
C2: B004 FETCH 1:3 FLAGS
""",
    "extra-uid-search-expunged": SETUP_EXPUNGE_4_7 + """\
C2: B001 UID SEARCH DELETED
C2: B002 UID SEARCH ALL
C2: B003 NOOP
""",
    "extra-fetch-expunged-items": SETUP_EXPUNGE_4_7 + """\
C2: B001 FETCH 4:7 (FLAGS)
C2: B002 FETCH 4:7 (UID)
C2: B003 FETCH 4 (INTERNALDATE RFC822.SIZE)
C2: B004 FETCH 4 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])
C2: B005 FETCH 4 (BODY[])
C2: B006 FETCH 1:7 (UID FLAGS)
C2: B007 NOOP
""",
    "extra-store-silent-only-expunged": SETUP_EXPUNGE_4_7 + """\
C2: B001 STORE 5:7 +FLAGS.SILENT (\\Seen)
C2: B002 STORE 5 FLAGS (\\Flagged)
C2: B003 NOOP
""",
    "extra-move-expunged": SETUP_COPY_4 + """\
C2: A001 MOVE 2,4,6,8 FRED
C2: A002 STATUS FRED (MESSAGES)
C2: A003 NOOP
""",
    "extra-uid-copy-expunged": SETUP_COPY_4 + """\
C2: A001 UID COPY 2,4,6,8 FRED
C2: A002 STATUS FRED (MESSAGES)
C2: A003 NOOP
""",
    "extra-delete-selected-elsewhere": """\
# setup: C1 LOGIN alice alice
# setup: C2 LOGIN bob bob
# setup: C2 SELECT FOO
# setup: C3 LOGIN carol carol

C1: A001 DELETE FOO
C2: B001 FETCH 1 (FLAGS)
C2: B002 NOOP
C3: C001 LIST "" FOO
C3: C002 CREATE FOO
C2: B003 CLOSE
C3: C003 LIST "" FOO
""",
    "extra-rename-selected-elsewhere": """\
# setup: C1 LOGIN alice alice
# setup: C2 LOGIN bob bob
# setup: C2 SELECT FOO

C1: A001 RENAME FOO BAR
C2: B001 NOOP
C2: B002 FETCH 1 (FLAGS)
C2: B003 STATUS FOO (MESSAGES)
C2: B004 SELECT BAR
""",
    "extra-expunge-reported-when": SETUP_EXPUNGE_4_7 + """\
C2: B001 FETCH 1 (FLAGS)
C2: B002 STORE 1 +FLAGS (\\Flagged)
C2: B003 SEARCH ALL
C2: B004 UID FETCH 1 (FLAGS)
C2: B005 NOOP
""",
}


class Closed(Exception):
    pass


class Conn:
    """One IMAP connection; every byte in and out is appended to the shared transcript."""

    def __init__(self, n, port, host, log):
        self.n = n
        self.log = log
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        self.buf = b""
        self.closed = False
        self.tags = 0
        greeting = self.readline(TIMEOUT)
        self.preauth = greeting.startswith(b"* PREAUTH")

    def emit(self, side, data):
        self.log(f"{side}{self.n}: " + data.decode("utf-8", "backslashreplace"))

    def fill(self, timeout):
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return False
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.closed = True
            self.emit("S", b"(closed)")
            raise Closed()
        self.buf += chunk
        return True

    def readline(self, timeout):
        """One line (without CRLF), recorded; None if none came within the timeout."""
        deadline = time.monotonic() + timeout
        while b"\r\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not self.fill(left):
                return None
        line, self.buf = self.buf.split(b"\r\n", 1)
        self.emit("S", line)
        m = re.search(rb"\{(\d+)\}$", line)
        if m:  # the literal's bytes, then the rest of the response line
            size = int(m.group(1))
            while len(self.buf) < size:
                if not self.fill(max(0.5, deadline - time.monotonic())):
                    raise TimeoutError("literal cut short")
            literal, self.buf = self.buf[:size], self.buf[size:]
            parts = literal.split(b"\r\n")
            if literal.endswith(b"\r\n"):
                parts.pop()
            for part in parts:
                self.emit("S", part)
            rest = self.readline(timeout)
            return line + literal + (rest or b"")
        return line

    def drain(self, quiet):
        """Records whatever arrives unasked within `quiet` seconds."""
        if self.closed:
            return
        try:
            while self.readline(quiet) is not None:
                pass
        except Closed:
            pass

    def send(self, text, literal_lines=()):
        """Sends a command (tag included); `literal_lines` follow a `{n}` at the end of `text`
        as the literal, the last one being the rest of the command line."""
        self.emit("C", text.encode())
        data = text.encode() + b"\r\n"
        if literal_lines:
            # Synchronizing literal: wait for the continuation, as RFC 3501 §7.5 requires; the
            # server may instead answer the command at once (RFC 3501 §7.5: NO before "+").
            self.sock.sendall(data)
            data = b""
            line = self.readline(TIMEOUT)
            if line is None:
                raise TimeoutError("no continuation for the literal")
            if not line.startswith(b"+"):
                self.early = line
                return
            for i, part in enumerate(literal_lines):
                self.emit("C", part.encode())
                data += part.encode() + (b"\r\n" if i < len(literal_lines) - 1 else b"")
            data += b"\r\n"
        self.sock.sendall(data)

    def command(self, text, literal_lines=()):
        """Sends `TAG text...` and returns the tagged line (None if the connection closed)."""
        tag = text.split(" ", 1)[0]
        self.early = None
        try:
            self.send(text, literal_lines)
            if self.early is not None and self.early.startswith(tag.encode() + b" "):
                return self.early
            deadline = time.monotonic() + TIMEOUT
            while True:
                line = self.readline(max(0.0, deadline - time.monotonic()))
                if line is None:
                    self.emit("S", b"(no answer within %ds)" % int(TIMEOUT))
                    return None
                if line.startswith(tag.encode() + b" "):
                    return line
        except (Closed, BrokenPipeError, ConnectionResetError):
            if not self.closed:
                self.closed = True
                self.emit("S", b"(closed)")
            return None

    def next_tag(self, letter):
        self.tags += 1
        return f"{letter}s{self.tags:02d}"

    def close(self):
        if not self.closed:
            try:
                self.sock.sendall(b"zz LOGOUT\r\n")
                self.sock.settimeout(2)
                got = self.buf
                while b"\r\nzz " not in b"\r\n" + got:
                    chunk = self.sock.recv(65536)
                    if not chunk:
                        break
                    got += chunk
            except OSError:
                pass
        self.sock.close()
        self.closed = True


def parse_scenario(text):
    """(setup, steps): setup is [(conn, command)], steps is [(conn, command, literal_lines)]
    with each client line of any variant once, in file order."""
    setup = [(int(m.group(1)), m.group(2)) for m in
             re.finditer(r"^# setup: C(\d) (.*)$", text, re.M)]
    steps, seen = [], set()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(?:\[([\w.-]+)\] )?C(\d): ?(.*)$", lines[i])
        i += 1
        if not m:
            continue
        variant, conn, cmd = m.group(1), int(m.group(2)), m.group(3)
        literal = []
        lm = re.search(r"\{(\d+)\}$", cmd)
        if lm:  # the next lines of the same client and variant are the literal
            need = int(lm.group(1))
            got = 0
            while i < len(lines):
                m2 = re.match(r"^(?:\[([\w.-]+)\] )?C(\d): ?(.*)$", lines[i])
                if not m2 or m2.group(1) != variant or int(m2.group(2)) != conn:
                    break
                literal.append(m2.group(3))
                i += 1
                got += len(m2.group(3)) + 2
                if got > need:
                    break
        key = (conn, cmd, tuple(literal))
        if key in seen:
            continue
        seen.add(key)
        steps.append((conn, cmd, literal))
    return setup, steps


class Run:
    """One scenario against one server: connections, scratch mailboxes, the transcript."""

    def __init__(self, args, out_lines):
        self.args = args
        self.out = out_lines
        self.conns = {}
        token = secrets.token_hex(4)
        self.token = token
        self.prefix = args.prefix
        self.sep = args.sep
        self.base = f"{self.prefix}obs-{token}"
        self.names = {n: f"{self.base}{self.sep}{n}" for n in ["FOO", "FRED", "BAR"]}

    def log(self, line):
        self.out.append(line.replace(f"obs-{self.token}", "obs-SCRATCH"))

    def conn(self, n):
        if n not in self.conns:
            self.conns[n] = Conn(n, self.args.port, self.args.host, self.log)
        return self.conns[n]

    def rename(self, cmd):
        cmd = re.sub(r'^(\S+ LIST "") %$', lambda m: f'{m.group(1)} "{self.base}{self.sep}%"',
                     cmd)
        return re.sub(r"\b(FOO|FRED|BAR)\b", lambda m: self.quote(self.names[m.group(1)]), cmd)

    @staticmethod
    def quote(name):
        return name if re.fullmatch(r"[A-Za-z0-9._/-]+", name) else f'"{name}"'

    def login(self, c, letter):
        if c.preauth:
            self.log(f"# C{c.n}: PREAUTH greeting, no LOGIN")
            return
        tag = c.next_tag(letter)
        line = c.command(f"{tag} LOGIN {self.args.user} {self.args.password}")
        if not line or b" OK" not in line:
            raise RuntimeError(f"LOGIN failed on connection {c.n}: {line}")

    def setup_world(self):
        """Scratch mailbox, FOO with the seven messages, FRED empty, on connection 9 (not
        recorded)."""
        quiet = []
        c = Conn(9, self.args.port, self.args.host, quiet.append)
        try:
            if not c.preauth:
                c.command(f"x0 LOGIN {self.args.user} {self.args.password}")
            for i, name in enumerate([self.base, self.names["FOO"], self.names["FRED"]]):
                line = c.command(f"x{i + 1} CREATE {self.quote(name)}")
                if not line or b" OK" not in line:
                    raise RuntimeError(f"CREATE {name}: {quiet[-1:]}")
            for i, path in enumerate(sorted(glob.glob(os.path.join(WORLD, "foo-*.eml")))):
                raw = open(path, "rb").read()
                tag = f"y{i}"
                c.sock.sendall(f"{tag} APPEND {self.quote(self.names['FOO'])} {{{len(raw)}}}\r\n"
                               .encode())
                if c.readline(TIMEOUT) is None:
                    raise RuntimeError("no continuation for APPEND")
                c.sock.sendall(raw + b"\r\n")
                while True:
                    line = c.readline(TIMEOUT)
                    if line is None:
                        raise RuntimeError("APPEND: no answer")
                    if line.startswith(tag.encode() + b" "):
                        if b" OK" not in line:
                            raise RuntimeError(f"APPEND: {line}")
                        break
        finally:
            c.close()

    def cleanup(self):
        """Deletes the scratch mailbox and everything under it; never another mailbox."""
        quiet = []
        c = Conn(9, self.args.port, self.args.host, quiet.append)
        try:
            if not c.preauth:
                c.command(f"z0 LOGIN {self.args.user} {self.args.password}")
            c.command(f'z1 LIST "" {self.quote(self.base + "*")}')
            names = []
            for line in quiet:
                m = re.match(r'S9: \* LIST \([^)]*\) (?:"[^"]*"|NIL) (.*)$', line)
                if m:
                    name = m.group(1)
                    if name.startswith('"'):
                        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                    if name == self.base or name.startswith(self.base + self.sep):
                        names.append(name)
            for i, name in enumerate(sorted(set(names), key=lambda n: -n.count(self.sep))):
                c.command(f"z{i + 2} DELETE {self.quote(name)}")
            c.command(f'z99 LIST "" {self.quote(self.base + "*")}')
            left = [line for line in quiet[-3:] if "* LIST" in line]
            if left:
                print(f"warning: scratch mailboxes left behind: {left}", file=sys.stderr)
        finally:
            c.close()

    def play(self, text):
        setup, steps = parse_scenario(text)
        self.setup_world()
        try:
            self.log("# setup")
            for n, cmd in setup:
                c = self.conn(n)
                letter = "ABC"[n - 1]
                if cmd.startswith("LOGIN "):
                    self.login(c, letter)
                else:
                    c.command(f"{c.next_tag(letter)} {self.rename(cmd)}")
                self.settle()
            self.log("# scenario")
            for n, cmd, literal in steps:
                if cmd == "(disconnect)":
                    c = self.conn(n)
                    self.log(f"C{n}: (disconnect)")
                    c.sock.close()
                    c.closed = True
                    self.settle()
                    continue
                c = self.conn(n)
                if c.closed:
                    self.log(f"# C{n}: {cmd} not sent: connection {n} is closed")
                    continue
                c.command(self.rename(cmd), literal)
                self.settle()
        finally:
            for c in self.conns.values():
                c.close()
            self.cleanup()

    def settle(self):
        """Lets every open connection show what arrived unasked."""
        time.sleep(QUIET)
        for c in self.conns.values():
            c.drain(0.05)


def discover(args):
    """Fills in args.prefix and args.sep from NAMESPACE (or LIST "" "")."""
    quiet = []
    c = Conn(9, args.port, args.host, quiet.append)
    try:
        if not c.preauth:
            line = c.command(f"n0 LOGIN {args.user} {args.password}")
            if not line or b" OK" not in line:
                raise RuntimeError(f"LOGIN failed: {quiet}")
        c.command("n1 NAMESPACE")
        c.command('n2 LIST "" ""')
        c.command("n3 CAPABILITY")
    finally:
        c.close()
    text = "\n".join(quiet)
    m = re.search(r'\* NAMESPACE \(\("([^"]*)" (?:"([^"]*)"|NIL)\)', text)
    args.prefix = m.group(1) if m else ""
    m = re.search(r'\* LIST \([^)]*\) "([^"]*)"', text)
    args.sep = m.group(1) if m else (args.prefix[-1:] or "/")
    caps = re.search(r"\* CAPABILITY (.*)", text)
    return caps.group(1) if caps else ""


def scenario_files(patterns):
    files = []
    for pattern in patterns:
        files += sorted(glob.glob(os.path.join(ROOT, "scenarios", pattern)))
    return files


def observe(args, label, note):
    caps = discover(args)
    out_dir = os.path.join(args.out, label)
    os.makedirs(out_dir, exist_ok=True)
    scenarios = [(os.path.basename(f)[:-5], open(f).read())
                 for f in scenario_files(["rfc2180-*.imap", "rfc2683-3.1.*.imap"])]
    scenarios += sorted(EXTRA.items())
    if args.only:
        scenarios = [s for s in scenarios if any(o in s[0] for o in args.only)]
    for name, text in scenarios:
        lines = [f"# {label}: {name}, recorded by tests/servers/observe.py; do not edit.",
                 f"# {note}",
                 f"# mailboxes: FOO = {args.prefix}obs-SCRATCH{args.sep}FOO, FRED = ..."
                 f"{args.sep}FRED, BAR = ...{args.sep}BAR; capabilities: {caps}"]
        run = Run(args, lines)
        try:
            run.play(text)
        except Exception as e:  # record and go on with the next scenario
            lines.append(f"# error: {type(e).__name__}: {e}")
            print(f"{name}: {type(e).__name__}: {e}", file=sys.stderr)
        with open(os.path.join(out_dir, name + ".txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{label}/{name}.txt", file=sys.stderr)


def interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    # Ctrl-C and SIGTERM both unwind through the `finally` blocks that delete the scratch
    # mailbox and stop the server (SIGINT is set explicitly: a background job inherits it ignored).
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--start", choices=["dovecot", "cyrus", "courier"],
                    help="start this server with tests/servers/servers.py, stop it after")
    ap.add_argument("--connect", metavar="HOST:PORT", help="use a server already running")
    ap.add_argument("--user", default="ref")
    ap.add_argument("--password", default="ref")
    ap.add_argument("--name", help="transcript directory name (with --connect)")
    ap.add_argument("--port", type=int, help="port for --start")
    ap.add_argument("--out", default=os.path.join(HERE, "transcripts"))
    ap.add_argument("--only", nargs="*", help="only scenarios whose name contains one of these")
    args = ap.parse_args()
    if bool(args.start) == bool(args.connect):
        ap.error("give exactly one of --start and --connect")
    if args.connect:
        host, _, port = args.connect.rpartition(":")
        args.host, args.port = host or "127.0.0.1", int(port)
        observe(args, args.name or f"{args.host}-{args.port}", f"server at {args.connect}")
        return
    sys.path.insert(0, HERE)
    import servers
    with servers.start(args.start, args.port) as server:
        args.host, args.port = "127.0.0.1", server.port
        if server.user:
            args.user, args.password = server.user, server.password
        note = f"{server.name} {server.version}, started by tests/servers/servers.py"
        print(f"{note}; ready {server.ready_seconds:.2f}s after start", file=sys.stderr)
        observe(args, f"{server.name}-{server.version}", note)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt as e:
        sys.exit(f"interrupted ({e or 'Ctrl-C'}); scratch mailbox deleted, server stopped")
