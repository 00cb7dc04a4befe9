//! The laptop's side of sync, in its own database: applying pulled pages
//! (`apply`), dropping what left the token's scope (`sweep`), the outbox
//! that carries notes and sign-offs up (`outbox`), and what the laptop
//! knows of its server and of itself (`state`: the sync state the
//! dashboard shows, and the identity the server gave the token).
//!
//! The merge itself is `sync::merge`, the same function the server uses.

pub mod apply;
mod checkpointer;
pub mod outbox;
mod pulled_totals;
pub mod state;
mod sweep;

pub use apply::PullPosition;
pub use checkpointer::Checkpointer;
pub use outbox::{OutboxBatch, Rejection};
pub use pulled_totals::PulledTotals;
pub use state::{Identity, SyncStatus};
