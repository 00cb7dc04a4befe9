//! The checks a record passes where it enters a database: a push on the
//! server (`check_note`, `check_signoff`: refused with a reason the laptop
//! shows), a pull on the laptop (`complete_pulled_note`: the server's
//! records are already checked, so what is missing gets a deterministic
//! value instead of stopping sync).
//!
//! Times are made canonical (UTC, milliseconds), and none may lie more
//! than `MAX_CLOCK_AHEAD_SECONDS` past `now`, the server's clock: a time
//! far in the future would win every later merge and freeze the record.

use chrono::{DateTime, Duration, Utc};

use super::merge::{CompleteNote, NOTE_FIELDS};
use crate::month::{parse_date, timestamp as canonical, Month};
use crate::wire::{
    BranchSignoffRecord, NoteRecord, Refusal, RefusalCode, ResolutionRecord, SignoffRecord, MAX_CLOCK_AHEAD_SECONDS,
    MAX_TEXT_CHARS,
};

/// The longest id (station, person) a record may carry.
const MAX_ID_CHARS: usize = 64;

/// A checked note, ready for the merge.
pub type Checked = CompleteNote;

fn invalid(field: &str, problem: impl Into<String>) -> Refusal {
    Refusal {
        code: RefusalCode::Invalid,
        args: vec![field.to_string(), shorten(&problem.into())],
    }
}

/// At most 200 characters of a hostile value in a message.
fn shorten(text: &str) -> String {
    const MAX: usize = 200;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(MAX).collect();
        cut.push('…');
        cut
    }
}

/// A time made canonical, and not too far ahead of `now`.
fn checked_time(text: &str, field: &str, now: DateTime<Utc>) -> Result<String, Refusal> {
    let at = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| invalid(field, format!("{text:?} is not an RFC 3339 time")))?;
    if at > now + Duration::seconds(MAX_CLOCK_AHEAD_SECONDS) {
        return Err(Refusal {
            code: RefusalCode::TimeAhead,
            args: vec![field.to_string(), canonical(at), canonical(now)],
        });
    }
    Ok(canonical(at))
}

fn check_date(text: &str, field: &str) -> Result<(), Refusal> {
    parse_date(text)
        .map(|_| ())
        .map_err(|_| invalid(field, format!("{text:?} is not a date (YYYY-MM-DD)")))
}

fn check_text(text: &str, field: &str) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        return Err(invalid(field, "empty"));
    }
    check_length(text, field)
}

fn check_length(text: &str, field: &str) -> Result<(), Refusal> {
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(invalid(
            field,
            format!("{chars} characters long; at most {MAX_TEXT_CHARS}"),
        ));
    }
    Ok(())
}

fn check_id(text: &str, field: &str) -> Result<(), Refusal> {
    if text.is_empty() || text.chars().count() > MAX_ID_CHARS || text.chars().any(char::is_control) {
        return Err(invalid(field, format!("{text:?} is not an id")));
    }
    Ok(())
}

fn check_common(
    uuid: &str,
    version: i64,
    created_at: &mut String,
    updated_at: &mut String,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    uuid::Uuid::parse_str(uuid).map_err(|_| invalid("uuid", format!("{uuid:?} is not a UUID")))?;
    if version < 1 {
        return Err(invalid("version", format!("{version} is below 1")));
    }
    *created_at = checked_time(created_at, "created_at", now)?;
    *updated_at = checked_time(updated_at, "updated_at", now)?;
    Ok(())
}

/// Checks a pushed note against the server's clock `now`: canonical
/// times, none too far ahead, every field with its own time (a note
/// without one cannot be merged without guessing, so it is refused).
pub fn check_note(mut n: NoteRecord, now: DateTime<Utc>) -> Result<CompleteNote, Refusal> {
    check_common(&n.uuid, n.version, &mut n.created_at, &mut n.updated_at, now)?;
    check_id(&n.station_id, "station_id")?;
    check_id(&n.author_id, "author_id")?;
    for field in n.field_times.keys() {
        if !NOTE_FIELDS.contains(&field.as_str()) {
            return Err(invalid("field_times", format!("names an unknown field {field:?}")));
        }
    }
    for field in NOTE_FIELDS {
        let Some(time) = n.field_times.get(field) else {
            return Err(invalid(&format!("field_times.{field}"), "missing"));
        };
        let time = checked_time(time, &format!("field_times.{field}"), now)?;
        n.field_times.insert(field.to_string(), time);
    }
    if !["collection", "equipment", "promotion", "reconciliation", "other"].contains(&n.kind.as_str()) {
        return Err(invalid("kind", format!("{:?} is not a kind of visit", n.kind)));
    }
    check_text(&n.body, "body")?;
    check_date(&n.visited_on, "visited_on")?;
    if let Some(d) = &n.follow_up_on {
        check_date(d, "follow_up_on")?;
    }
    Ok(CompleteNote::new(n).expect("every field time was checked above"))
}

