//! What travels between a laptop and the county server, as JSON. Shared by
//! the laptop's client (`client`), the pure merge and checks (`sync`), the
//! laptop's replica (`store::laptop`) and the server (`server`), so the
//! sides cannot drift apart. It depends on nothing of bianmin's. The
//! endpoints are listed in docs/SYNC.md.
//!
//! Pulled rows are JSON arrays (tuple structs), not objects: a first pull
//! carries hundreds of thousands of daily facts and the field names would
//! be most of the bytes. The first element of every row is its revision.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod page_json;

pub use page_json::join_page_json;

/// The version of this protocol; the path prefix is `/api/v1`.
/// The header naming a sync run: a laptop sends one random id with every
/// request of a run, so the pull of the run can leave out what its push
/// stored exactly as sent (docs/SYNC.md, "Echoes"). A server that does not
/// know it ignores it; a laptop that does not send it receives everything.
pub const ECHO_HEADER: &str = "x-bianmin-echo";

/// The header of a pull answer saying whether the server sent the page
/// from the pages it keeps (`kept`) or read it from its database (`read`):
/// for the people who run the server, and the tests.
pub const PAGE_SOURCE_HEADER: &str = "x-bianmin-page";

pub const API_PREFIX: &str = "/api/v1";

/// Rows a pull page holds by default, and at most.
pub const DEFAULT_PAGE_ROWS: u32 = 40_000;
pub const MAX_PAGE_ROWS: u32 = 100_000;

/// Records a push batch holds at most.
pub const MAX_PUSH_RECORDS: usize = 1_000;

/// The longest note text or dispute reason the server takes, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// How far past the server's clock a record's time may lie. A laptop's
/// clock is never exact; a time further ahead would win every later merge
/// and freeze the record, so it is refused.
pub const MAX_CLOCK_AHEAD_SECONDS: i64 = 5 * 60;

/// `GET /api/v1/health`: no token needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub server_id: String,
    pub version: String,
    /// The server's clock (RFC 3339 UTC), so a laptop can tell when its
    /// own is wrong.
    #[serde(default)]
    pub server_time: Option<String>,
}

/// `GET /api/v1/me`: who the token belongs to and what it may see. The
/// laptop keeps this as its identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub person_id: String,
    pub name: Option<String>,
    /// maintainer, manager or county
    pub role: String,
    /// Stations whose figures the token receives (a maintainer's and a
    /// manager's: every station of their branches).
    pub stations: u64,
    /// Stations whose notes and sign-offs the token reads and writes (a
    /// maintainer's own; a manager's branches; the county all).
    #[serde(default)]
    pub own_stations: u64,
    pub branches: Vec<String>,
    pub scope_key: String,
    pub server_id: String,
    /// The server holds the demo county (to try sync out).
    #[serde(default)]
    pub demo: bool,
    #[serde(default)]
    pub server_time: Option<String>,
    /// The county's policy file (RULES.md R12), when the server has one:
    /// the laptop evaluates under it, so its figures are the county's.
    #[serde(default)]
    pub policy: Option<PolicyText>,
}

/// A policy file as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyText {
    pub text: String,
    /// Where the server took it from, for messages.
    pub origin: String,
}

/// An error body: every 4xx and 5xx answer of the server is one of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
}

/// What a token may see, named in full on the first page of a pull from
/// the start, so the laptop can drop what is no longer in it when that
/// pull ends. `None` means everything (a county token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeLists {
    /// Stations whose registry row and daily facts the token receives.
    pub stations: Option<Vec<String>>,
    /// Stations whose notes and sign-offs the token receives.
    pub record_stations: Option<Vec<String>>,
    pub branches: Option<Vec<String>>,
    pub people: Option<Vec<String>>,
    pub counties: Option<Vec<String>>,
}

