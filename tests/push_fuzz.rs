//! Bounded property-based fuzzing of what a hostile client with a valid
//! token can push: random and half-plausible records straight into the
//! server's storage (and random bytes into the request parser). Nothing
//! panics, every record gets an answer, a refusal always says why, and
//! the database stays whole.

use bianmin::server::db::{Account, Role, ServerDb, SqliteServerDb};
use bianmin::store::Store;
use bianmin::wire::{
    BranchSignoffRecord, NoteRecord, PushOutcome, PushRecord, PushRequest, ResolutionRecord, SignoffRecord,
};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

fn server() -> (tempfile::TempDir, SqliteServerDb) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("county.db");
    let store = Store::open(&path).unwrap();
    store
        .sql_for_tests()
        .execute_batch(
            "INSERT INTO people (id, name) VALUES ('M01', '支局长'), ('W01', '甲'), ('W02', '乙');
             INSERT INTO branches (id, name, kind, manager_id) VALUES ('B01', '恩城', 'rural', 'M01');
             INSERT INTO branch_maintainers (branch_id, person_id) VALUES ('B01', 'W01'), ('B01', 'W02');
             INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES
                 ('S1', '一', 'rural', 'B01', 'W01'), ('S2', '二', 'rural', 'B01', 'W02');",
        )
        .unwrap();
    drop(store);
    let db = SqliteServerDb::open(&path).unwrap();
    (dir, db)
}

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        Just(String::new()),
        Just("S1".to_string()),
        Just("W01".to_string()),
        Just("2026-11-20".to_string()),
        Just("2026-11-20T09:00:00.000Z".to_string()),
        Just("9999-12-31T23:59:59Z".to_string()),
        Just("6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7a".to_string()),
        "\\PC{0,40}",
        "[\\x00-\\x1f'\";%/\\\\.]{0,20}",
    ]
    .boxed()
}

fn time() -> BoxedStrategy<String> {
    prop_oneof![
        Just("2026-11-20T09:00:00.000Z".to_string()),
        Just("2026-11-29T10:03:00+08:00".to_string()),
        Just("9999-12-31T23:59:59Z".to_string()),
        Just("0000-01-01T00:00:00Z".to_string()),
        text(),
    ]
    .boxed()
}

fn note() -> BoxedStrategy<NoteRecord> {
    (
        (
            prop_oneof![Just("6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7a".to_string()), text()],
            prop_oneof![Just("S1".to_string()), Just("S2".to_string()), text()],
            prop_oneof![Just("W01".to_string()), text()],
        ),
        (
            text(),
            prop_oneof![Just("equipment".to_string()), text()],
            text(),
            prop::option::of(text()),
        ),
        prop::collection::btree_map(
            prop_oneof![
                Just("body".to_string()),
                Just("kind".to_string()),
                Just("visited_on".to_string()),
                Just("follow_up_on".to_string()),
                text()
            ],
            time(),
            0..5,
        ),
        (any::<i64>(), time(), time()),
    )
        .prop_map(
            |(
                (uuid, station_id, author_id),
                (visited_on, kind, body, follow_up_on),
                field_times,
                (version, created_at, updated_at),
            )| NoteRecord {
                uuid,
                station_id,
                author_id,
                visited_on,
                kind,
                body,
                follow_up_on,
                field_times,
                version,
                created_at,
                updated_at,
            },
        )
        .boxed()
}

fn signoff() -> BoxedStrategy<SignoffRecord> {
    (
        (
            prop_oneof![Just("6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b".to_string()), text()],
            prop_oneof![Just("S1".to_string()), text()],
            prop_oneof![Just("2026-10".to_string()), text()],
        ),
        (
            prop_oneof![Just("W01".to_string()), text()],
            prop::option::of(prop_oneof![Just("M01".to_string()), text()]),
        ),
        (
            prop_oneof![Just("signed".to_string()), Just("disputed".to_string()), text()],
            prop::option::of(text()),
            text(),
        ),
        (any::<i64>(), time(), time()),
    )
        .prop_map(
            |(
                (uuid, station_id, month),
                (author_id, editor_id),
                (outcome, reason, signed_on),
                (version, created_at, updated_at),
            )| SignoffRecord {
                uuid,
                station_id,
                month,
                author_id,
                editor_id,
                outcome,
                reason,
                signed_on,
                field_times: Default::default(),
                version,
                created_at,
                updated_at,
            },
        )
        .boxed()
}

fn person() -> BoxedStrategy<String> {
    prop_oneof![
        Just("W01".to_string()),
        Just("M01".to_string()),
        Just("W02".to_string()),
        text()
    ]
    .boxed()
}

