#!/bin/sh
# Puts the three reference servers on a Debian 12 machine without running any of them as a
# system service (run as root):
#
#   dovecot  apt-get install dovecot-imapd          (the package; tests/dovecot/ starts it by hand)
#   python3  for tests/servers/servers.py, which starts them
#   cyrus    cyrus-imapd + cyrus-common 3.6.1, unpacked under $PREFIX (default /opt/imap-servers)
#   courier  courier-imap 5.0.13 + courier-base + courier-authlib, unpacked under $PREFIX
#
# Why unpack instead of `apt-get install cyrus-imapd courier-imap`: the three packages all
# `Provides: imap-server` and `Conflicts: imap-server`, so apt installs at most one of them and
# removes the others. Unpacking the .deb files (apt-get download + dpkg-deb -x) runs no maintainer
# script: no system user, no init script, no daemon, nothing under /etc or /var. Only their shared
# library dependencies are installed with apt (none of them starts a service).
#
# Idempotent: when every server is already there it says so and changes nothing (`--force`
# installs again). scripts/test.sh runs it before the tests, for tests/live_servers.rs.
set -eu
PREFIX=${PREFIX:-${IMAP_SERVERS_PREFIX:-/opt/imap-servers}}
if [ "${1:-}" != "--force" ] && [ -x /usr/sbin/dovecot ] && command -v saslpasswd2 >/dev/null \
    && command -v python3 >/dev/null \
    && [ -x "$PREFIX/usr/lib/cyrus/bin/master" ] && [ -x "$PREFIX/usr/bin/imapd" ]; then
    echo "dovecot, cyrus and courier already installed (cyrus and courier under $PREFIX)"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y --no-install-recommends python3 dovecot-imapd sasl2-bin \
    libclamav12 libical3 libicu72 libjansson4 libkrb5-3 libldap-2.5-0 libpcre3 libpq5 \
    libsqlite3-0 libxapian30 libxml2 libzephyr4 libwrap0 libcom-err2 \
    libcourier-unicode4 libgdbm6 libidn12 libgamin0 libltdl7 libgnutls30
# dovecot-imapd's postinst may start the system service where policy-rc.d allows it.
if command -v service >/dev/null && service dovecot status >/dev/null 2>&1; then
    service dovecot stop || true
fi
debs=$(mktemp -d)
chmod 755 "$debs"  # apt-get download drops to the _apt user
trap 'rm -rf "$debs"' EXIT
(cd "$debs" && apt-get download cyrus-imapd cyrus-common courier-imap courier-base courier-authlib)
mkdir -p "$PREFIX"
for deb in "$debs"/*.deb; do
    dpkg-deb -x "$deb" "$PREFIX"
done
echo "unpacked under $PREFIX:"
for deb in "$debs"/*.deb; do
    echo "  $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"
done
