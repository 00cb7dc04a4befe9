//! The merge of two versions of one record. Each part of a record is a
//! register that keeps the greater of two values under a total order, and
//! the parts are independent, so the merge is a join of lattices:
//! commutative, associative and idempotent.
//!
//! - A note's four fields (`visited_on`, `kind`, `body`, `follow_up_on`)
//!   each keep the value set last: ordered by (its time, its time's text,
//!   the value), so an exact tie is decided the same everywhere.
//! - A sign-off is one decision (outcome, reason, the day signed and who
//!   recorded it go together): the decision made last wins whole. So is
//!   a branch sheet's sign-off and a county's resolution of a dispute
//!   (`Decision`, `merge_decision`: one merge for the three).
//! - `version` is the greater, `created_at` the earlier, `updated_at` the
//!   later. Station, month and author are the stored record's: the server
//!   refuses a push that would change them, before merging.

use chrono::{DateTime, Utc};

use crate::wire::{BranchSignoffRecord, NoteRecord, ResolutionRecord, SignoffRecord};

/// The note fields that merge one by one.
pub const NOTE_FIELDS: [&str; 4] = ["visited_on", "kind", "body", "follow_up_on"];

/// An instant from RFC 3339 text; text that is not one sorts first (the
/// boundary refuses such text, so this only keeps the order total).
pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Whether the instant `a` lies after the instant `b`.
pub fn later_than(a: &str, b: &str) -> bool {
    instant(a) > instant(b)
}

/// A time as an order key: the instant, then the text (two spellings of
/// one instant are still told apart, the same way everywhere).
fn time_key(text: &str) -> (DateTime<Utc>, &str) {
    (instant(text), text)
}

/// A note whose every field carries its own time: the only kind the merge
/// takes. Made at the boundary (`validate::check_note`,
/// `validate::complete_pulled_note`), never inside the merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompleteNote(NoteRecord);

impl CompleteNote {
    /// The record, if each of its fields has a time.
    pub fn new(note: NoteRecord) -> Option<CompleteNote> {
        NOTE_FIELDS
            .iter()
            .all(|f| note.field_times.contains_key(*f))
            .then_some(CompleteNote(note))
    }

    pub fn record(&self) -> &NoteRecord {
        &self.0
    }

    pub fn into_record(self) -> NoteRecord {
        self.0
    }

    fn field_time(&self, field: &str) -> &str {
        self.0
            .field_times
            .get(field)
            .map(String::as_str)
            .expect("a complete note has every field's time")
    }
}

fn note_field<'a>(n: &'a NoteRecord, field: &str) -> Option<&'a str> {
    match field {
        "visited_on" => Some(&n.visited_on),
        "kind" => Some(&n.kind),
        "body" => Some(&n.body),
        _ => n.follow_up_on.as_deref(),
    }
}

fn set_note_field(n: &mut NoteRecord, field: &str, value: Option<&str>) {
    let text = || value.unwrap_or_default().to_string();
    match field {
        "visited_on" => n.visited_on = text(),
        "kind" => n.kind = text(),
        "body" => n.body = text(),
        _ => n.follow_up_on = value.map(String::from),
    }
}

/// The earlier of two creation times, the later of two update times.
fn earlier<'a>(a: &'a str, b: &'a str) -> &'a str {
    if time_key(b) < time_key(a) {
        b
    } else {
        a
    }
}

fn later<'a>(a: &'a str, b: &'a str) -> &'a str {
    if time_key(b) > time_key(a) {
        b
    } else {
        a
    }
}

/// Merges two versions of one note, field by field.
pub fn merge_note(stored: &CompleteNote, incoming: &CompleteNote) -> CompleteNote {
    let (s, i) = (stored.record(), incoming.record());
    let mut merged = s.clone();
    for field in NOTE_FIELDS {
        fn key<'a>(n: &'a CompleteNote, field: &str) -> ((DateTime<Utc>, &'a str), Option<&'a str>) {
            (time_key(n.field_time(field)), note_field(n.record(), field))
        }
        if key(incoming, field) > key(stored, field) {
            set_note_field(&mut merged, field, note_field(i, field));
            merged
                .field_times
                .insert(field.to_string(), incoming.field_time(field).to_string());
        }
    }
    merged.version = s.version.max(i.version);
    merged.created_at = earlier(&s.created_at, &i.created_at).to_string();
    merged.updated_at = later(&s.updated_at, &i.updated_at).to_string();
    CompleteNote(merged)
}

