"""Drives a running imap-sandbox server with Python's imaplib (stdlib only).

    python3 tests/native_imaplib.py PORT SCENARIO

Scenarios (run by tests/native_imaplib.rs, each against a fresh server):
  session   three connections on one mailbox: every command a mail client uses, IDLE included
  sever     a socket closed without LOGOUT expunges nothing (RFC 2683 §3.1.2)
  users     the server was started with --user me:secret only
  qresync   a client away while another expunged and changed flags resynchronises with one
            SELECT (QRESYNC, RFC 7162 §3.2.5) and ends with the server's flags and UIDs

Prints a transcript of what it checked; exits non-zero on the first failed check.
"""

import imaplib
import re
import sys
import time

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
SCENARIO = sys.argv[2]

MESSAGE = (
    b"From: Tester <tester@example.org>\r\n"
    b"To: alice@example.org\r\n"
    b"Subject: imaplib test\r\n"
    b"Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    b"Message-ID: <imaplib-1@example.org>\r\n"
    b"\r\n"
    b"Hello from imaplib.\r\n"
)


def check(cond, what, got=None):
    if not cond:
        print(f"FAIL: {what}" + ("" if got is None else f"\n  got: {got!r}"))
        sys.exit(1)
    print(f"ok: {what}")


def ok(result, what):
    typ, data = result
    check(typ == "OK", what, result)
    return data


def connect(user, password=None):
    c = imaplib.IMAP4(HOST, PORT, timeout=10)
    ok(c.login(user, password or user), f"LOGIN {user}")
    return c


def untagged(c, name):
    """The untagged responses of this kind received since last asked (imaplib keeps them)."""
    _, data = c.response(name)
    return [d for d in data if d is not None]


def session():
    c1, c2, c3 = connect("alice"), connect("bob"), connect("carol")

    names = ok(c1.list(), "LIST")
    for name in (b"INBOX", b"FOO", b"FRED", b"Archive"):
        check(any(line.endswith(b" " + name) for line in names), f"LIST shows {name}", names)

    for c in (c1, c2, c3):
        check(ok(c.select("FOO"), "SELECT FOO") == [b"7"], "FOO has 7 messages")

    # APPEND: the APPENDUID code (RFC 4315 §3), EXISTS for the appender at once.
    data = ok(c1.append("FOO", "(\\Flagged)", None, MESSAGE), "APPEND")
    m = re.search(rb"APPENDUID (\d+) (\d+)", data[0])
    check(m is not None, "APPEND answers APPENDUID", data)
    new_uid = int(m.group(2))
    check(b"8" in untagged(c1, "EXISTS"), "appender sees 8 EXISTS")

    # Another session learns of it with its next command (RFC 3501 §7.3.1).
    ok(c2.noop(), "NOOP")
    check(b"8" in untagged(c2, "EXISTS"), "second session sees 8 EXISTS after NOOP")

    data = ok(
        c2.fetch("8", "(FLAGS UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])"),
        "FETCH FLAGS UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS]",
    )
    head, literal = data[0]
    check(b"\\Flagged" in head and f"UID {new_uid}".encode() in head, "flags and UID", head)
    check(f"RFC822.SIZE {len(MESSAGE)}".encode() in head, "exact RFC822.SIZE", head)
    check(literal == b"Subject: imaplib test\r\n\r\n", "header field literal", literal)

    data = ok(c2.fetch("8", "(BODY[])"), "FETCH BODY[]")
    check(data[0][1] == MESSAGE, "BODY[] is the appended octets", data)
    # RFC 3501 §6.4.5: BODY[] sets \Seen; the other sessions hear of it (§7.4.2).
    ok(c1.noop(), "NOOP")
    fetches = untagged(c1, "FETCH")
    check(any(f.startswith(b"8 (FLAGS") and b"\\Seen" in f for f in fetches),
          "first session told of \\Seen", fetches)

    # c3 has not been told of message 8 yet: SEARCH only sees what the session knows, and
    # the EXISTS comes after the results. A NOOP first, as a client would.
    ok(c3.noop(), "NOOP")
    found = ok(c3.search(None, "SUBJECT", '"imaplib test"'), "SEARCH SUBJECT")
    check(found == [b"8"], "SEARCH SUBJECT finds message 8", found)
    data = ok(c3.uid("SEARCH", "FLAGGED"), "UID SEARCH FLAGGED")
    check(str(new_uid).encode() in data[0].split(), "UID SEARCH finds the new UID", data)
    check(ok(c3.search(None, "UNSEEN"), "SEARCH UNSEEN") == [b"1 2 3 4 5 6 7"],
          "SEARCH UNSEEN", None)

    data = ok(c3.store("1", "+FLAGS", "(\\Answered)"), "STORE +FLAGS")
    check(any(b"\\Answered" in d for d in data), "STORE answers the new flags", data)
    ok(c1.noop(), "NOOP")
    fetches = untagged(c1, "FETCH")
    check(any(f.startswith(b"1 (FLAGS (\\Answered") for f in fetches),
          "first session told of the STORE", fetches)

    before = ok(c1.status("FRED", "(MESSAGES)"), "STATUS FRED")
    count = int(re.search(rb"MESSAGES (\d+)", before[0]).group(1))
    data = ok(c1.copy("1:2", "FRED"), "COPY 1:2 FRED")
    check(b"COPYUID" in data[0], "COPY answers COPYUID", data)
    after = ok(c1.status("FRED", "(MESSAGES)"), "STATUS FRED")
    check(f"MESSAGES {count + 2}".encode() in after[0], "FRED has two more", after)

    # MOVE (RFC 6851): the mover is told EXPUNGE at once, the others at their next command.
    ok(c1.uid("MOVE", str(new_uid), "Archive"), "UID MOVE to Archive")
    check(b"8" in untagged(c1, "EXPUNGE"), "mover sees 8 EXPUNGE")
    ok(c2.noop(), "NOOP")
    check(b"8" in untagged(c2, "EXPUNGE"), "second session sees 8 EXPUNGE")
    data = ok(c2.status("Archive", "(MESSAGES)"), "STATUS Archive")
    check(b"MESSAGES 1" in data[0], "Archive holds the moved message", data)

    ok(c2.store("2", "+FLAGS.SILENT", "(\\Deleted)"), "STORE +FLAGS.SILENT \\Deleted")
    check(ok(c2.expunge(), "EXPUNGE") == [b"2"], "EXPUNGE answers 2 EXPUNGE")

    # IDLE (RFC 2177): imaplib has no helper, so the raw command on c3's connection.
    ok(c3.noop(), "NOOP before IDLE")
    c3.send(b"i1 IDLE\r\n")
    line = c3.readline()
    check(line.startswith(b"+"), "IDLE continuation", line)
    ok(c1.append("FOO", None, None, MESSAGE), "APPEND while c3 idles")
    pushed = []
    while not any(p.endswith(b"EXISTS\r\n") for p in pushed):
        pushed.append(c3.readline())
    check(b"* 7 EXISTS\r\n" in pushed, "idler is pushed 7 EXISTS", pushed)
    c3.send(b"DONE\r\n")
    line = c3.readline()
    while line.startswith(b"* "):
        line = c3.readline()
    check(line.startswith(b"i1 OK"), "DONE ends IDLE with OK", line)

    for c in (c1, c2, c3):
        typ, _ = c.logout()
        check(typ == "BYE", "LOGOUT answers BYE")