/// `GET /api/v1/pull?after=REV&limit=ROWS`: the rows in the token's scope
/// whose revision is above `after`, in revision order, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PullPage {
    /// The server's identity: a laptop whose cursor came from another
    /// server (or a recreated database) pulls from the start.
    pub server_id: String,
    /// A digest of the stations, branches and people in scope: when it
    /// changes (a station moved to this maintainer), the laptop pulls from
    /// the start, since the station's older rows are below its cursor.
    pub scope_key: String,
    /// "Today" of a demo server, which laptops then use too.
    #[serde(default)]
    pub today: Option<String>,
    /// The server holds the demo county: the laptop says so everywhere.
    #[serde(default)]
    pub demo: bool,
    /// The server's clock when it read the page (RFC 3339 UTC).
    #[serde(default)]
    pub server_time: Option<String>,
    /// On a page after revision 0 (a pull from the start): everything the
    /// token may see, so the laptop drops the rest when the pull ends.
    #[serde(default)]
    pub scope: Option<ScopeLists>,
    pub after: i64,
    /// The cursor to keep once this page is stored: every row in scope up
    /// to this revision has been sent.
    pub next: i64,
    /// The server's latest revision. Below `after`: the server's database
    /// was restored from an older copy, and the laptop pulls from the start.
    pub head: i64,
    /// More pages follow.
    pub more: bool,
    #[serde(default)]
    pub counties: Vec<CountyRow>,
    #[serde(default)]
    pub people: Vec<PersonRow>,
    #[serde(default)]
    pub branches: Vec<BranchRow>,
    #[serde(default)]
    pub branch_maintainers: Vec<MemberRow>,
    #[serde(default)]
    pub stations: Vec<StationRow>,
    #[serde(default)]
    pub plans: Vec<PlanRow>,
    #[serde(default)]
    pub daily_payments: Vec<PaymentRow>,
    #[serde(default)]
    pub daily_cards: Vec<CardRow>,
    #[serde(default)]
    pub daily_referrals: Vec<ReferralRow>,
    #[serde(default)]
    pub visit_notes: Vec<NoteRow>,
    #[serde(default)]
    pub signoffs: Vec<SignoffRow>,
    /// Branch sheets signed or disputed by their manager and maintainers.
    #[serde(default)]
    pub branch_signoffs: Vec<BranchSignoffRow>,
    /// The county's resolutions of disputes.
    #[serde(default)]
    pub resolutions: Vec<ResolutionRow>,
    #[serde(default)]
    pub deleted: Vec<DeletedRow>,
    /// Rows of the tables described as data (`store::synced`: invoices,
    /// payout steps, reconciliations, …), by table name: each row a JSON
    /// array, revision first, then the table's columns in order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Vec<Vec<serde_json::Value>>>,
}

/// Whether `day` is a calendar day written `YYYY-MM-DD`, as the server
/// writes every daily fact's day.
pub fn is_calendar_day(day: &str) -> bool {
    let b = day.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |digits: &[u8]| {
        digits
            .iter()
            .try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    match (number(&b[..4]), number(&b[5..7]), number(&b[8..])) {
        (Some(year), Some(month), Some(day)) => {
            i32::try_from(year).is_ok_and(|year| chrono::NaiveDate::from_ymd_opt(year, month, day).is_some())
        }
        _ => false,
    }
}

impl PullPage {
    /// The first daily fact whose day is not a calendar day: its table,
    /// its station and the day.
    pub fn odd_fact_day(&self) -> Option<(&'static str, &str, &str)> {
        fn first_odd<'a>(
            table: &'static str,
            mut rows: impl Iterator<Item = (&'a String, &'a String)>,
        ) -> Option<(&'static str, &'a str, &'a str)> {
            rows.find(|(_, day)| !is_calendar_day(day))
                .map(|(station, day)| (table, station.as_str(), day.as_str()))
        }
        first_odd("daily_payments", self.daily_payments.iter().map(|r| (&r.1, &r.2)))
            .or_else(|| first_odd("daily_cards", self.daily_cards.iter().map(|r| (&r.1, &r.2))))
            .or_else(|| first_odd("daily_referrals", self.daily_referrals.iter().map(|r| (&r.1, &r.2))))
    }

    /// Rows in the page, tombstones included.
    pub fn row_count(&self) -> u64 {
        (self.counties.len()
            + self.people.len()
            + self.branches.len()
            + self.branch_maintainers.len()
            + self.stations.len()
            + self.plans.len()
            + self.daily_payments.len()
            + self.daily_cards.len()
            + self.daily_referrals.len()
            + self.visit_notes.len()
            + self.signoffs.len()
            + self.branch_signoffs.len()
            + self.resolutions.len()
            + self.deleted.len()
            + self.extra.values().map(Vec::len).sum::<usize>()) as u64
    }
}