fn sheet() -> BoxedStrategy<BranchSignoffRecord> {
    (
        (
            prop_oneof![Just("6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7d".to_string()), text()],
            prop_oneof![Just("B01".to_string()), Just("B02".to_string()), text()],
            prop_oneof![Just("2026-10".to_string()), text()],
        ),
        (person(), prop::option::of(person())),
        (
            prop_oneof![Just("manager".to_string()), Just("maintainer".to_string()), text()],
            prop_oneof![Just("signed".to_string()), Just("disputed".to_string()), text()],
            prop::option::of(text()),
            text(),
        ),
        (any::<i64>(), time(), time()),
    )
        .prop_map(
            |(
                (uuid, branch_id, month),
                (author_id, editor_id),
                (role, outcome, reason, signed_on),
                (version, created_at, updated_at),
            )| BranchSignoffRecord {
                uuid,
                branch_id,
                month,
                author_id,
                editor_id,
                role,
                outcome,
                reason,
                signed_on,
                version,
                created_at,
                updated_at,
            },
        )
        .boxed()
}

fn resolution() -> BoxedStrategy<ResolutionRecord> {
    (
        (
            prop_oneof![Just("6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7c".to_string()), text()],
            prop_oneof![Just("station".to_string()), Just("branch".to_string()), text()],
            prop_oneof![
                Just("6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b".to_string()),
                Just("6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7d".to_string()),
                text()
            ],
            prop::option::of(prop_oneof![Just("S1".to_string()), text()]),
            prop::option::of(prop_oneof![Just("B01".to_string()), text()]),
        ),
        (
            prop_oneof![Just("2026-10".to_string()), text()],
            time(),
            prop_oneof![Just("accepted".to_string()), Just("rejected".to_string()), text()],
            prop::option::of(any::<i64>()),
            text(),
            text(),
        ),
        (person(), prop::option::of(person())),
        (any::<i64>(), time(), time()),
    )
        .prop_map(
            |(
                (uuid, kind, signoff_uuid, station_id, branch_id),
                (month, answers, outcome, corrected_fen, reason, resolved_on),
                (author_id, editor_id),
                (version, created_at, updated_at),
            )| ResolutionRecord {
                uuid,
                kind,
                signoff_uuid,
                station_id,
                branch_id,
                month,
                answers,
                outcome,
                corrected_fen,
                reason,
                resolved_on,
                author_id,
                editor_id,
                version,
                created_at,
                updated_at,
            },
        )
        .boxed()
}

fn record() -> impl Strategy<Value = PushRecord> {
    prop_oneof![
        note().prop_map(PushRecord::VisitNote),
        signoff().prop_map(PushRecord::Signoff),
        sheet().prop_map(PushRecord::BranchSignoff),
        resolution().prop_map(PushRecord::Resolution),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn hostile_records_are_answered_one_by_one_and_break_nothing(
        batches in prop::collection::vec(prop::collection::vec(record(), 1..8), 1..4),
        role in prop_oneof![Just(Role::Maintainer), Just(Role::Manager), Just(Role::County)],
    ) {
        let (_dir, db) = server();
        let person = match role { Role::Maintainer => "W01", Role::Manager => "M01", Role::County => "W02" };
        let scope = db.scope_of(&Account { person_id: person.into(), role }).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap();
        for batch in &batches {
            let results = db.receive_records(&scope, batch, now).unwrap();
            prop_assert_eq!(results.len(), batch.len());
            for (result, record) in results.iter().zip(batch) {
                prop_assert_eq!(&result.uuid, record.uuid());
                if result.outcome == PushOutcome::Rejected {
                    prop_assert!(result.refusal.is_some() && result.reason.as_deref().is_some_and(|r| !r.is_empty()));
                    prop_assert!(result.reason.as_deref().unwrap().chars().count() < 600);
                }
            }
        }
        // Nothing stored names a station outside the token's writing scope,
        // and the references hold.
        let page = db.pull_page(&db.scope_of(&Account { person_id: "X".into(), role: Role::County }).unwrap(), 0, 100_000, now).unwrap().page;
        for n in &page.visit_notes {
            prop_assert!(scope.writes_station(&n.note.station_id));
            prop_assert!(n.note.updated_at.as_str() <= "2026-11-29T10:05:00.000Z");
        }
        for s in &page.signoffs {
            prop_assert!(scope.writes_station(&s.signoff.station_id));
        }
        // A branch sheet is signed by the token's person only, in a place
        // the registry gives them; a resolution is a county token's.
        for s in &page.branch_signoffs {
            let s = &s.signoff;
            prop_assert_eq!(&s.author_id, person);
            let holds = match s.role.as_str() {
                "manager" => s.branch_id == "B01" && person == "M01",
                _ => s.branch_id == "B01" && ["W01", "W02"].contains(&person),
            };
            prop_assert!(holds, "{:?}", s);
        }
        for r in &page.resolutions {
            prop_assert_eq!(role, Role::County);
            prop_assert_eq!(&r.resolution.author_id, person);
        }
    }

    #[test]
    fn random_bytes_are_not_a_push_request(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = serde_json::from_slice::<PushRequest>(&bytes);
    }
}
