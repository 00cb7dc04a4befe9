//! The merge converges: random edits of one note, one sign-off, one
//! branch sheet sign-off and one resolution from three laptops, delivered
//! to the server and back in random orders,
//! duplicated and interleaved, leave every replica and the server with
//! the same record. (The merge is a join of lattices; these properties
//! are what that buys, checked on the real functions.)

use bianmin::sync::{merge_decision, merge_note, CompleteNote, NOTE_FIELDS};
use bianmin::wire::{BranchSignoffRecord, NoteRecord, ResolutionRecord, SignoffRecord};
use proptest::prelude::*;

const BASE: &str = "2026-11-20T08:00:00.000Z";

fn at(minute: u32) -> String {
    format!("2026-11-20T09:{:02}:00.000Z", minute % 60)
}

fn base_note() -> CompleteNote {
    CompleteNote::new(NoteRecord {
        uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7a".into(),
        station_id: "S1".into(),
        author_id: "W01".into(),
        visited_on: "2026-11-20".into(),
        kind: "equipment".into(),
        body: "起初".into(),
        follow_up_on: None,
        field_times: NOTE_FIELDS.iter().map(|f| (f.to_string(), BASE.to_string())).collect(),
        version: 1,
        created_at: BASE.into(),
        updated_at: BASE.into(),
    })
    .unwrap()
}

fn base_signoff() -> SignoffRecord {
    SignoffRecord {
        uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b".into(),
        station_id: "S1".into(),
        month: "2026-10".into(),
        author_id: "W01".into(),
        editor_id: Some("W01".into()),
        outcome: "signed".into(),
        reason: None,
        signed_on: "2026-11-05".into(),
        field_times: Default::default(),
        version: 1,
        created_at: BASE.into(),
        updated_at: BASE.into(),
    }
}

fn base_sheet() -> BranchSignoffRecord {
    BranchSignoffRecord {
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
        created_at: BASE.into(),
        updated_at: BASE.into(),
    }
}

fn base_resolution() -> ResolutionRecord {
    ResolutionRecord {
        uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7c".into(),
        kind: "station".into(),
        signoff_uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b".into(),
        station_id: Some("S1".into()),
        branch_id: None,
        month: "2026-10".into(),
        answers: BASE.into(),
        outcome: "rejected".into(),
        corrected_fen: None,
        reason: "起初".into(),
        resolved_on: "2026-11-09".into(),
        author_id: "PT01".into(),
        editor_id: Some("PT01".into()),
        version: 1,
        created_at: BASE.into(),
        updated_at: BASE.into(),
    }
}

/// One laptop's edit: a note field set to a value at a time, a new
/// sign-off or branch sheet decision at a time, or a new resolution of a
/// dispute decided at some time.
#[derive(Debug, Clone)]
enum Edit {
    Note {
        field: usize,
        value: u8,
        minute: u32,
    },
    Signoff {
        disputed: bool,
        editor: u8,
        minute: u32,
    },
    Sheet {
        disputed: bool,
        minute: u32,
    },
    Resolution {
        fen: Option<u8>,
        editor: u8,
        answers: u32,
        minute: u32,
    },
}

fn edit_strategy() -> impl Strategy<Value = (usize, Edit)> {
    let note = (0..4usize, 0..4u8, 0..6u32).prop_map(|(field, value, minute)| Edit::Note { field, value, minute });
    let signoff = (any::<bool>(), 0..2u8, 0..6u32).prop_map(|(disputed, editor, minute)| Edit::Signoff {
        disputed,
        editor,
        minute,
    });
    let sheet = (any::<bool>(), 0..6u32).prop_map(|(disputed, minute)| Edit::Sheet { disputed, minute });
    let resolution = (prop::option::of(0..3u8), 0..2u8, 0..6u32, 0..6u32).prop_map(|(fen, editor, answers, minute)| {
        Edit::Resolution {
            fen,
            editor,
            answers,
            minute,
        }
    });
    (0..3usize, prop_oneof![note, signoff, sheet, resolution])
}

#[derive(Debug, Clone, PartialEq)]
struct Replica {
    note: CompleteNote,
    signoff: SignoffRecord,
    sheet: BranchSignoffRecord,
    resolution: ResolutionRecord,
}

impl Replica {
    fn new() -> Replica {
        Replica {
            note: base_note(),
            signoff: base_signoff(),
            sheet: base_sheet(),
            resolution: base_resolution(),
        }
    }

