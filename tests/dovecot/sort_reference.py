#!/usr/bin/env python3
"""SORT and THREAD (RFC 5256, RFC 5957) reference answers from dovecot 2.3 (Debian's
dovecot-imapd), for the known answers in tests/engine_sort.rs
(`sort_and_thread_match_dovecot_2_3_19`): FOO's seven messages and twelve crafted ones are
APPENDed to a new mailbox, then every command of CMDS is sent; the SORT / THREAD lines printed.

    python3 tests/dovecot/sort_reference.py dovecot 14477   # a throw-away dovecot, as reference.py
    python3 tests/dovecot/sort_reference.py ours 1143       # a running `imap-sandbox serve`

Run both and diff: they were identical when recorded (dovecot 2.3.19.1).
"""
import io
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as R  # noqa: E402

WORLD = R.WORLD
EXTRA = [
 b"Message-ID: <x1@t>\r\nSubject: [list] Re: Fwd: Hello (fwd)\r\nFrom: =?utf-8?q?Zo=C3=AB?= <zoe@t>\r\nDate: 1 Jan 2024 10:00:00 +0500\r\n\r\nx\r\n",
 b"Message-ID: <x2@t>\r\nReferences: <x1@t> <missing@t>\r\nSubject: hello\r\nFrom: adam@t\r\nDate: 1 Jan 2024 06:00:00 +0000\r\n\r\nx\r\n",
 b"Message-ID: <x3@t>\r\nReferences: <missing@t>\r\nSubject: [fwd: HELLO]\r\nFrom: Bea <bea@t>\r\nDate: bogus\r\n\r\nx\r\n",
 b"Message-ID: <x4@t>\r\nIn-Reply-To: <nothere@t>\r\nSubject: Other\r\nTo: \"Yves\" <y@t>\r\nDate: 2 Jan 2024 00:00:00 -0800\r\n\r\nx\r\n",
 b"Message-ID: <x5@t>\r\nIn-Reply-To: <nothere@t>\r\nSubject: Re: other\r\nCc: c@t\r\nDate: 2 Jan 2024 01:00:00 +0000\r\n\r\nx\r\n",
 b"Message-ID: <x1@t>\r\nSubject: dup id\r\nDate: 3 Jan 2024 01:00:00 +0000\r\n\r\nx\r\n",
 b"Message-ID: <x7@t>\r\nReferences: <x8@t>\r\nSubject: loop a\r\nDate: 3 Jan 2024 02:00:00 +0000\r\n\r\nx\r\n",
 b"Message-ID: <x8@t>\r\nReferences: <x7@t>\r\nSubject: loop b\r\nDate: 3 Jan 2024 03:00:00 +0000\r\n\r\nx\r\n",
 b"Message-ID: <x9@t>\r\nSubject: Re: same\r\nDate: 3 Jan 2024 04:00:00 +0000\r\n\r\nx\r\n",
 b"Message-ID: <x10@t>\r\nSubject: same\r\nDate: 3 Jan 2024 05:00:00 +0000\r\n\r\nx\r\n",
 b"Message-ID: <x11@t>\r\nSubject: twin\r\nDate: 3 Jan 2024 06:00:00 +0000\r\n\r\nx\r\n",
 b"Message-ID: <x12@t>\r\nSubject: twin\r\nDate: 3 Jan 2024 07:00:00 +0000\r\n\r\nx\r\n",
]
CMDS = ["SORT (SUBJECT) UTF-8 ALL", "SORT (REVERSE SUBJECT) UTF-8 ALL", "SORT (DATE) UTF-8 ALL",
        "SORT (REVERSE DATE) UTF-8 ALL", "SORT (FROM) UTF-8 ALL", "SORT (TO) UTF-8 ALL", "SORT (CC) UTF-8 ALL",
        "SORT (SIZE) UTF-8 ALL", "SORT (ARRIVAL) UTF-8 ALL", "SORT (DISPLAYFROM) UTF-8 ALL", "SORT (DISPLAYTO) UTF-8 ALL",
        "SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
        "THREAD ORDEREDSUBJECT UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL", "UID THREAD REFERENCES UTF-8 NOT SUBJECT twin"]