/// A record that is one decision, made whole each time (a sign-off, a
/// branch sheet's sign-off, a resolution): the decision made last wins
/// whole. The record's identity (what it is about, its author) is the
/// stored record's; the server refuses a push that would change it,
/// before merging.
pub trait Decision: Clone {
    /// When the decision was made.
    fn decided_at(&self) -> &str;
    /// Who made it.
    fn editor(&self) -> Option<&str>;
    /// The rest of the decision, to decide an exact tie of times and
    /// editors the same way everywhere.
    fn decision(&self) -> impl Ord + '_;
    fn version(&self) -> i64;
    fn created_at(&self) -> &str;
    /// This record (its identity) with `winner`'s decision, the given
    /// version and creation time.
    fn with_decision(&self, winner: &Self, version: i64, created_at: &str) -> Self;
}

/// Merges two versions of one decision record: the later decision wins
/// whole (an exact tie is decided by the decision itself); the version is
/// the greater, the creation time the earlier. The version does not
/// decide which decision wins: a record with one's decision and the
/// other's version must not outrank a third.
pub fn merge_decision<R: Decision>(stored: &R, incoming: &R) -> R {
    fn key<R: Decision>(r: &R) -> impl Ord + '_ {
        (time_key(r.decided_at()), r.editor(), r.decision())
    }
    let winner = if key(incoming) > key(stored) { incoming } else { stored };
    stored.with_decision(
        winner,
        stored.version().max(incoming.version()),
        earlier(stored.created_at(), incoming.created_at()),
    )
}

impl Decision for SignoffRecord {
    fn decided_at(&self) -> &str {
        &self.updated_at
    }

    fn editor(&self) -> Option<&str> {
        self.editor_id.as_deref()
    }

    fn decision(&self) -> impl Ord + '_ {
        (
            self.outcome.as_str(),
            self.reason.as_deref(),
            self.signed_on.as_str(),
            &self.field_times,
        )
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn created_at(&self) -> &str {
        &self.created_at
    }

    fn with_decision(&self, winner: &Self, version: i64, created_at: &str) -> Self {
        SignoffRecord {
            uuid: self.uuid.clone(),
            station_id: self.station_id.clone(),
            month: self.month.clone(),
            author_id: self.author_id.clone(),
            editor_id: winner.editor_id.clone(),
            outcome: winner.outcome.clone(),
            reason: winner.reason.clone(),
            signed_on: winner.signed_on.clone(),
            field_times: winner.field_times.clone(),
            version,
            created_at: created_at.to_string(),
            updated_at: winner.updated_at.clone(),
        }
    }
}

impl Decision for BranchSignoffRecord {
    fn decided_at(&self) -> &str {
        &self.updated_at
    }

    fn editor(&self) -> Option<&str> {
        self.editor_id.as_deref()
    }

    fn decision(&self) -> impl Ord + '_ {
        (self.outcome.as_str(), self.reason.as_deref(), self.signed_on.as_str())
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn created_at(&self) -> &str {
        &self.created_at
    }

    fn with_decision(&self, winner: &Self, version: i64, created_at: &str) -> Self {
        BranchSignoffRecord {
            uuid: self.uuid.clone(),
            branch_id: self.branch_id.clone(),
            month: self.month.clone(),
            author_id: self.author_id.clone(),
            editor_id: winner.editor_id.clone(),
            role: self.role.clone(),
            outcome: winner.outcome.clone(),
            reason: winner.reason.clone(),
            signed_on: winner.signed_on.clone(),
            version,
            created_at: created_at.to_string(),
            updated_at: winner.updated_at.clone(),
        }
    }
}

impl Decision for ResolutionRecord {
    fn decided_at(&self) -> &str {
        &self.updated_at
    }

    fn editor(&self) -> Option<&str> {
        self.editor_id.as_deref()
    }

    fn decision(&self) -> impl Ord + '_ {
        (
            time_key(&self.answers),
            self.outcome.as_str(),
            self.corrected_fen,
            self.reason.as_str(),
            self.resolved_on.as_str(),
        )
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn created_at(&self) -> &str {
        &self.created_at
    }