/// Checks a pushed sign-off against the server's clock `now`. A sign-off
/// without an editor was recorded by its author.
pub fn check_signoff(mut s: SignoffRecord, now: DateTime<Utc>) -> Result<SignoffRecord, Refusal> {
    check_common(&s.uuid, s.version, &mut s.created_at, &mut s.updated_at, now)?;
    check_id(&s.station_id, "station_id")?;
    check_id(&s.author_id, "author_id")?;
    if s.editor_id.is_none() {
        s.editor_id = Some(s.author_id.clone());
    }
    if let Some(editor) = &s.editor_id {
        check_id(editor, "editor_id")?;
    }
    let fields = ["author_id", "editor_id", "outcome", "reason", "signed_on"];
    let mut times = std::mem::take(&mut s.field_times);
    for (field, time) in times.iter_mut() {
        if !fields.contains(&field.as_str()) {
            return Err(invalid("field_times", format!("names an unknown field {field:?}")));
        }
        *time = checked_time(time, &format!("field_times.{field}"), now)?;
    }
    s.field_times = times;
    check_month(&s.month)?;
    check_date(&s.signed_on, "signed_on")?;
    check_outcome(&s.outcome, s.reason.as_deref())?;
    Ok(s)
}

/// The outcome and reason of a sign-off's decision: a dispute needs a
/// reason, a signature may carry one.
fn check_outcome(outcome: &str, reason: Option<&str>) -> Result<(), Refusal> {
    match outcome {
        "signed" => match reason {
            Some(r) => check_length(r, "reason"),
            None => Ok(()),
        },
        "disputed" => check_text(reason.unwrap_or(""), "reason"),
        other => Err(invalid("outcome", format!("{other:?} is not signed or disputed"))),
    }
}

fn check_month(month: &str) -> Result<(), Refusal> {
    month
        .parse::<Month>()
        .map(|_| ())
        .map_err(|_| invalid("month", format!("{month:?} is not YYYY-MM")))
}

/// Checks a pushed branch sheet sign-off against the server's clock
/// `now`. Only the signer writes it: a missing editor is the author.
pub fn check_branch_signoff(mut s: BranchSignoffRecord, now: DateTime<Utc>) -> Result<BranchSignoffRecord, Refusal> {
    check_common(&s.uuid, s.version, &mut s.created_at, &mut s.updated_at, now)?;
    check_id(&s.branch_id, "branch_id")?;
    check_id(&s.author_id, "author_id")?;
    let editor = s.editor_id.get_or_insert_with(|| s.author_id.clone());
    check_id(editor, "editor_id")?;
    if !["manager", "maintainer"].contains(&s.role.as_str()) {
        return Err(invalid("role", format!("{:?} is not manager or maintainer", s.role)));
    }
    check_month(&s.month)?;
    check_date(&s.signed_on, "signed_on")?;
    check_outcome(&s.outcome, s.reason.as_deref())?;
    Ok(s)
}

/// The largest corrected figure taken, in fen (a hundred million yuan):
/// far above any station's or person's month, far below overflow.
pub const MAX_CORRECTED_FEN: i64 = 10_000_000_000;

