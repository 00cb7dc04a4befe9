//! The revision a pull may read up to. Revisions come from a sequence,
//! taken inside each writing transaction; with several writers at once (an
//! import, pushes through several servers) they are not committed in
//! order: revision 100 of a long import may commit after revision 101 of
//! a push. A laptop that stored 101 as its cursor would never receive 100.
//!
//! So every writing transaction holds, from its first revision to its end,
//! a shared advisory lock keyed `REV_LOCK_BASE + b`, where `b` is no greater
//! than any revision it takes: the sequence's next value (`bianmin_next_rev` in 0001_county.sql). The
//! frontier is the sequence's last value `h`, read first, lowered below
//! the lowest key still held. Every transaction that took a revision up
//! to the frontier had ended when the locks were read: one that took one
//! up to `h` had taken its lock before (lock, then `nextval`), so it is
//! either in the lock table or finished; and a transaction's commit is
//! visible before its locks go. A snapshot taken after this reading holds
//! every row up to the frontier that will ever exist.

use postgres::Client;

/// 2^62: the revision locks' keys start here, clear of other advisory locks.
pub const REV_LOCK_BASE: i64 = 1 << 62;

/// The highest revision below which every writer has finished, and the
/// sequence's last value. Read before the pull's snapshot is taken.
pub fn frontier(client: &mut Client) -> Result<(i64, i64), postgres::Error> {
    let row = client.query_one("SELECT last_value, is_called FROM sync_rev", &[])?;
    let last: i64 = row.get(0);
    let called: bool = row.get(1);
    let head = if called { last } else { 0 };
    let lowest_held: Option<i64> = client
        .query_one(
            "SELECT min((classid::bigint << 32) | objid::bigint)
               FROM pg_locks
              WHERE locktype = 'advisory' AND objsubid = 1
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND classid::bigint >= $1",
            &[&(REV_LOCK_BASE >> 32)],
        )?
        .get(0);
    let settled = match lowest_held {
        // The holder's revisions are at least its key: everything below
        // the key is settled.
        Some(key) => head.min(key - REV_LOCK_BASE - 1),
        None => head,
    };
    Ok((settled, head))
}

/// The head of a pull from cursor `after`, and the sequence's last value.
/// The frontier may dip below a
/// cursor handed out earlier (a writer that started since holds a
/// revision below it): nothing is missing below that cursor, so the page
/// just brings nothing new. A cursor above the sequence itself was not
/// given by this database (a restore from an older copy): the head says
/// so, and the laptop pulls anew.
pub fn pull_head(client: &mut Client, after: i64) -> Result<(i64, i64), postgres::Error> {
    let (settled, sequence) = frontier(client)?;
    let head = if after <= sequence { settled.max(after) } else { settled };
    Ok((head, sequence))
}