    fn with_decision(&self, winner: &Self, version: i64, created_at: &str) -> Self {
        ResolutionRecord {
            uuid: self.uuid.clone(),
            kind: self.kind.clone(),
            signoff_uuid: self.signoff_uuid.clone(),
            station_id: self.station_id.clone(),
            branch_id: self.branch_id.clone(),
            month: self.month.clone(),
            answers: winner.answers.clone(),
            outcome: winner.outcome.clone(),
            corrected_fen: winner.corrected_fen,
            reason: winner.reason.clone(),
            resolved_on: winner.resolved_on.clone(),
            author_id: self.author_id.clone(),
            editor_id: winner.editor_id.clone(),
            version,
            created_at: created_at.to_string(),
            updated_at: winner.updated_at.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn note(body: &str, at: &str) -> NoteRecord {
        NoteRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7a".into(),
            station_id: "S1".into(),
            author_id: "W01".into(),
            visited_on: "2026-11-20".into(),
            kind: "equipment".into(),
            body: body.into(),
            follow_up_on: None,
            field_times: NOTE_FIELDS.iter().map(|f| (f.to_string(), at.to_string())).collect(),
            version: 1,
            created_at: at.into(),
            updated_at: at.into(),
        }
    }

    fn complete(n: NoteRecord) -> CompleteNote {
        CompleteNote::new(n).unwrap()
    }

    fn edit(n: &CompleteNote, field: &str, value: Option<&str>, at: &str) -> CompleteNote {
        let mut n = n.record().clone();
        set_note_field(&mut n, field, value);
        n.field_times.insert(field.into(), at.into());
        n.version += 1;
        n.updated_at = at.into();
        complete(n)
    }

    const T0: &str = "2026-11-20T08:00:00.000Z";
    const T1: &str = "2026-11-20T09:00:00.000Z";
    const T2: &str = "2026-11-20T10:00:00.000Z";

    #[test]
    fn edits_of_different_fields_both_survive_in_either_order() {
        let base = complete(note("打印机坏了", T0));
        let a = edit(&base, "body", Some("已修好"), T1);
        let b = edit(&base, "kind", Some("other"), T2);
        let ab = merge_note(&a, &b);
        assert_eq!(ab, merge_note(&b, &a));
        assert_eq!(ab.record().body, "已修好");
        assert_eq!(ab.record().kind, "other");
        assert_eq!(ab.record().version, 2);
        assert_eq!(ab.record().updated_at, T2);
        assert_eq!(ab.record().field_times["body"], T1);
    }

    #[test]
    fn the_later_edit_of_one_field_wins_and_a_tie_is_decided_the_same_everywhere() {
        let base = complete(note("x", T0));
        let a = edit(&base, "body", Some("早"), T1);
        let b = edit(&base, "body", Some("晚"), T2);
        assert_eq!(merge_note(&a, &b).record().body, "晚");
        assert_eq!(merge_note(&b, &a).record().body, "晚");
        let c = edit(&base, "body", Some("甲"), T1);
        let d = edit(&base, "body", Some("乙"), T1);
        assert_eq!(merge_note(&c, &d), merge_note(&d, &c));
    }

    #[test]
    fn a_time_without_milliseconds_compares_as_a_time_not_as_text() {
        let early = complete(note("早", "2026-11-20T09:00:00.000Z"));
        let late = complete(note("晚", "2026-11-20T09:30:00Z"));
        assert_eq!(merge_note(&early, &late).record().body, "晚");
        assert_eq!(merge_note(&late, &early).record().body, "晚");
    }

    #[test]
    fn a_note_without_every_field_time_is_not_complete() {
        let mut n = note("x", T0);
        n.field_times.remove("body");
        assert!(CompleteNote::new(n).is_none());
    }

    /// The case of the audit: with one field time missing, the old merge
    /// gave B one way round and C the other.
    #[test]
    fn the_audits_three_records_merge_the_same_in_both_groupings() {
        let q = edit(&complete(note("A", T0)), "body", Some("A"), "2026-11-20T08:30:00.000Z");
        let p = edit(&complete(note("x", T0)), "body", Some("B"), T1);
        let r = edit(&complete(note("x", T0)), "body", Some("C"), "2026-11-20T09:30:00.000Z");
        let left = merge_note(&merge_note(&q, &p), &r);
        let right = merge_note(&q, &merge_note(&p, &r));
        assert_eq!(left, right);
        assert_eq!(left.record().body, "C");
    }

    fn signoff(outcome: &str, editor: &str, at: &str) -> SignoffRecord {
        SignoffRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b".into(),
            station_id: "S1".into(),
            month: "2026-10".into(),
            author_id: "W01".into(),
            editor_id: Some(editor.into()),
            outcome: outcome.into(),
            reason: (outcome == "disputed").then(|| "少算3笔".to_string()),
            signed_on: "2026-11-05".into(),
            field_times: Default::default(),
            version: 1,
            created_at: T0.into(),
            updated_at: at.into(),
        }
    }