    fn apply(&mut self, edit: &Edit) {
        match edit {
            Edit::Note { field, value, minute } => {
                let mut n = self.note.record().clone();
                let field = NOTE_FIELDS[*field];
                let text = format!("值{value}");
                match field {
                    "visited_on" => n.visited_on = format!("2026-11-1{value}"),
                    "kind" => n.kind = ["collection", "equipment", "promotion", "other"][*value as usize].into(),
                    "body" => n.body = text,
                    _ => n.follow_up_on = (*value > 0).then(|| format!("2026-12-0{value}")),
                }
                n.field_times.insert(field.into(), at(*minute));
                n.version += 1;
                n.updated_at = at(*minute).max(n.updated_at.clone());
                self.note = CompleteNote::new(n).unwrap();
            }
            Edit::Signoff {
                disputed,
                editor,
                minute,
            } => {
                let s = &mut self.signoff;
                s.outcome = if *disputed { "disputed" } else { "signed" }.into();
                s.reason = disputed.then(|| "有出入".to_string());
                s.editor_id = Some(["W01", "M01"][*editor as usize].into());
                s.version += 1;
                s.updated_at = at(*minute);
            }
            Edit::Sheet { disputed, minute } => {
                let s = &mut self.sheet;
                s.outcome = if *disputed { "disputed" } else { "signed" }.into();
                s.reason = disputed.then(|| "扣罚多算".to_string());
                s.version += 1;
                s.updated_at = at(*minute);
            }
            Edit::Resolution {
                fen,
                editor,
                answers,
                minute,
            } => {
                let r = &mut self.resolution;
                r.outcome = if fen.is_some() { "accepted" } else { "rejected" }.into();
                r.corrected_fen = fen.map(|f| 4000 + i64::from(f));
                r.editor_id = Some(["PT01", "PT02"][*editor as usize].into());
                r.answers = at(*answers);
                r.version += 1;
                r.updated_at = at(*minute);
            }
        }
    }

    fn merge(&mut self, other: &Replica) {
        self.note = merge_note(&self.note, &other.note);
        self.signoff = merge_decision(&self.signoff, &other.signoff);
        self.sheet = merge_decision(&self.sheet, &other.sheet);
        self.resolution = merge_decision(&self.resolution, &other.resolution);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_order_of_delivery_gives_the_same_records(
        edits in prop::collection::vec(edit_strategy(), 1..24),
        sends in prop::collection::vec(any::<bool>(), 24),
        order in prop::collection::vec(any::<prop::sample::Index>(), 0..60),
        pulls in prop::collection::vec((0..3usize, any::<bool>()), 24),
    ) {
        let mut laptops = vec![Replica::new(), Replica::new(), Replica::new()];
        let mut server = Replica::new();
        // What travelled: snapshots of a laptop's records, sent whenever it
        // synced; some syncs also pull the server's state back.
        let mut messages: Vec<Replica> = Vec::new();
        for (i, (laptop, edit)) in edits.iter().enumerate() {
            laptops[*laptop].apply(edit);
            if sends[i] {
                messages.push(laptops[*laptop].clone());
                server.merge(&laptops[*laptop]);
                let (who, pull) = pulls[i];
                if pull {
                    let state = server.clone();
                    laptops[who].merge(&state);
                }
            }
        }
        // The same messages delivered to a second server in another order,
        // with repeats: it ends in the same state as the first.
        let mut reordered = Replica::new();
        for index in &order {
            if !messages.is_empty() {
                reordered.merge(&messages[index.index(messages.len())]);
            }
        }
        for m in messages.iter().rev() {
            reordered.merge(m);
        }
        let mut in_order = Replica::new();
        for m in &messages {
            in_order.merge(m);
        }
        prop_assert_eq!(&reordered, &in_order);

        // Everyone syncs twice: every replica equals the server.
        for _ in 0..2 {
            for laptop in &mut laptops {
                server.merge(laptop);
            }
            for laptop in &mut laptops {
                laptop.merge(&server);
            }
        }
        for laptop in &laptops {
            prop_assert_eq!(laptop, &server);
        }
    }

    #[test]
    fn merging_is_commutative_associative_and_idempotent(
        a in prop::collection::vec(edit_strategy(), 0..6),
        b in prop::collection::vec(edit_strategy(), 0..6),
        c in prop::collection::vec(edit_strategy(), 0..6),
    ) {
        let replica = |edits: &[(usize, Edit)]| {
            let mut r = Replica::new();
            for (_, e) in edits {
                r.apply(e);
            }
            r
        };
        let (a, b, c) = (replica(&a), replica(&b), replica(&c));
        let join = |x: &Replica, y: &Replica| {
            let mut z = x.clone();
            z.merge(y);
            z
        };
        prop_assert_eq!(join(&a, &b), join(&b, &a));
        prop_assert_eq!(join(&join(&a, &b), &c), join(&a, &join(&b, &c)));
        prop_assert_eq!(join(&a, &a), a.clone());
    }
}