def sever():
    # The server runs with select-shared=refuse (RFC 2683 §3.1.1): while c1 has FOO selected,
    # a second SELECT is answered NO [INUSE] (RFC 9051 §7.1). So the moment the SELECT goes
    # through shows that the server has ended c1's session for the closed socket.
    c1, c2 = connect("alice"), connect("bob")
    check(ok(c1.select("FOO"), "SELECT FOO") == [b"7"], "FOO has 7 messages")
    typ, data = c2.select("FOO")
    check(typ == "NO" and data[0].startswith(b"[INUSE]"),
          "a second SELECT is refused with INUSE", (typ, data))
    ok(c1.store("1", "+FLAGS", "(\\Deleted)"), "STORE 1 +FLAGS \\Deleted")
    # Close the socket without LOGOUT or CLOSE.
    c1.shutdown()
    # The close reaches the engine in its own time: retry, bounded, until INUSE clears.
    deadline = time.monotonic() + 10
    attempts = 0
    while True:
        attempts += 1
        typ, data = c2.select("FOO")
        if typ == "OK" or time.monotonic() > deadline:
            break
        check(typ == "NO" and data[0].startswith(b"[INUSE]"),
              "while c1's session lasts, SELECT is refused with INUSE", (typ, data))
        time.sleep(0.01)
    check(typ == "OK", f"SELECT FOO succeeds once the severed session is gone "
          f"({attempts} attempts)", (typ, data))
    # RFC 2683 §3.1.2: a severed connection is a logout, not a CLOSE; nothing is expunged.
    check(data == [b"7"], "still 7 messages", data)
    data = ok(c2.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"), "FETCH 1:*")
    ids = [part[1] for part in data if isinstance(part, tuple)]
    check(len(ids) == 7 and len(set(ids)) == 7, "seven distinct messages", ids)
    flags = [part[0] for part in data if isinstance(part, tuple)]
    check(flags[0].startswith(b"1 (") and b"\\Deleted" in flags[0],
          "message 1 still there, \\Deleted", flags)
    c2.logout()


def users():
    c = connect("me", "secret")
    ok(c.select("INBOX"), "SELECT INBOX")
    c.logout()
    try:
        imaplib.IMAP4(HOST, PORT, timeout=10).login("alice", "alice")
    except imaplib.IMAP4.error as e:
        print(f"ok: alice refused ({e})")
    else:
        check(False, "alice must be refused when --user is given")


def flags_by_uid(lines):
    """UID -> set of flags, from FETCH response texts that carry UID and FLAGS."""
    out = {}
    for line in lines:
        if isinstance(line, tuple):
            line = line[0]
        uid = re.search(rb"UID (\d+)", line)
        flags = re.search(rb"FLAGS \(([^)]*)\)", line)
        if uid and flags:
            out[int(uid.group(1))] = set(flags.group(1).split())
    return out


def uid_set(text):
    """The UIDs of a sequence set without *: b"4:5,7" -> {4, 5, 7}."""
    uids = set()
    for part in text.split(b","):
        lo, _, hi = part.partition(b":")
        lo, hi = int(lo), int(hi or lo)
        uids.update(range(min(lo, hi), max(lo, hi) + 1))
    return uids


def qresync():
    # c2 caches FOO, with QRESYNC enabled (RFC 7162 §3.2.3), then goes away.
    c2 = connect("bob")
    data = ok(c2.enable("QRESYNC"), "ENABLE QRESYNC")
    check(untagged(c2, "ENABLED") == [b"QRESYNC"], "ENABLED QRESYNC")
    ok(c2.select("FOO"), "SELECT FOO")
    uidvalidity = int(untagged(c2, "UIDVALIDITY")[0])
    highest = int(untagged(c2, "HIGHESTMODSEQ")[0])
    check(highest > 0, f"SELECT reports HIGHESTMODSEQ {highest} once QRESYNC is enabled")
    cache = flags_by_uid(ok(c2.uid("FETCH", "1:*", "(UID FLAGS)"), "UID FETCH 1:* (FLAGS)"))
    check(sorted(cache) == list(range(1, 8)), "c2 caches UIDs 1 to 7", cache)
    c2.shutdown()

    # Meanwhile c1 changes flags, expunges and adds a message.
    c1 = connect("alice")
    ok(c1.select("FOO"), "c1: SELECT FOO")
    ok(c1.uid("STORE", "2", "+FLAGS", "(\\Seen)"), "c1: UID STORE 2 +FLAGS \\Seen")
    ok(c1.uid("STORE", "4:5", "+FLAGS", "(\\Deleted)"), "c1: UID STORE 4:5 +FLAGS \\Deleted")
    ok(c1.expunge(), "c1: EXPUNGE")
    ok(c1.uid("STORE", "7", "FLAGS", "(\\Flagged $Work)"), "c1: UID STORE 7 FLAGS")
    ok(c1.append("FOO", None, None, MESSAGE), "c1: APPEND")
    c1.logout()

    # c2 comes back: one SELECT with QRESYNC tells it what changed since `highest`.
    c3 = connect("bob")
    ok(c3.enable("QRESYNC"), "ENABLE QRESYNC again (a new connection)")
    known = ",".join(str(u) for u in sorted(cache))
    typ, data = c3._simple_command("SELECT", f"FOO (QRESYNC ({uidvalidity} {highest} {known}))")
    check(typ == "OK", "SELECT FOO (QRESYNC ...)", (typ, data))
    c3.state = "SELECTED"
    vanished = untagged(c3, "VANISHED")
    check(len(vanished) == 1 and vanished[0].startswith(b"(EARLIER) "),
          "one VANISHED (EARLIER)", vanished)
    gone = uid_set(vanished[0][len(b"(EARLIER) "):])
    check(gone == {4, 5}, "VANISHED (EARLIER) names UIDs 4 and 5", gone)
    changed = flags_by_uid(untagged(c3, "FETCH"))
    check(sorted(changed) == [2, 7], "FETCH for the two messages whose flags changed", changed)
    for uid in gone:
        cache.pop(uid)
    cache.update(changed)
    # New messages: UIDs above those the client knew, fetched as usual.
    uidnext = int(untagged(c3, "UIDNEXT")[0])
    new = flags_by_uid(ok(c3.uid("FETCH", f"{max(cache) + 1}:*", "(UID FLAGS)"), "UID FETCH new"))
    check(sorted(new) == [8] and uidnext == 9, "one new message, UID 8", (new, uidnext))
    cache.update(new)

    truth = flags_by_uid(ok(c3.uid("FETCH", "1:*", "(UID FLAGS)"), "UID FETCH 1:* (FLAGS)"))
    check(cache == truth, "the resynchronised cache equals the server's flags and UIDs",
          (cache, truth))
    # And nothing changed since the server's HIGHESTMODSEQ now.
    now = int(untagged(c3, "HIGHESTMODSEQ")[0])
    data = ok(c3.uid("FETCH", "1:*", f"(FLAGS) (CHANGEDSINCE {now} VANISHED)"),
              "UID FETCH (CHANGEDSINCE HIGHESTMODSEQ VANISHED)")
    check(data == [None] and not untagged(c3, "VANISHED"), "nothing changed since", data)
    c3.logout()


{"session": session, "sever": sever, "users": users, "qresync": qresync}[SCENARIO]()
print("all checks passed")