/// `[rev, id, name]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountyRow(pub i64, pub String, pub String);

/// `[rev, id, name, phone, has_green_card]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow(pub i64, pub String, pub String, pub Option<String>, pub bool);

/// `[rev, id, name, kind, county_id, manager_id]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchRow(
    pub i64,
    pub String,
    pub String,
    pub String,
    pub Option<String>,
    pub String,
);

/// `[rev, branch_id, person_id]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow(pub i64, pub String, pub String);

/// `[rev, id, name, kind, branch_id, maintainer_id, village,
/// village_households, stations_in_village, route_order, status,
/// has_terminal, has_green_card, opened_on, closed_on, owner_name,
/// owner_phone, signed_on, installed_on]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationRow(
    pub i64,
    pub String,
    pub String,
    pub String,
    pub String,
    pub String,
    pub Option<String>,
    pub Option<i64>,
    pub i64,
    pub Option<i64>,
    pub String,
    pub bool,
    pub bool,
    pub Option<String>,
    pub Option<String>,
    pub Option<String>,
    pub Option<String>,
    pub Option<String>,
    pub Option<String>,
);

/// `[rev, branch_id, month, target]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRow(pub i64, pub String, pub String, pub i64);

/// `[rev, station_id, day, category, count, amount_fen]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow(pub i64, pub String, pub String, pub String, pub i64, pub i64);

/// `[rev, station_id, day, raw, valid]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRow(pub i64, pub String, pub String, pub i64, pub i64);

/// `[rev, station_id, day, kind, count]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralRow(pub i64, pub String, pub String, pub String, pub i64);

/// A visit note as stored on the server, with its revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRow {
    pub rev: i64,
    pub note: NoteRecord,
}

/// A sign-off as stored on the server, with its revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffRow {
    pub rev: i64,
    pub signoff: SignoffRecord,
}

/// A branch sheet's sign-off as stored on the server, with its revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchSignoffRow {
    pub rev: i64,
    pub signoff: BranchSignoffRecord,
}

/// A resolution of a dispute as stored on the server, with its revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionRow {
    pub rev: i64,
    pub resolution: ResolutionRecord,
}

/// `[rev, table, [primary key values]]`: a row deleted on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedRow(pub i64, pub String, pub Vec<String>);

/// When each field was last set (RFC 3339 UTC with milliseconds).
pub type FieldTimes = BTreeMap<String, String>;

/// A visit note, whole: what a laptop pushes and what a pull brings.
/// `author_id` is set once, by whoever wrote the note; every field carries
/// the time it was last set (`field_times`, all four required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteRecord {
    pub uuid: String,
    pub station_id: String,
    pub author_id: String,
    /// YYYY-MM-DD
    pub visited_on: String,
    /// collection, equipment, promotion, reconciliation or other
    pub kind: String,
    pub body: String,
    pub follow_up_on: Option<String>,
    #[serde(default)]
    pub field_times: FieldTimes,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A station's sign-off or dispute of a month's statement, whole.
