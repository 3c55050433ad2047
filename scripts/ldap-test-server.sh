#!/usr/bin/env bash
# Starts a throw-away OpenLDAP directory (Debian's slapd) for dsreg-doctor's probe tests: loopback
# only, on the given port, with its configuration and database in DIR, holding the test forests of
# test/fixtures/probe/ldap/directory.ldif. It runs in the foreground until killed; the test suite
# starts it, waits for the port and kills it by its process id.
#
#   scripts/ldap-test-server.sh DIR PORT [TLS_CERT TLS_KEY TLS_CA]
#
# With the three TLS files, the server also offers StartTLS (the probe refuses to send a password
# over LDAP without it). Needs: apt-get install slapd ldap-utils.
set -euo pipefail

if [ $# -ne 2 ] && [ $# -ne 5 ]; then
  echo "usage: $0 DIR PORT [TLS_CERT TLS_KEY TLS_CA]" >&2
  exit 2
fi
dir=$1
port=$2
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures="$here/test/fixtures/probe/ldap"

slapd=$(command -v slapd || true)
[ -z "$slapd" ] && [ -x /usr/sbin/slapd ] && slapd=/usr/sbin/slapd
slapadd=$(command -v slapadd || true)
[ -z "$slapadd" ] && [ -x /usr/sbin/slapadd ] && slapadd=/usr/sbin/slapadd
if [ -z "$slapd" ] || [ -z "$slapadd" ]; then
  echo "slapd not found: install it with 'apt-get install slapd ldap-utils'" >&2
  exit 3
fi
modules=/usr/lib/ldap
[ -d "$modules" ] || modules=$(dirname "$(find /usr/lib -name 'back_mdb.so' -print -quit 2>/dev/null || echo /usr/lib/ldap/x)")

mkdir -p "$dir/db"
tls=""
if [ $# -eq 5 ]; then
  tls="TLSCertificateFile $3
TLSCertificateKeyFile $4
TLSCACertificateFile $5"
fi

cat >"$dir/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include $fixtures/ad-scp.schema
modulepath $modules
moduleload back_mdb
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
rootDSE $fixtures/rootdse.ldif
$tls

database mdb
maxsize 16777216
suffix "DC=com"
rootdn "CN=admin,DC=com"
directory $dir/db

# The password is only for authenticating; nobody reads it.
access to attrs=userPassword
  by anonymous auth
  by * none
# The locked forest's SCP: visible, but its attributes are not readable by anyone but the admin.
access to dn.base="CN=62a0ff2e-97b9-4513-943f-0d221bd30080,CN=Device Registration Configuration,CN=Services,CN=Configuration,DC=locked,DC=com"
  by dn.exact="CN=admin,DC=com" read
  by * disclose
access to *
  by * read
EOF

"$slapadd" -q -f "$dir/slapd.conf" -l "$fixtures/directory.ldif" >"$dir/slapadd.log" 2>&1 || {
  cat "$dir/slapadd.log" >&2
  exit 4
}
exec "$slapd" -d 0 -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$port/"
