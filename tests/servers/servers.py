#!/usr/bin/env python3
"""Starts a real IMAP server by hand on a loopback port, from a config in the repository, with its
config, spool and state under a temporary directory, and stops it again. Never a system service,
never a privileged port, nothing written outside the temporary directory.

    dovecot  Debian 12 dovecot-imapd 2.3.19   config tests/dovecot/dovecot.conf.in
    cyrus    Debian 12 cyrus-imapd 3.6.1      config tests/cyrus/imapd.conf.in, cyrus.conf.in
    courier  Debian 12 courier-imap 5.0.13    config tests/courier/imapd.env.in

Install them first with tests/servers/install.sh (dovecot from apt, cyrus and courier unpacked
under /opt/imap-servers, since the three packages conflict with each other).

    python3 tests/servers/servers.py cyrus [--port 14303]   # runs until Ctrl-C, prints how to log in
    python3 tests/servers/servers.py dovecot --conf-extra bench/dovecot.conf   # scripts/bench.sh

Used as a module by tests/servers/observe.py: `with start("cyrus") as server: ...`.
"""

import argparse
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PREFIX = os.environ.get("IMAP_SERVERS_PREFIX", "/opt/imap-servers")
LIBS = f"{PREFIX}/usr/lib/x86_64-linux-gnu:{PREFIX}/usr/lib"
PORTS = {"dovecot": 14301, "courier": 14302, "cyrus": 14303}
USER, PASSWORD = "ref", "ref"