/// `author_id` recorded it first; `editor_id` recorded its latest decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignoffRecord {
    pub uuid: String,
    pub station_id: String,
    /// YYYY-MM
    pub month: String,
    pub author_id: String,
    #[serde(default)]
    pub editor_id: Option<String>,
    /// signed or disputed
    pub outcome: String,
    pub reason: Option<String>,
    /// YYYY-MM-DD
    pub signed_on: String,
    #[serde(default)]
    pub field_times: FieldTimes,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A branch sheet (pool, 2:8 split, penalty) signed or disputed by one of
/// the people on it: the branch's manager or one of its maintainers. One
/// per branch, month and signer; only the signer writes it, so
/// `editor_id` is always `author_id`. Merges as a station sign-off does:
/// the later decision wins whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchSignoffRecord {
    pub uuid: String,
    pub branch_id: String,
    /// YYYY-MM
    pub month: String,
    /// The signer; set once.
    pub author_id: String,
    #[serde(default)]
    pub editor_id: Option<String>,
    /// manager or maintainer: the signer's place on the sheet, checked
    /// against the registry.
    pub role: String,
    /// signed or disputed
    pub outcome: String,
    /// Required for a dispute.
    pub reason: Option<String>,
    /// YYYY-MM-DD
    pub signed_on: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// The county's answer to a dispute: of a station's statement (`kind`
/// `station`, with `station_id`) or of a branch sheet (`branch`, with
/// `branch_id`). One per disputed record (`signoff_uuid`); written only by
/// county tokens. It answers one decision of the dispute, the one made at
/// `answers` (that sign-off's `updated_at`): when the sign-off is disputed
/// again later, the dispute is open again until the county answers anew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionRecord {
    pub uuid: String,
    /// station or branch
    pub kind: String,
    /// The disputed sign-off (a station's or a branch sheet's).
    pub signoff_uuid: String,
    #[serde(default)]
    pub station_id: Option<String>,
    #[serde(default)]
    pub branch_id: Option<String>,
    /// YYYY-MM
    pub month: String,
    /// The disputed decision it answers: the sign-off's `updated_at`.
    pub answers: String,
    /// accepted or rejected
    pub outcome: String,
    /// Accepted: the corrected figure in fen — the station's reward, or
    /// for a branch sheet the disputing signer's net (实发). Rejected: none.
    #[serde(default)]
    pub corrected_fen: Option<i64>,
    pub reason: String,
    /// YYYY-MM-DD: the county's day of the decision.
    pub resolved_on: String,
    /// The county clerk; set once.
    pub author_id: String,
    #[serde(default)]
    pub editor_id: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// One record of a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PushRecord {
    VisitNote(NoteRecord),
    Signoff(SignoffRecord),
    BranchSignoff(BranchSignoffRecord),
    Resolution(ResolutionRecord),
}

impl PushRecord {
    pub fn uuid(&self) -> &str {
        match self {
            PushRecord::VisitNote(n) => &n.uuid,
            PushRecord::Signoff(s) => &s.uuid,
            PushRecord::BranchSignoff(s) => &s.uuid,
            PushRecord::Resolution(r) => &r.uuid,
        }
    }

    pub fn version(&self) -> i64 {
        match self {
            PushRecord::VisitNote(n) => n.version,
            PushRecord::Signoff(s) => s.version,
            PushRecord::BranchSignoff(s) => s.version,
            PushRecord::Resolution(r) => r.version,
        }
    }

    /// `visit_note`, `signoff`, `branch_signoff` or `resolution`, as in
    /// the outbox.
    pub fn kind(&self) -> &'static str {
        match self {
            PushRecord::VisitNote(_) => "visit_note",
            PushRecord::Signoff(_) => "signoff",
            PushRecord::BranchSignoff(_) => "branch_signoff",
            PushRecord::Resolution(_) => "resolution",
        }
    }
}

/// `POST /api/v1/push` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub records: Vec<PushRecord>,
}

