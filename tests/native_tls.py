"""Drives `imap-sandbox serve --tls` with Python's imaplib and ssl (stdlib only).

    python3 tests/native_tls.py PLAIN_PORT TLS_PORT CERT_FILE FINGERPRINT SCENARIO

CERT_FILE and FINGERPRINT are what the server printed at start for its self-signed
certificate. Scenarios (run by tests/native_tls.rs, each against a fresh server):
  imaps        IMAP4_SSL on the implicit-TLS port (RFC 8314), the certificate as the CA
  fingerprint  IMAP4_SSL without a CA, checking the certificate's SHA-256 fingerprint instead
  starttls     IMAP4.starttls() on the plain port (RFC 3501 §6.2.1): capabilities asked again
  injection    clear text pipelined after STARTTLS is never run (RFC 9051 §6.2.1)
  require      the server runs with --require-tls: LOGIN refused until STARTTLS

Prints a transcript of what it checked; exits non-zero on the first failed check.
"""

import hashlib
import imaplib
import socket
import ssl
import sys

HOST = "127.0.0.1"
PLAIN_PORT = int(sys.argv[1])
TLS_PORT = int(sys.argv[2])
CERT = sys.argv[3]
FINGERPRINT = sys.argv[4]
SCENARIO = sys.argv[5]


def check(cond, what, got=None):
    if not cond:
        print(f"FAIL: {what}" + ("" if got is None else f"\n  got: {got!r}"))
        sys.exit(1)
    print(f"ok: {what}")


def ok(result, what):
    typ, data = result
    check(typ == "OK", what, result)
    return data


def trusting_the_cert():
    """Verifies the chain and the host name against the generated certificate."""
    return ssl.create_default_context(cafile=CERT)


def imaps():
    for host in ("127.0.0.1", "localhost"):
        c = imaplib.IMAP4_SSL(host, TLS_PORT, ssl_context=trusting_the_cert(), timeout=10)
        check(c.sock.version() in ("TLSv1.3", "TLSv1.2"), f"{host}: TLS ({c.sock.version()})")
        check("STARTTLS" not in c.capabilities, "no STARTTLS on the implicit-TLS port",
              c.capabilities)
        ok(c.login("alice", "alice"), "LOGIN over IMAPS")
        check(ok(c.select("INBOX"), "SELECT INBOX") != [], "INBOX selected")
        typ, _ = c.logout()
        check(typ == "BYE", "LOGOUT answers BYE")


def fingerprint():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # pinned by fingerprint below instead
    c = imaplib.IMAP4_SSL(HOST, TLS_PORT, ssl_context=ctx, timeout=10)
    der = c.sock.getpeercert(binary_form=True)
    seen = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    check(seen == FINGERPRINT, "the certificate's SHA-256 is the one printed", seen)
    ok(c.login("bob", "bob"), "LOGIN")
    c.logout()


def starttls():
    c = imaplib.IMAP4(HOST, PLAIN_PORT, timeout=10)
    check("STARTTLS" in c.capabilities, "STARTTLS advertised on the plain port",
          c.capabilities)
    check("LOGINDISABLED" not in c.capabilities, "LOGIN allowed (no --require-tls)")
    ok(c.starttls(ssl_context=trusting_the_cert()), "STARTTLS")
    # imaplib asked for the capabilities again after the handshake (RFC 3501 §6.2.1).
    check("STARTTLS" not in c.capabilities, "no STARTTLS once on TLS", c.capabilities)
    check(c.sock.version() in ("TLSv1.3", "TLSv1.2"), f"on {c.sock.version()}")
    # imaplib itself refuses a second starttls(); the raw command (RFC 9051 §6.2.1: BAD).
    try:
        c._simple_command("STARTTLS")
    except imaplib.IMAP4.error as e:
        check("BAD" in str(e) and "already active" in str(e),
              f"a second STARTTLS is BAD ({e})", str(e))
    else:
        check(False, "a second STARTTLS must be refused")
    ok(c.login("alice", "alice"), "LOGIN after STARTTLS")
    ok(c.noop(), "NOOP")
    c.logout()


def read_all(sock):
    data = b""
    while True:
        try:
            chunk = sock.recv(4096)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


def injection():
    for separate in (False, True):
        name = f"Injected{int(separate)}"
        s = socket.create_connection((HOST, PLAIN_PORT), timeout=10)
        greeting = s.recv(4096)
        check(b"STARTTLS" in greeting, "STARTTLS offered", greeting)
        injected = f"b LOGIN alice alice\r\nc CREATE {name}\r\n".encode()
        if separate:
            s.sendall(b"a STARTTLS\r\n")
            s.sendall(injected)
        else:
            s.sendall(b"a STARTTLS\r\n" + injected)
        answer = read_all(s)
        s.close()
        how = "in a second write" if separate else "in the same write"
        check(answer.startswith(b"a OK"), f"STARTTLS answered OK ({how})", answer)
        rest = answer.split(b"\r\n", 1)[1]
        check(b"b OK" not in rest and b"c OK" not in rest,
              f"the pipelined LOGIN and CREATE got no answer ({how})", answer)
        c = imaplib.IMAP4_SSL(HOST, TLS_PORT, ssl_context=trusting_the_cert(), timeout=10)
        ok(c.login("alice", "alice"), "LOGIN over IMAPS")
        data = ok(c.list('""', name), f"LIST \"\" {name}")
        check(data == [None], f"{name} was never created", data)
        c.logout()


def require():
    c = imaplib.IMAP4(HOST, PLAIN_PORT, timeout=10)
    check("LOGINDISABLED" in c.capabilities, "LOGINDISABLED advertised", c.capabilities)
    check("AUTH=PLAIN" not in c.capabilities, "no AUTH=PLAIN in the clear", c.capabilities)
    try:
        c.login("alice", "alice")
    except imaplib.IMAP4.error as e:
        check("PRIVACYREQUIRED" in str(e), f"LOGIN refused in the clear ({e})", str(e))
    else:
        check(False, "LOGIN must be refused before STARTTLS")
    ok(c.starttls(ssl_context=trusting_the_cert()), "STARTTLS")
    check("LOGINDISABLED" not in c.capabilities and "AUTH=PLAIN" in c.capabilities,
          "after STARTTLS: LOGIN allowed, AUTH=PLAIN advertised", c.capabilities)
    ok(c.login("alice", "alice"), "LOGIN after STARTTLS")
    c.logout()
    s = imaplib.IMAP4_SSL(HOST, TLS_PORT, ssl_context=trusting_the_cert(), timeout=10)
    check("LOGINDISABLED" not in s.capabilities, "no LOGINDISABLED on IMAPS", s.capabilities)
    ok(s.login("bob", "bob"), "LOGIN over IMAPS")
    s.logout()


{
    "imaps": imaps,
    "fingerprint": fingerprint,
    "starttls": starttls,
    "injection": injection,
    "require": require,
}[SCENARIO]()
print("all checks passed")
