#!/usr/bin/env python3
"""Runs dovecot 2.3 (Debian's dovecot-imapd) by hand on a loopback port and records the reference
transcripts the known-answer tests in tests/dovecot_kat.rs compare against:

    src/server/mime/testdata/dovecot-2.3.19.1-sections.txt  BODY[section] forms (RFC 3501 §6.4.5)
    src/server/mime/testdata/dovecot-2.3.19.1-search.txt    SEARCH text keys (RFC 3501 §6.4.4)
    src/server/mime/testdata/dovecot-2.3.19.1-fetch.txt     ENVELOPE, BODY, BODYSTRUCTURE

Usage (as root or any user; needs `apt-get install dovecot-imapd`, which must not be running as
a service on the chosen port):

    python3 tests/dovecot/reference.py [--port 14399]

The server runs from tests/dovecot/dovecot.conf.in with its own base_dir, a Maildir and a
passwd-file under a temporary directory, and is stopped at the end. Transcript format: `M: file`
names a message APPENDed (in this order) to the mailbox of the transcript; `C: line` is a command
sent after SELECT; the server's bytes follow verbatim up to and including the tagged response.
"""

import argparse
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTDATA = os.path.join(ROOT, "src", "server", "mime", "testdata")
WORLD = os.path.join(ROOT, "src", "server", "world")

# Messages whose every section form is fetched: a single-part message, the sample multiparts,
# a digest, a top-level message/rfc822, a message without a body, and one tree holding every
# kind of part (sections.eml).
SECTION_MESSAGES = [
    os.path.join(WORLD, "foo-2.eml"),
    os.path.join(WORLD, "inbox-1-alternative.eml"),
    os.path.join(WORLD, "inbox-2-attachment.eml"),
    os.path.join(WORLD, "inbox-3-forward.eml"),
    os.path.join(TESTDATA, "digest.eml"),
    os.path.join(TESTDATA, "nested-rfc822.eml"),
    os.path.join(TESTDATA, "noblank.eml"),
    os.path.join(TESTDATA, "sections.eml"),
]

# Part numbers tried on every message: existing and missing parts at three depths.
PATHS = ["", "1", "2", "3", "4", "5", "6", "1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2",
         "4.1", "4.2", "1.1.1", "2.1.1", "2.2.1", "3.1.1", "4.1.1", "4.2.1"]

FIELDS = "(Subject Content-Type)"


def section_items(path):
    """Every section-text form of RFC 3501 §6.4.5 on one part number, and partials."""
    p = path + "." if path else ""
    items = [f"BODY.PEEK[{path}]", f"BODY.PEEK[{p}HEADER]", f"BODY.PEEK[{p}TEXT]",
             f"BODY.PEEK[{p}HEADER.FIELDS {FIELDS}]", f"BODY.PEEK[{p}HEADER.FIELDS.NOT {FIELDS}]",
             f"BODY.PEEK[{path}]<0.7>", f"BODY.PEEK[{p}TEXT]<3.9>", f"BODY.PEEK[{path}]<100000.4>"]
    if path:
        items += [f"BODY.PEEK[{path}.MIME]", f"BODY.PEEK[{path}.MIME]<2.5>"]
    return items


def section_commands(count):
    cmds = []
    for n in range(1, count + 1):
        for path in PATHS:
            cmds.append(f"FETCH {n} ({' '.join(section_items(path))})")
        # The RFC 3501 §6.4.5 shorthands and BODY[MIME] without a part (not in the grammar).
        cmds.append(f"FETCH {n} (RFC822.HEADER RFC822.TEXT RFC822.SIZE)")
        cmds.append(f"FETCH {n} (BODY.PEEK[MIME])")
    return cmds


SEARCH_MESSAGES = [os.path.join(WORLD, n) for n in sorted(os.listdir(WORLD))] + [
    os.path.join(TESTDATA, n) for n in
    ["addresses.eml", "rfc2231.eml", "sections.eml", "search-mime-headers.eml",
     "search-addresses.eml", "search-trailing.eml", "search-subject.eml"]]