    #[test]
    fn a_later_signoff_decision_wins_whole_and_the_author_stays() {
        let signed = signoff("signed", "W01", T0);
        let mut disputed = signoff("disputed", "M01", T1);
        disputed.version = 2;
        let merged = merge_decision(&signed, &disputed);
        assert_eq!(merged, merge_decision(&disputed, &signed));
        assert_eq!(merged.outcome, "disputed");
        assert_eq!(merged.editor_id.as_deref(), Some("M01"));
        assert_eq!(merged.author_id, "W01");
        assert_eq!(merged.version, 2);
        assert_eq!(merge_decision(&merged, &merged), merged);
    }

    #[test]
    fn the_version_does_not_decide_which_decision_wins() {
        // A franken-record (one's decision with the other's version) must
        // not outrank a third record: grouping gives the same result.
        let mut a = signoff("signed", "W01", T2);
        a.version = 1;
        let mut b = signoff("disputed", "W01", T1);
        b.version = 5;
        let mut c = signoff("disputed", "M01", T2);
        c.version = 3;
        let left = merge_decision(&merge_decision(&a, &b), &c);
        let right = merge_decision(&a, &merge_decision(&b, &c));
        assert_eq!(left, right);
    }

    fn resolution(outcome: &str, answers: &str, at: &str) -> ResolutionRecord {
        ResolutionRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7c".into(),
            kind: "station".into(),
            signoff_uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b".into(),
            station_id: Some("S1".into()),
            branch_id: None,
            month: "2026-10".into(),
            answers: answers.into(),
            outcome: outcome.into(),
            corrected_fen: (outcome == "accepted").then_some(4080),
            reason: "核实".into(),
            resolved_on: "2026-11-09".into(),
            author_id: "PT01".into(),
            editor_id: Some("PT01".into()),
            version: 1,
            created_at: T0.into(),
            updated_at: at.into(),
        }
    }

    #[test]
    fn a_resolution_merges_as_one_decision_and_keeps_what_it_resolves() {
        let first = resolution("accepted", T0, T1);
        let mut again = resolution("rejected", T1, T2);
        again.editor_id = Some("PT02".into());
        again.version = 2;
        let merged = merge_decision(&first, &again);
        assert_eq!(merged, merge_decision(&again, &first));
        assert_eq!((merged.outcome.as_str(), merged.corrected_fen), ("rejected", None));
        assert_eq!((merged.answers.as_str(), merged.version), (T1, 2));
        assert_eq!(merge_decision(&merged, &merged), merged);
        // What it resolves is the stored record's (the server refuses a
        // push that would change it before merging).
        let mut moved = again.clone();
        moved.signoff_uuid = "someone else's".into();
        assert_eq!(merge_decision(&first, &moved).signoff_uuid, first.signoff_uuid);
    }

    #[test]
    fn a_branch_sheet_signoff_merges_like_a_station_signoff() {
        let signed = BranchSignoffRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7d".into(),
            branch_id: "B01".into(),
            month: "2026-10".into(),
            author_id: "W01".into(),
            editor_id: Some("W01".into()),
            role: "maintainer".into(),
            outcome: "signed".into(),
            reason: None,
            signed_on: "2026-11-10".into(),
            version: 1,
            created_at: T0.into(),
            updated_at: T1.into(),
        };
        let mut disputed = signed.clone();
        disputed.outcome = "disputed".into();
        disputed.reason = Some("扣罚有误".into());
        disputed.updated_at = T2.into();
        disputed.version = 2;
        let merged = merge_decision(&signed, &disputed);
        assert_eq!(merged, merge_decision(&disputed, &signed));
        assert_eq!((merged.outcome.as_str(), merged.version), ("disputed", 2));
    }
}