/// Checks a pushed resolution against the server's clock `now`: it names
/// what it resolves (a station's or a branch's sign-off), the decision it
/// answers, and a figure exactly when it accepts.
pub fn check_resolution(mut r: ResolutionRecord, now: DateTime<Utc>) -> Result<ResolutionRecord, Refusal> {
    check_common(&r.uuid, r.version, &mut r.created_at, &mut r.updated_at, now)?;
    uuid::Uuid::parse_str(&r.signoff_uuid)
        .map_err(|_| invalid("signoff_uuid", format!("{:?} is not a UUID", r.signoff_uuid)))?;
    match (r.kind.as_str(), &r.station_id, &r.branch_id) {
        ("station", Some(station), None) => check_id(station, "station_id")?,
        ("branch", None, Some(branch)) => check_id(branch, "branch_id")?,
        ("station" | "branch", _, _) => {
            return Err(invalid(
                "kind",
                format!("a {} resolution names its {} alone", r.kind, r.kind),
            ))
        }
        (other, _, _) => return Err(invalid("kind", format!("{other:?} is not station or branch"))),
    }
    check_id(&r.author_id, "author_id")?;
    let editor = r.editor_id.get_or_insert_with(|| r.author_id.clone());
    check_id(editor, "editor_id")?;
    check_month(&r.month)?;
    check_date(&r.resolved_on, "resolved_on")?;
    r.answers = checked_time(&r.answers, "answers", now)?;
    check_text(&r.reason, "reason")?;
    match (r.outcome.as_str(), r.corrected_fen) {
        ("accepted", Some(fen)) => {
            let floor = if r.kind == "station" { 0 } else { -MAX_CORRECTED_FEN };
            if !(floor..=MAX_CORRECTED_FEN).contains(&fen) {
                return Err(invalid("corrected_fen", format!("{fen} is out of range")));
            }
        }
        ("accepted", None) => return Err(invalid("corrected_fen", "missing for an accepted dispute")),
        ("rejected", None) => {}
        ("rejected", Some(_)) => return Err(invalid("corrected_fen", "given for a rejected dispute")),
        (other, _) => return Err(invalid("outcome", format!("{other:?} is not accepted or rejected"))),
    }
    Ok(r)
}

