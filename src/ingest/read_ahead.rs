//! Reading a file's rows on a thread of its own while the caller writes
//! the ones already read: decoding and parsing a large export then runs
//! beside the database's work instead of before each row of it.

use std::sync::mpsc::{sync_channel, Receiver};

/// Rows travel in batches of this many, so the channel is not a cost of
/// its own per row.
const BATCH: usize = 1_024;
/// Batches read ahead at most: bounds memory (a few thousand rows).
const AHEAD: usize = 4;

/// Runs `work` over `rows`, which are read on another thread at most
/// `AHEAD` batches ahead. When `work` stops early (an error), the reader
/// stops at its next batch.
pub fn read_ahead<T, I, R>(rows: I, work: impl FnOnce(&mut dyn Iterator<Item = T>) -> R) -> R
where
    T: Send,
    I: Iterator<Item = T> + Send,
{
    std::thread::scope(|scope| {
        let (send, receive) = sync_channel::<Vec<T>>(AHEAD);
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for row in rows {
                batch.push(row);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if send.send(full).is_err() {
                        return;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = send.send(batch);
            }
        });
        let mut received = Batches {
            receive,
            current: Vec::new().into_iter(),
        };
        let result = work(&mut received);
        // Dropping the receiver ends a reader still under way.
        drop(received);
        result
    })
}

struct Batches<T> {
    receive: Receiver<Vec<T>>,
    current: std::vec::IntoIter<T>,
}

impl<T> Iterator for Batches<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(row) = self.current.next() {
                return Some(row);
            }
            self.current = self.receive.recv().ok()?.into_iter();
        }
    }
}