/// What the server did with one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushOutcome {
    /// New, or it changed the stored record.
    Stored,
    /// The server already had everything in it (a repeat): nothing changed.
    Unchanged,
    /// Refused; `reason` says why. The laptop sets it aside.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    pub uuid: String,
    pub version: i64,
    pub outcome: PushOutcome,
    /// Why it was refused, in English (for logs and older laptops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why it was refused, as a code and its values, so the laptop can say
    /// it in its user's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
}

/// Why the server refused a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The station is not one the token may write for (whether or not it
    /// exists: a refusal never tells what lies outside the scope).
    OutOfScope,
    /// A new record's author is not the token's person.
    NotTheAuthor,
    /// The record exists with another author; authorship never changes.
    AuthorChanged,
    /// A change names someone other than the token's person as its editor.
    NotTheEditor,
    /// The record exists for another station (or month); it cannot move.
    RecordMoved,
    /// A time lies further ahead of the server's clock than allowed.
    TimeAhead,
    /// The statement of that station and month is already recorded under
    /// another record.
    AlreadySigned,
    /// The branch sheet of that branch and month is already signed by
    /// that person under another record.
    AlreadySignedBranch,
    /// The signer is not the branch's manager (or one of its maintainers)
    /// as the record says.
    NotASigner,
    /// Only a county token resolves disputes.
    CountyOnly,
    /// The dispute is already answered under another resolution.
    AlreadyResolved,
    /// The resolution names a sign-off the server does not hold (or one of
    /// another station, branch or month).
    UnknownDispute,
    /// The record is malformed (a bad date, an empty text, …).
    Invalid,
    /// The server could not store it.
    ServerError,
    /// Too large for the server (set aside by the laptop itself).
    TooLarge,
}

/// A refusal: its code and the values its message names, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: RefusalCode,
    #[serde(default)]
    pub args: Vec<String>,
}

/// `POST /api/v1/push` answer: one result per record, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

/// `GET /api/v1/stations/{id}`: one station's registry record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationInfo {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub branch_id: String,
    pub maintainer_id: String,
    pub village: Option<String>,
    pub status: String,
    pub has_terminal: bool,
    pub opened_on: Option<String>,
    pub closed_on: Option<String>,
}

/// `GET /api/v1/stations/{id}/notes`: that station's visit notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationNotes {
    pub station_id: String,
    pub notes: Vec<NoteRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_days_are_written_as_the_server_writes_them() {
        for day in ["2026-11-05", "2024-02-29", "2026-12-31", "0001-01-01"] {
            assert!(is_calendar_day(day), "{day}");
        }
        for day in [
            "",
            "2026-11-5",
            "2026-11-05 ",
            " 2026-11-05",
            "2026-11-31",
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-11-00",
            "2026/11/05",
            "2026-1١-05",
            "20261-1-05",
            "+026-11-05",
            "2026-11-05\0",
        ] {
            assert!(!is_calendar_day(day), "{day:?}");
        }
    }

    #[test]
    fn the_first_fact_on_an_odd_day_is_named_with_its_table_and_station() {
        let mut page = PullPage {
            daily_payments: vec![PaymentRow(1, "S1".into(), "2026-11-05".into(), "mobile".into(), 1, 1)],
            daily_referrals: vec![ReferralRow(3, "S3".into(), "2026-11-5".into(), "k".into(), 1)],
            ..PullPage::default()
        };
        assert_eq!(page.odd_fact_day(), Some(("daily_referrals", "S3", "2026-11-5")));
        page.daily_cards.push(CardRow(2, "S2".into(), "yesterday".into(), 1, 1));
        assert_eq!(page.odd_fact_day(), Some(("daily_cards", "S2", "yesterday")));
        page.daily_payments[0].2 = "2026-11-05T00:00".into();
        assert_eq!(page.odd_fact_day(), Some(("daily_payments", "S1", "2026-11-05T00:00")));
    }
}