SEARCH_COMMANDS = [
    # TEXT / BODY: header lines of MIME parts inside the body.
    "SEARCH BODY quarterly-report", "SEARCH TEXT quarterly-report",
    "SEARCH BODY q3-figures.pdf", "SEARCH TEXT q3-figures", "SEARCH BODY \"Zebra crossing\"",
    "SEARCH BODY application/pdf", "SEARCH BODY Content-Disposition", "SEARCH BODY blob.bin",
    "SEARCH BODY dot.png", "SEARCH BODY \"first leaf\"", "SEARCH BODY Resume.pdf",
    "SEARCH BODY Curriculum", "SEARCH BODY boundary", "SEARCH BODY preamble",
    "SEARCH BODY epilogue", "SEARCH BODY \"inner multi\"", "SEARCH BODY JVBERi0xLjQK",
    "SEARCH BODY iVBORw0KGgo", "SEARCH BODY multipart/alternative", "SEARCH BODY Subject",
    "SEARCH TEXT Subject", "SEARCH BODY MIME-Version", "SEARCH TEXT \"See the attachments\"",
    "SEARCH BODY filename", "SEARCH BODY charset", "SEARCH BODY \"--top\"",
    # FROM / TO / CC / BCC: parsed addresses, display names, comments, groups, encoded words.
    "SEARCH FROM user@example.org", "SEARCH FROM user", "SEARCH FROM example.org",
    "SEARCH FROM comment", "SEARCH FROM \"user (comment)\"", "SEARCH FROM \"<user\"",
    "SEARCH TO ann@alpha.example", "SEARCH TO \"Team Alpha\"", "SEARCH TO \"Ben Bo\"",
    "SEARCH TO carl@example.com", "SEARCH TO \"Ben Bo <ben\"", "SEARCH TO \"ben@alpha.example>\"",
    "SEARCH TO \"Alpha:\"", "SEARCH CC joerg@example.de", "SEARCH CC J=C3=B6rg",
    "SEARCH CHARSET UTF-8 CC {}Jörg", "SEARCH CHARSET UTF-8 CC {}Jörg Müller",
    "SEARCH CC \"=?utf-8?Q?\"", "SEARCH CC \"Müller <joerg\"",
    "SEARCH BCC \"Doe, Jane\"", "SEARCH BCC jane.doe@example.net", "SEARCH BCC Finance",
    "SEARCH BCC \"\\\"Doe\"", "SEARCH FROM \"Smith, Jane\"", "SEARCH FROM \"John Doe\"",
    "SEARCH FROM john@example.com", "SEARCH TO Friends", "SEARCH TO nodomain",
    "SEARCH CC \"quoted local\"", "SEARCH CC \"quoted local@example.com\"",
    "SEARCH BCC jqp@[192.0.2.1]", "SEARCH BCC \"John Q. Public\"", "SEARCH FROM Alice",
    "SEARCH FROM \"alice@example.org\"", "SEARCH FROM \"Alice Martin <alice@example.org>\"",
    "SEARCH FROM \"\"", "SEARCH BCC \"\"", "SEARCH TO undisclosed-recipients",
    "SEARCH CHARSET UTF-8 FROM {}Jörg", "SEARCH CHARSET UTF-8 TEXT {}Résumé",
    "SEARCH TO \"\\\"Team Alpha\\\": <ann\"", "SEARCH TO \"\\\"Team Alpha\\\":<ann\"",
    "SEARCH TO \">;, <carl\"", "SEARCH TO \">;,<carl\"", "SEARCH TO \"<test@\"",
    "SEARCH FROM \"\\\"Alice Martin\\\" <alice@example.org>\"", "SEARCH FROM \"Shop <shop\"",
    "SEARCH BCC \"\\\"John Q. Public\\\" <jqp\"", "SEARCH TO \"example>, <\"",
    "SEARCH CC \"<\\\"quoted local\\\"@example.com>\"", "SEARCH TO \"Friends:\"",
    "SEARCH TEXT \"Inner Two\"", "SEARCH BODY \"Inner Two\"", "SEARCH TEXT preamble",
    "SEARCH TEXT JVBERi0xLjQK", "SEARCH TEXT \"Content-Type: text/html\"",
    "SEARCH TEXT \"name=\\\"blob.bin\\\"\"", "SEARCH BODY \"inner text part\"", "SEARCH FROM joerg",
    # Trailing whitespace left by folding (RFC 5322 §2.2.3) in SEARCH HEADER / SUBJECT.
    "SEARCH SUBJECT \"folded subject\"", "SEARCH SUBJECT \"folded subject \"",
    "SEARCH SUBJECT \"subject \t\"", "SEARCH SUBJECT \"subject  \"",
    "SEARCH HEADER X-Trail \"space \"", "SEARCH HEADER X-Trail \"space   \"",
    "SEARCH HEADER X-Fold \"first  second\"", "SEARCH HEADER X-Fold \"first second\"",
    "SEARCH HEADER X-Fold \"second \"", "SEARCH HEADER X-Fold second",
    "SEARCH HEADER X-Fold \"\"",
    "SEARCH SUBJECT \"two  spaces\"", "SEARCH SUBJECT \"two spaces\"",
    "SEARCH SUBJECT \"and a fold\"", "SEARCH SUBJECT \"and\ta\"", "SEARCH SUBJECT \"fold \"",
    "SEARCH SUBJECT \"fold  \"", "SEARCH HEADER X-Two \"two  spaces\"",
    "SEARCH HEADER X-Two \"and\ta\"", "SEARCH HEADER X-Two \"fold \"",
    "FETCH 18:20 (ENVELOPE)",
]