def fill(template, values):
    text = open(os.path.join(ROOT, template)).read()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def wait_for_port(port, proc=None, seconds=30):
    """Waits until the port accepts a connection and sends a greeting line."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None and proc.returncode != 0:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(4096).startswith(b"* "):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {seconds}s")


def run_as():
    """The unprivileged account the server's processes run as: `nobody` when we are root,
    ourselves otherwise."""
    if os.geteuid() == 0:
        return "nobody", "nogroup"
    return pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name


def chown_tree(path, user, group):
    if os.geteuid() != 0:
        return
    uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
    for dirpath, dirnames, filenames in os.walk(path):
        os.chown(dirpath, uid, gid)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), uid, gid)


class Server:
    """A running server: `port`, `user`/`password` (None for a PREAUTH server), `version`,
    `ready_seconds` (from the start command to the first greeting), `stop()`."""

    def __init__(self, name, port, tmp):
        self.name, self.port, self.tmp = name, port, tmp
        self.user, self.password = USER, PASSWORD
        self.version = "?"
        self.ready_seconds = None
        self._stop = []

    def stop(self):
        for action in reversed(self._stop):
            try:
                action()
            except Exception as e:  # keep stopping the rest
                print(f"stopping {self.name}: {e}", file=sys.stderr)
        self._stop = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        if not os.environ.get("KEEP_SERVER_DIR"):
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            print(f"kept {self.tmp}", file=sys.stderr)


def start_dovecot(port, conf_extra=None):
    """tests/dovecot/dovecot.conf.in, as tests/dovecot/reference.py uses it, minus its three
    mail_*cache_fields lines: those pin FETCH answers for the MIME known-answer tests, but here we
    want Dovecot's stock caching, which decides what a FETCH of an expunged message can show."""
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    tmp = tempfile.mkdtemp(prefix="dovecot-observe-")
    os.chmod(tmp, 0o755)  # the login and auth processes run as other users
    server = Server("dovecot", port, tmp)
    server.version = subprocess.run([dovecot, "--version"], capture_output=True, text=True,
                                    check=True).stdout.split()[0]
    user = "dovecot" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    os.makedirs(os.path.join(tmp, "mail"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam(user)
        os.chown(os.path.join(tmp, "mail"), pw.pw_uid, pw.pw_gid)
    with open(os.path.join(tmp, "passwd"), "w") as f:
        f.write(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    conf = os.path.join(tmp, "dovecot.conf")
    text = fill("tests/dovecot/dovecot.conf.in", {"DIR": tmp, "PORT": str(port), "USER": user})
    text = "".join(line for line in text.splitlines(True)
                   if not line.lstrip().startswith(("mail_cache_fields", "mail_always_cache",
                                                    "mail_never_cache")))
    if conf_extra:  # settings of its own for one use (scripts/bench.sh: connection limits)
        with open(conf_extra) as f:
            text += "\n" + f.read()
    with open(conf, "w") as f:
        f.write(text)
    t0 = time.monotonic()
    subprocess.run([dovecot, "-c", conf], check=True)
    server._stop.append(lambda: subprocess.run([dovecot, "-c", conf, "stop"], check=False))
    try:
        wait_for_port(port)
    except Exception:
        server.stop()
        raise
    server.ready_seconds = time.monotonic() - t0
    return server


def start_cyrus(port):
    """`master -C imapd.conf -M cyrus.conf` from tests/cyrus/, users in an sasldb in the temp
    dir (saslpasswd2 -f), processes as `nobody` when started by root."""
    bin_dir = f"{PREFIX}/usr/lib/cyrus/bin"
    if not os.path.exists(f"{bin_dir}/master"):
        raise RuntimeError(f"no {bin_dir}/master: run tests/servers/install.sh")
    tmp = tempfile.mkdtemp(prefix="cyrus-observe-")
    os.chmod(tmp, 0o755)
    server = Server("cyrus", port, tmp)
    env = dict(os.environ, LD_LIBRARY_PATH=LIBS)
    info = open(f"{PREFIX}/usr/lib/cyrus/cyrus-hardwired-config.txt").read().split()
    server.version = info[info.index("PACKAGE_VERSION") + 1] if "PACKAGE_VERSION" in info else "?"
    user, group = run_as()
    values = {"DIR": tmp, "PORT": str(port), "BIN": bin_dir, "USER": user, "GROUP": group}
    for name in ["imapd.conf", "cyrus.conf"]:
        with open(os.path.join(tmp, name), "w") as f:
            f.write(fill(f"tests/cyrus/{name}.in", values))
    for d in ["config", "spool", "run/proc", "run/lock", "run/socket"]:
        os.makedirs(os.path.join(tmp, d))
    # Cyrus looks users up as user@servername (servername: localhost in imapd.conf).
    subprocess.run(["saslpasswd2", "-f", f"{tmp}/sasldb2", "-p", "-c", "-u", "localhost", USER],
                   input=PASSWORD.encode(), check=True)
    chown_tree(tmp, user, group)
    t0 = time.monotonic()
    proc = subprocess.Popen([f"{bin_dir}/master", "-C", f"{tmp}/imapd.conf", "-M",
                             f"{tmp}/cyrus.conf", "-p", f"{tmp}/run/master.pid"],
                            env=env, stdout=open(f"{tmp}/master.log", "wb"),
                            stderr=subprocess.STDOUT)

    def stop_master():
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    server._stop.append(stop_master)
    try:
        wait_for_port(port, proc)
    except Exception:
        server.stop()
        raise RuntimeError(f"cyrus did not start: {open(f'{tmp}/master.log').read()}")
    server.ready_seconds = time.monotonic() - t0
    return server


def start_courier(port):
    """couriertcpd on 127.0.0.1 running Courier's imapd on a Maildir in the temp dir, in
    pre-authenticated mode (AUTHENTICATED set, greeting `* PREAUTH`): Courier's own login
    (imaplogin) asks the authdaemond of courier-authlib over a socket whose path is compiled in
    (/run/courier/authdaemon/socket), so a login would need a system-wide daemon."""
    imapd = f"{PREFIX}/usr/bin/imapd"
    if not os.path.exists(imapd):
        raise RuntimeError(f"no {imapd}: run tests/servers/install.sh")
    tmp = tempfile.mkdtemp(prefix="courier-observe-")
    os.chmod(tmp, 0o755)
    server = Server("courier", port, tmp)
    server.user = server.password = None
    env = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": LIBS, "HOME": tmp, "AUTHENTICATED": USER}
    for line in fill("tests/courier/imapd.env.in", {"DIR": tmp}).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    version = subprocess.run([imapd, "--version"], capture_output=True, text=True, env=env)
    server.version = version.stdout.split("(Courier-IMAP ")[-1].split(")")[0] or "?"
    subprocess.run([f"{PREFIX}/usr/bin/maildirmake.courier", f"{tmp}/Maildir"], env=env,
                   check=True)
    user, group = run_as()
    chown_tree(tmp, user, group)
    args = [f"{PREFIX}/usr/sbin/couriertcpd", "-address=127.0.0.1", "-nodnslookup",
            "-noidentlookup", f"-pid={tmp}/couriertcpd.pid", f"-stderr={tmp}/imapd.log",
            str(port), imapd, "Maildir"]
    if os.geteuid() == 0:
        args[1:1] = [f"-user={user}", f"-group={group}"]
    t0 = time.monotonic()
    proc = subprocess.Popen(args, env=env, cwd=tmp, stdout=open(f"{tmp}/couriertcpd.log", "wb"),
                            stderr=subprocess.STDOUT)

    def stop_courier():
        # couriertcpd forks into the background; its pid file names the listener.
        pid = None
        try:
            pid = int(open(f"{tmp}/couriertcpd.pid").read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
        if pid:
            os.kill(pid, signal.SIGTERM)
        proc.wait(10)
    server._stop.append(stop_courier)
    try:
        wait_for_port(port)
    except Exception:
        server.stop()
        raise
    server.ready_seconds = time.monotonic() - t0
    return server


STARTERS = {"dovecot": start_dovecot, "cyrus": start_cyrus, "courier": start_courier}


def start(name, port=None, conf_extra=None):
    if conf_extra:
        if name != "dovecot":
            sys.exit("--conf-extra is for dovecot only")
        return start_dovecot(port or PORTS[name], conf_extra)
    return STARTERS[name](port or PORTS[name])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("server", choices=sorted(STARTERS))
    ap.add_argument("--port", type=int)
    ap.add_argument("--conf-extra", metavar="FILE", help="dovecot: settings appended to its config")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with start(args.server, args.port, args.conf_extra) as server:
        login = f"LOGIN {server.user} {server.password}" if server.user else "(PREAUTH)"
        print(f"{server.name} {server.version} on 127.0.0.1:{server.port}, ready after "
              f"{server.ready_seconds:.2f}s; {login}; data in {server.tmp}; Ctrl-C stops it",
              flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
