//! A large pull's WAL copied into the database file beside the pull, on a
//! connection and thread of its own, instead of all at once after the
//! last page: each page's frames are copied while the next page is
//! written, and the WAL is reused from its start rather than grown to the
//! size of the county.

use std::path::Path;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

use crate::store::StoreError;

/// The thread that copies committed pages into the database file.
pub struct Checkpointer {
    wake: SyncSender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    /// Starts a checkpointer on a connection of its own to the file at
    /// `path`.
    pub(crate) fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        // At most one wake-up waits: a page committed while a checkpoint
        // runs is copied by the next one.
        let (wake, woken) = sync_channel::<()>(1);
        let thread = std::thread::spawn(move || {
            for () in woken {
                // PASSIVE: copy what no reader still needs, never wait for
                // the writer. A failure here costs only time: the pull's
                // last checkpoint copies whatever is left.
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        });
        Ok(Checkpointer { wake, thread })
    }

    /// A page was committed: copy it when the checkpoint running (if any)
    /// is done.
    pub fn wake(&self) {
        // Full: a wake-up already waits. Disconnected: the thread is gone,
        // and the last checkpoint copies everything.
        let _ = self.wake.try_send(());
    }

    /// Waits for the checkpoint running, if any, and stops the thread.
    pub fn finish(self) {
        drop(self.wake);
        let _ = self.thread.join();
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    /// What a large pull commits with SQLite's own checkpoints off reaches
    /// the database file once the checkpointer has been woken, before
    /// `finish` returns.
    #[test]
    fn a_woken_checkpointer_copies_committed_pages_into_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("laptop.db");
        let store = Store::open(&path).unwrap();
        store.begin_bulk_pull_wal().unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        store
            .conn()
            .execute_batch(
                "CREATE TABLE filler (text TEXT);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO filler SELECT printf('%0500d', i) FROM n;",
            )
            .unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), before, "in the WAL only");
        let checkpointer = store.start_checkpointer().unwrap().expect("a file");
        checkpointer.wake();
        checkpointer.finish();
        assert!(
            std::fs::metadata(&path).unwrap().len() > before + 500 * 2000,
            "the rows are in the database file"
        );
    }

    #[test]
    fn a_database_in_memory_has_no_checkpointer() {
        let store = Store::open_in_memory().unwrap();
        assert!(store.start_checkpointer().unwrap().is_none());
    }
}
