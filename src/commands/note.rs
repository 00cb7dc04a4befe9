//! `bianmin note`: write a visit note from a script, or list notes with
//! their sync state, on a laptop's database or the server's.

use anyhow::Context;
use bianmin::config::{default_config_path, Config};
use bianmin::i18n::{tr, trf, Text};
use bianmin::month::parse_date;
use bianmin::records::{NewNote, NoteKind, SyncState, VisitNote};
use bianmin::report::table::{wrap, Grid};
use chrono::Utc;

use bianmin::server::db::postgres::PgCounty;
use bianmin::server::db::Location;

use crate::cli::{Global, NoteAction, NoteAddArgs, NoteFormat, NoteKindArg};

fn kind(arg: NoteKindArg) -> NoteKind {
    match arg {
        NoteKindArg::Collection => NoteKind::Collection,
        NoteKindArg::Equipment => NoteKind::Equipment,
        NoteKindArg::Promotion => NoteKind::Promotion,
        NoteKindArg::Reconciliation => NoteKind::Reconciliation,
        NoteKindArg::Other => NoteKind::Other,
    }
}

fn date(text: &str, option: &str) -> anyhow::Result<chrono::NaiveDate> {
    parse_date(text)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{option} {text:?}"))
}

pub fn run(global: &Global, action: NoteAction) -> anyhow::Result<()> {
    match action {
        NoteAction::Add(args) => add(global, &args),
        NoteAction::List { station, format } => list(global, station.as_deref(), format),
    }
}

fn add(global: &Global, args: &NoteAddArgs) -> anyhow::Result<()> {
    let store = super::open_store(global)?;
    let config_path = default_config_path();
    let config = Config::load(&config_path)?;
    let author = super::author(global, &store, &config, &config_path)?;
    let visited_on = match &args.date {
        Some(d) => date(d, "--date")?,
        None => store.today()?,
    };
    let follow_up_on = args.follow_up.as_deref().map(|d| date(d, "--follow-up")).transpose()?;
    let note = store.add_note(
        &NewNote {
            station_id: args.station.clone(),
            author_id: author,
            visited_on,
            kind: kind(args.kind),
            body: args.text.clone(),
            follow_up_on,
        },
        Utc::now(),
    )?;
    super::write_stdout(format!("{}\n", note.uuid).as_bytes())?;
    let whereabouts = if store.is_demo()? {
        Text::NoteStaysInDemo
    } else if store.is_server()? {
        Text::NoteOnServer
    } else {
        Text::NoteQueued
    };
    eprintln!(
        "{}",
        trf(
            Text::NoteWritten,
            &[&note.station_id, &note.visited_on, &tr(whereabouts)]
        )
    );
    Ok(())
}

fn sync_text(state: &SyncState) -> String {
    match state {
        SyncState::Pending => tr(Text::Pending).to_string(),
        SyncState::Synced => tr(Text::Synced).to_string(),
        SyncState::Rejected(reason) => trf(Text::NoteRefusedBecause, &[reason]),
        SyncState::Local => tr(Text::NoteLocal).to_string(),
    }
}

/// How wide a note's text is wrapped in the table (display columns).
const TEXT_WIDTH: usize = 36;

/// The notes to list: a laptop's (with those the server set aside) or a
/// county database's, SQLite or PostgreSQL.
fn notes_to_list(global: &Global, station: Option<&str>) -> anyhow::Result<Vec<VisitNote>> {
    if let Some(path) = &global.db {
        if let Location::Postgres(url) = Location::of(path)? {
            let county = PgCounty::open(&url)?;
            if let Some(id) = station {
                if county.station(id)?.is_none() {
                    anyhow::bail!("station {id:?} is not in {}", county.shown());
                }
            }
            return Ok(county.notes(station)?);
        }
    }
    let store = super::open_store(global)?;
    if let Some(id) = station {
        if store.station(id)?.is_none() {
            anyhow::bail!("{}", trf(Text::PayoutUnknownStation, &[&id, &store.path()]));
        }
    }
    let mut notes: Vec<VisitNote> = store.notes(station)?;
    notes.extend(store.set_aside_notes(station)?);
    Ok(notes)
}

fn list(global: &Global, station: Option<&str>, format: NoteFormat) -> anyhow::Result<()> {
    let notes = notes_to_list(global, station)?;
    let text = match format {
        NoteFormat::Json => {
            let mut text = serde_json::to_string_pretty(&notes)?;
            text.push('\n');
            text
        }
        NoteFormat::Table => {
            let grid = Grid {
                header: [
                    Text::Note,
                    Text::Station,
                    Text::NoteAuthor,
                    Text::NoteVisited,
                    Text::Kind,
                    Text::FollowUp,
                    Text::NoteVersion,
                    Text::SyncShort,
                    Text::NoteText,
                ]
                .map(|t| tr(t).to_string())
                .to_vec(),
                rows: notes
                    .iter()
                    .map(|n| {
                        vec![
                            // The last digits: random in a real UUID, and
                            // unique among the demo's too.
                            n.uuid[n.uuid.len().saturating_sub(12)..].to_string(),
                            n.station_id.clone(),
                            n.author_id.clone(),
                            n.visited_on.to_string(),
                            tr(n.kind.text()).to_string(),
                            n.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
                            n.version.to_string(),
                            wrap(&sync_text(&n.sync), TEXT_WIDTH / 2),
                            // The whole note, wrapped: nothing is cut.
                            wrap(&n.body, TEXT_WIDTH),
                        ]
                    })
                    .collect(),
                right_aligned: vec![false, false, false, false, false, false, true, false, false],
            };
            let mut text = grid.render();
            let pending = notes.iter().filter(|n| n.sync == SyncState::Pending).count();
            let count = if notes.len() == 1 {
                Text::NotesCountOne
            } else {
                Text::NotesCountMany
            };
            text.push_str(&trf(count, &[&notes.len(), &pending]));
            text.push('\n');
            text
        }
    };
    super::write_stdout(text.as_bytes())
}
