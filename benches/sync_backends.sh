#!/usr/bin/env bash
# Sync on both server databases, side by side, with the machine's load:
# the first pull of 5,000 stations × 90 days (benches/sync.rs), then
# laptops syncing at once (benches/sync_load.rs): 50 and 200 laptops on
# SQLite and on PostgreSQL, 200 against one and two `serve` processes there,
# and each again with payment imports running meanwhile; 50 laptops
# fetching their first pulls without writing them (the server's share). Loopback only;
# every run is bounded and stops by itself. PostgreSQL runs start a
# throwaway cluster (PostgreSQL's server programs must be installed:
# scripts/postgres-for-tests.sh).
#
#   bash benches/sync_backends.sh            # everything (about 15 minutes)
#   bash benches/sync_backends.sh load       # only the load runs
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench sync --bench sync_load --no-run >/dev/null 2>&1
run() {
    echo "== $* (uptime: $(uptime | sed 's/.*load average: //'))"
    env "$@" 2>/dev/null | grep -v '^\s*$' | grep -v '^running\|^Running\|^Finished'
    echo
}
if [ "${1:-all}" != "load" ]; then
    run BIANMIN_BENCH_DB=sqlite cargo bench --bench sync
    run BIANMIN_BENCH_DB=postgres cargo bench --bench sync
fi
run BIANMIN_BENCH_DB=sqlite BIANMIN_BENCH_LAPTOPS=50 cargo bench --bench sync_load
run BIANMIN_BENCH_DB=postgres BIANMIN_BENCH_LAPTOPS=50 cargo bench --bench sync_load
# The same first pulls fetched and parsed but not written: the server's
# capacity, without 50 laptops' SQLite writes on the same two cores.
run BIANMIN_BENCH_DB=sqlite BIANMIN_BENCH_LAPTOPS=50 BIANMIN_BENCH_FETCH_ONLY=1 cargo bench --bench sync_load
run BIANMIN_BENCH_DB=postgres BIANMIN_BENCH_LAPTOPS=50 BIANMIN_BENCH_FETCH_ONLY=1 cargo bench --bench sync_load
run BIANMIN_BENCH_DB=sqlite BIANMIN_BENCH_LAPTOPS=200 cargo bench --bench sync_load
run BIANMIN_BENCH_DB=postgres BIANMIN_BENCH_LAPTOPS=200 BIANMIN_BENCH_SERVERS=1 cargo bench --bench sync_load
run BIANMIN_BENCH_DB=postgres BIANMIN_BENCH_LAPTOPS=200 BIANMIN_BENCH_SERVERS=2 cargo bench --bench sync_load
run BIANMIN_BENCH_DB=sqlite BIANMIN_BENCH_LAPTOPS=50 BIANMIN_BENCH_IMPORT=1 cargo bench --bench sync_load
run BIANMIN_BENCH_DB=postgres BIANMIN_BENCH_LAPTOPS=50 BIANMIN_BENCH_IMPORT=1 cargo bench --bench sync_load
run BIANMIN_BENCH_DB=postgres BIANMIN_BENCH_LAPTOPS=200 BIANMIN_BENCH_SERVERS=2 BIANMIN_BENCH_IMPORT=1 cargo bench --bench sync_load