class Session:
    def __init__(self, port, out):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.out = out
        self.n = 0
        self.readline()  # greeting

    def readline(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("server closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def read(self, n):
        while len(self.buf) < n:
            self.buf += self.sock.recv(65536)
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def response(self, tag):
        """Everything up to and including the tagged line, literals included."""
        got = b""
        while True:
            line = self.readline()
            got += line
            while line.endswith(b"}\r\n") and b"{" in line:
                size = int(line[line.rindex(b"{") + 1:-3])
                got += self.read(size)
                line = self.readline()
                got += line
            if line.startswith(tag.encode() + b" "):
                return got

    def command(self, text, record=True):
        """Sends one command; `{}` in `text` marks a LITERAL+ string holding the rest of it."""
        self.n += 1
        tag = f"a{self.n}"
        head, _, literal = text.partition("{}")
        line = f"{tag} {head}".encode()
        if _:
            data = literal.encode()
            line += b"{%d+}\r\n" % len(data) + data
        self.sock.sendall(line + b"\r\n")
        resp = self.response(tag)
        if record:
            self.out.write(b"C: " + line + b"\r\n" + resp)
        return resp

    def append(self, mailbox, path, note=True):
        raw = open(path, "rb").read()
        self.n += 1
        tag = f"a{self.n}"
        self.sock.sendall(f"{tag} APPEND {mailbox} {{{len(raw)}+}}\r\n".encode() + raw + b"\r\n")
        resp = self.response(tag)
        if not resp.split(b"\r\n")[-2].startswith(f"{tag} OK".encode()):
            raise RuntimeError(resp)
        if note:
            self.out.write(b"M: " + os.path.basename(path).encode() + b"\r\n")


STRUCTURE_MESSAGES = [os.path.join(WORLD, n) for n in sorted(os.listdir(WORLD))] + [
    os.path.join(TESTDATA, n) for n in
    ["addresses.eml", "digest.eml", "lfonly.eml", "missing-end.eml", "nested-rfc822.eml",
     "noblank.eml", "noboundary.eml", "rfc2231.eml"]]


def record_structure(port, target):
    """The older format of dovecot-*-fetch.txt (read by src/server/mime/tests.rs): for each
    message `=== name` and dovecot's answer to FETCH n (ENVELOPE BODY BODYSTRUCTURE)."""
    with open(target, "wb") as out:
        s = Session(port, out)
        s.command("LOGIN ref ref", record=False)
        s.command("CREATE structure", record=False)
        for m in STRUCTURE_MESSAGES:
            s.append("structure", m, note=False)
        s.command("SELECT structure", record=False)
        for n, m in enumerate(STRUCTURE_MESSAGES, 1):
            out.write(b"=== " + os.path.basename(m).encode() + b"\n")
            out.write(s.command(f"FETCH {n} (ENVELOPE BODY BODYSTRUCTURE)", record=False))
        s.command("LOGOUT", record=False)


def record(port, target, mailbox, messages, commands, version):
    with open(target, "wb") as out:
        out.write(f"# {version} answers, recorded by tests/dovecot/reference.py; do not edit.\r\n"
                  .encode())
        s = Session(port, out)
        s.command("LOGIN ref ref", record=False)
        s.command(f"CREATE {mailbox}", record=False)
        for m in messages:
            s.append(mailbox, m)
        s.command(f"SELECT {mailbox}", record=False)
        for c in commands(len(messages)) if callable(commands) else commands:
            s.command(c)
        s.command("LOGOUT", record=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=14399)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    version = subprocess.run([dovecot, "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[0]
    tmp = tempfile.mkdtemp(prefix="dovecot-ref-")
    os.chmod(tmp, 0o755)  # the login and auth processes run as other users
    user = "dovecot" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    os.makedirs(os.path.join(tmp, "mail"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam(user)
        os.chown(os.path.join(tmp, "mail"), pw.pw_uid, pw.pw_gid)
    with open(os.path.join(tmp, "passwd"), "w") as f:
        f.write("ref:{PLAIN}ref::::::\n")
    conf = os.path.join(tmp, "dovecot.conf")
    template = open(os.path.join(ROOT, "tests", "dovecot", "dovecot.conf.in")).read()
    with open(conf, "w") as f:
        f.write(template.replace("@DIR@", tmp).replace("@PORT@", str(args.port))
                .replace("@USER@", user))
    subprocess.run([dovecot, "-c", conf], check=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        label = f"dovecot {version}"
        record(args.port, os.path.join(TESTDATA, f"dovecot-{version}-sections.txt"), "sections",
               SECTION_MESSAGES, section_commands, label)
        record(args.port, os.path.join(TESTDATA, f"dovecot-{version}-search.txt"), "search",
               SEARCH_MESSAGES, SEARCH_COMMANDS, label)
        record_structure(args.port, os.path.join(TESTDATA, f"dovecot-{version}-fetch.txt"))
    finally:
        subprocess.run([dovecot, "-c", conf, "stop"], check=False)
        if args.keep:
            print(tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
