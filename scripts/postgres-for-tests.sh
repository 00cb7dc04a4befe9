#!/usr/bin/env bash
# Makes sure this machine has PostgreSQL's server programs (initdb,
# pg_ctl), which the tests use to start a throwaway cluster of their own
# (tests/sync_support/pg.rs): Debian's `postgresql` package, installed only
# when no /usr/lib/postgresql/*/bin/initdb exists. No cluster of the
# package's own is made or started: the tests need none. Used by .ci/run.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    exit 0
fi
mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/bianmin-tests.conf
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