/// Makes a pulled note complete: a field without its own time is given the
/// note's creation time. The server checks every note it takes, so this
/// only meets records written before field times were required; the value
/// is the same on every laptop, so replicas still agree.
pub fn complete_pulled_note(mut n: NoteRecord) -> CompleteNote {
    for field in NOTE_FIELDS {
        if !n.field_times.contains_key(field) {
            n.field_times.insert(field.to_string(), n.created_at.clone());
        }
    }
    CompleteNote::new(n).expect("every field was given a time")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::merge::NOTE_FIELDS;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn note(at: &str) -> NoteRecord {
        NoteRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7a".into(),
            station_id: "S1".into(),
            author_id: "W01".into(),
            visited_on: "2026-11-20".into(),
            kind: "equipment".into(),
            body: "打印机坏了".into(),
            follow_up_on: None,
            field_times: NOTE_FIELDS.iter().map(|f| (f.to_string(), at.to_string())).collect(),
            version: 1,
            created_at: at.into(),
            updated_at: at.into(),
        }
    }

    #[test]
    fn times_are_made_canonical() {
        let checked = check_note(note("2026-11-29T17:00:00+08:00"), now()).unwrap();
        assert_eq!(checked.record().updated_at, "2026-11-29T09:00:00.000Z");
        assert_eq!(checked.record().field_times["body"], "2026-11-29T09:00:00.000Z");
    }

    #[test]
    fn a_time_far_ahead_of_the_server_is_refused_a_little_ahead_is_not() {
        let far = check_note(note("9999-12-31T00:00:00Z"), now()).unwrap_err();
        assert_eq!(far.code, RefusalCode::TimeAhead);
        assert_eq!(far.args[0], "created_at");
        assert!(check_note(note("2026-11-29T10:04:00Z"), now()).is_ok());
        let mut one_field = note("2026-11-29T09:00:00Z");
        one_field
            .field_times
            .insert("kind".into(), "2026-11-29T11:00:00Z".into());
        let err = check_note(one_field, now()).unwrap_err();
        assert_eq!(
            (err.code, err.args[0].as_str()),
            (RefusalCode::TimeAhead, "field_times.kind")
        );
    }

    #[test]
    fn a_note_missing_a_field_time_is_refused_at_the_server_and_completed_on_the_laptop() {
        let mut n = note("2026-11-29T09:00:00.000Z");
        n.field_times.remove("body");
        let err = check_note(n.clone(), now()).unwrap_err();
        assert_eq!(err.code, RefusalCode::Invalid);
        assert_eq!(err.args[0], "field_times.body");
        let completed = complete_pulled_note(n);
        assert_eq!(completed.record().field_times["body"], "2026-11-29T09:00:00.000Z");
    }

    #[test]
    fn hostile_values_are_refused_and_quoted_short() {
        let mut n = note("2026-11-29T09:00:00Z");
        n.station_id = "x".repeat(10_000);
        let err = check_note(n, now()).unwrap_err();
        assert!(err.args[1].chars().count() <= 201, "{err:?}");
        let mut n = note("2026-11-29T09:00:00Z");
        n.body = "  ".into();
        assert_eq!(check_note(n, now()).unwrap_err().args[0], "body");
        let mut n = note("2026-11-29T09:00:00Z");
        n.kind = "party".into();
        assert_eq!(check_note(n, now()).unwrap_err().args[0], "kind");
    }

    #[test]
    fn a_signoff_without_an_editor_was_recorded_by_its_author() {
        let s = SignoffRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b".into(),
            station_id: "S1".into(),
            month: "2026-10".into(),
            author_id: "W01".into(),
            editor_id: None,
            outcome: "disputed".into(),
            reason: None,
            signed_on: "2026-11-05".into(),
            field_times: Default::default(),
            version: 1,
            created_at: "2026-11-05T08:00:00Z".into(),
            updated_at: "2026-11-05T08:00:00Z".into(),
        };
        assert_eq!(check_signoff(s.clone(), now()).unwrap_err().args[0], "reason");
        let mut signed = s;
        signed.outcome = "signed".into();
        assert_eq!(check_signoff(signed, now()).unwrap().editor_id.as_deref(), Some("W01"));
    }

    fn resolution() -> ResolutionRecord {
        ResolutionRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7c".into(),
            kind: "station".into(),
            signoff_uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b".into(),
            station_id: Some("S1".into()),
            branch_id: None,
            month: "2026-10".into(),
            answers: "2026-11-06T08:00:00+08:00".into(),
            outcome: "accepted".into(),
            corrected_fen: Some(4080),
            reason: "核实后更正".into(),
            resolved_on: "2026-11-09".into(),
            author_id: "PT01".into(),
            editor_id: None,
            version: 1,
            created_at: "2026-11-09T08:00:00Z".into(),
            updated_at: "2026-11-09T08:00:00Z".into(),
        }
    }

    #[test]
    fn a_resolution_names_one_thing_and_a_figure_exactly_when_it_accepts() {
        let ok = check_resolution(resolution(), now()).unwrap();
        assert_eq!(ok.answers, "2026-11-06T00:00:00.000Z");
        assert_eq!(ok.editor_id.as_deref(), Some("PT01"));
        let refused = |edit: &dyn Fn(&mut ResolutionRecord)| {
            let mut r = resolution();
            edit(&mut r);
            check_resolution(r, now()).unwrap_err().args[0].clone()
        };
        assert_eq!(refused(&|r| r.branch_id = Some("B01".into())), "kind");
        assert_eq!(refused(&|r| r.kind = "person".into()), "kind");
        assert_eq!(refused(&|r| r.corrected_fen = None), "corrected_fen");
        assert_eq!(refused(&|r| r.corrected_fen = Some(-1)), "corrected_fen");
        assert_eq!(refused(&|r| r.outcome = "rejected".into()), "corrected_fen");
        assert_eq!(refused(&|r| r.outcome = "maybe".into()), "outcome");
        assert_eq!(refused(&|r| r.reason = " ".into()), "reason");
        assert_eq!(refused(&|r| r.signoff_uuid = "x".into()), "signoff_uuid");
        assert_eq!(refused(&|r| r.answers = "9999-01-01T00:00:00Z".into()), "answers");
        let mut branch = resolution();
        branch.kind = "branch".into();
        branch.station_id = None;
        branch.branch_id = Some("B01".into());
        branch.corrected_fen = Some(-500);
        assert!(
            check_resolution(branch, now()).is_ok(),
            "a branch net may be below zero"
        );
    }

    #[test]
    fn a_branch_signoff_is_the_managers_or_a_maintainers() {
        let s = BranchSignoffRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7d".into(),
            branch_id: "B01".into(),
            month: "2026-10".into(),
            author_id: "W01".into(),
            editor_id: None,
            role: "maintainer".into(),
            outcome: "disputed".into(),
            reason: Some("扣罚有误".into()),
            signed_on: "2026-11-10".into(),
            version: 1,
            created_at: "2026-11-10T08:00:00Z".into(),
            updated_at: "2026-11-10T08:00:00Z".into(),
        };
        assert_eq!(
            check_branch_signoff(s.clone(), now()).unwrap().editor_id.as_deref(),
            Some("W01")
        );
        let mut clerk = s.clone();
        clerk.role = "county".into();
        assert_eq!(check_branch_signoff(clerk, now()).unwrap_err().args[0], "role");
        let mut silent = s;
        silent.reason = None;
        assert_eq!(check_branch_signoff(silent, now()).unwrap_err().args[0], "reason");
    }
}