# Subjects for the i;unicode-casemap comparison (RFC 5051): accents, ß, Ø, ÿ, digraphs, ª, ²,
# ĳ, a no-break space. Each in its own message of mailbox "uni", sorted by SORT (SUBJECT).
UNICODE_SUBJECTS = ["cafz", "café", "cafe", "Ébène", "ezra", "Ezra", "straße", "strasse",
                    "strast", "ÿes", "yet", "Øre", "ore", "öre", "Ǆx", "ǅy", "ªz", "ab", "b",
                    "ĳa", "ik", "ij", "2x", "²y", "\u00a0q", " r", "Dzz", "Ez"]


def unicode_session(port, user, pw):
    s = R.Session(port, io.BytesIO())
    s.command(f"LOGIN {user} {pw}", record=False)
    s.command("CREATE uni", record=False)
    for i, subject in enumerate(UNICODE_SUBJECTS):
        raw = f"Subject: {subject}\r\nDate: 1 Jan 2024 10:00:00 +0000\r\n\r\nx\r\n".encode()
        s.n += 1
        tag = f"a{s.n}"
        s.sock.sendall(f"{tag} APPEND uni {{{len(raw)}+}}\r\n".encode() + raw + b"\r\n")
        s.response(tag)
    s.command("SELECT uni", record=False)
    r = s.command("SORT (SUBJECT) UTF-8 ALL", record=False).decode()
    return [("SORT (SUBJECT) UTF-8 ALL [uni]", [l for l in r.split("\r\n") if l.startswith("* SORT")])]


def session(port, user, pw):
    out = io.BytesIO()
    s = R.Session(port, out)
    s.command(f"LOGIN {user} {pw}", record=False)
    s.command("CREATE srt", record=False)
    paths = [os.path.join(WORLD, f"foo-{i}.eml") for i in range(1, 8)]
    for p in paths:
        s.append("srt", p, note=False)
    for i, raw in enumerate(EXTRA):
        s.n += 1
        tag = f"a{s.n}"
        s.sock.sendall(f'{tag} APPEND srt "{i+1:02d}-Feb-2024 10:00:00 +0000" {{{len(raw)}+}}\r\n'.encode() + raw + b"\r\n")
        s.response(tag)
    s.command("SELECT srt", record=False)
    res = []
    for c in CMDS:
        r = s.command(c, record=False).decode()
        res.append((c, [l for l in r.split("\r\n") if l.startswith("* SORT") or l.startswith("* THREAD") or " NO " in l or " BAD " in l]))
    return res

mode = sys.argv[1]
port = int(sys.argv[2])
if mode == "dovecot":
    dovecot = "/usr/sbin/dovecot"
    tmp = tempfile.mkdtemp(prefix="dovecot-sort-")
    os.chmod(tmp, 0o755)
    user = "dovecot"
    os.makedirs(os.path.join(tmp, "mail"))
    pw = pwd.getpwnam(user); os.chown(os.path.join(tmp, "mail"), pw.pw_uid, pw.pw_gid)
    open(os.path.join(tmp, "passwd"), "w").write("ref:{PLAIN}ref::::::\n")
    conf = os.path.join(tmp, "dovecot.conf")
    t = open(os.path.join(R.ROOT, "tests", "dovecot", "dovecot.conf.in")).read()
    open(conf, "w").write(t.replace("@DIR@", tmp).replace("@PORT@", str(port)).replace("@USER@", user))
    subprocess.run([dovecot, "-c", conf], check=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close(); break
            except OSError: time.sleep(0.1)
        res = session(port, "ref", "ref") + unicode_session(port, "ref", "ref")
    finally:
        subprocess.run([dovecot, "-c", conf, "stop"], check=False)
        shutil.rmtree(tmp, ignore_errors=True)
else:
    res = session(port, "alice", "alice") + unicode_session(port, "alice", "alice")
for c, r in res:
    print(c, "=>", " | ".join(r))
