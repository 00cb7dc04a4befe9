//! PNG screenshots of the dashboard's main screens, from the real rendering.
//!
//! ```sh
//! cargo run --release --example screenshots          # or screenshots/make.sh
//! cargo run --release --example screenshots -- --text   # also print each screen as text
//! ```
//!
//! Builds the demo county in memory exactly as `tests/tui.rs` does, reaches
//! each screen with the same keys as the tests, draws it with
//! `views::draw` on a 120×36 `TestBackend`, and paints the buffer cell by
//! cell into `screenshots/<screen>-<zh|en>.png`: glyphs from Noto Sans Mono
//! CJK SC (Debian's `fonts-noto-cjk`, a `.ttc` collection; DejaVu Sans Mono
//! for the few symbols it lacks), box drawing, block elements and braille
//! drawn as lines and rectangles the way terminals do, ratatui colours on a
//! dark terminal palette, bold in the bold face and the bright colour,
//! reversed, dim, underlined and crossed-out cells, double-width
//! characters over two cells.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use ab_glyph::{point, Font, FontVec, PxScale, ScaleFont};
use anyhow::{bail, ensure, Context, Result};
use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Position;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

use bianmin::demo::{build_demo, DEFAULT_SEED};
use bianmin::i18n::Lang;
use bianmin::policy::Policy;
use bianmin::store::Store;
use bianmin::tui::state::Screen;
use bianmin::tui::theme::Theme;
use bianmin::tui::{views, App, Inline};

/// The terminal: columns and rows.
const COLS: u16 = 120;
const ROWS: u16 = 36;
/// One cell in pixels. The mono face's half-width advance is half an em,
/// so a 20 px em fills a 10 px cell exactly and an ideograph two cells.
const CELL_W: usize = 10;
const CELL_H: usize = 24;
/// Window padding around the cells, in the background colour.
const PAD: usize = 8;
/// The baseline, from the top of a cell: the ideographic em box (0.88 em
/// above the baseline in Noto CJK) centred in the cell.
const BASELINE: f32 = 20.0;

const FONT_DIR: &str = "/usr/share/fonts/opentype/noto";
const CJK_REGULAR: &str = "NotoSansCJK-Regular.ttc";
const CJK_BOLD: &str = "NotoSansCJK-Bold.ttc";
const CJK_FAMILY: &str = "Noto Sans Mono CJK SC";
const FALLBACK_REGULAR: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
const FALLBACK_BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf";
const FALLBACK_FAMILY: &str = "DejaVu Sans Mono";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

/// A key press, as the tests send them.
enum Key {
    Text(&'static str),
    Enter,
}

struct Shot {
    name: &'static str,
    person: &'static str,
    keys: &'static [Key],
    /// The screen the keys lead to, checked before drawing.
    reached: fn(&App) -> bool,
}

const SHOTS: &[Shot] = &[
    Shot {
        name: "my-stations",
        person: "W01",
        keys: &[],
        reached: |app| app.screen() == &Screen::MyStations,
    },
    Shot {
        name: "station-detail",
        person: "W01",
        keys: &[Key::Enter],
        reached: |app| matches!(app.screen(), Screen::StationDetail { .. }),
    },
    Shot {
        name: "branch",
        person: "M01",
        keys: &[Key::Text("2")],
        reached: |app| matches!(app.screen(), Screen::Branch { .. }),
    },
    Shot {
        name: "county",
        person: "county",
        keys: &[],
        reached: |app| app.screen() == &Screen::County,
    },
    Shot {
        name: "visits",
        person: "W01",
        keys: &[Key::Text("3")],
        reached: |app| app.screen() == &Screen::Visits,
    },
    Shot {
        name: "editor",
        person: "W01",
        keys: &[Key::Text("n"), Key::Text("站长反映网络不稳定，下周二再来看看 network")],
        reached: |app| app.editor.is_some(),
    },
    Shot {
        name: "calendar",
        person: "W01",
        keys: &[Key::Text("4")],
        reached: |app| app.screen() == &Screen::Calendar,
    },
    Shot {
        name: "plan",
        person: "M01",
        keys: &[Key::Text("5")],
        reached: |app| app.screen() == &Screen::Plan,
    },
    Shot {
        name: "help",
        person: "W01",
        keys: &[Key::Text("?")],
        reached: |app| app.help,
    },
];

fn demo_app(person: &str, lang: Lang) -> Result<Inline> {
    let mut store = Store::open_in_memory()?;
    build_demo(&mut store, DEFAULT_SEED, today())?;
    Ok(Inline::open(store, Policy::dezhou_2012(), lang, Some(person))?)
}

fn main() -> Result<()> {
    let text = std::env::args().any(|a| a == "--text");
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&out_dir)?;
    let mut painter = Painter::new()?;
    for shot in SHOTS {
        let mut dash = demo_app(shot.person, Lang::Zh)?;
        dash.app.theme = Theme { colour: true };
        for k in shot.keys {
            match k {
                Key::Text(s) => dash.type_text(s),
                Key::Enter => dash.key(KeyCode::Enter),
            }
        }
        let mut app = dash.app;
        ensure!((shot.reached)(&app), "{}: the keys did not reach the screen", shot.name);
        for (lang, lang_name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
            app.lang = lang;
            let mut terminal = Terminal::new(TestBackend::new(COLS, ROWS))?;
            terminal.draw(|frame| views::draw(frame, &app))?;
            let backend = terminal.backend();
            let cursor = backend.cursor_visible().then(|| backend.cursor_position());
            for (x, y) in cut_wide_characters(backend.buffer()) {
                eprintln!("{}-{lang_name}: a wide character cut at ({x}, {y})", shot.name);
            }
            if text {
                println!("── {}-{lang_name} ──\n{}", shot.name, plain_text(backend.buffer()));
            }
            let image = painter.paint(backend.buffer(), cursor);
            let path = out_dir.join(format!("{}-{lang_name}.png", shot.name));
            image.write_png(&path)?;
            eprintln!("wrote {}", path.display());
        }
    }
    if !painter.missing.is_empty() {
        let list: String = painter.missing.iter().collect();
        eprintln!("no glyph for {list:?} (drawn as boxes)");
    }
    Ok(())
}

/// Cells where a double-width character has something drawn over its
/// right half (the same check as tests/tui.rs).
fn cut_wide_characters(buffer: &Buffer) -> Vec<(u16, u16)> {
    let area = buffer.area;
    let mut cut = Vec::new();
    for y in 0..area.height {
        for x in 0..area.width.saturating_sub(1) {
            if buffer[(x, y)].symbol().width() == 2 {
                let next = buffer[(x + 1, y)].symbol();
                if !(next.is_empty() || next == " ") {
                    cut.push((x, y));
                }
            }
        }
    }
    cut
}

/// The screen as text, a line per row, wide characters once.
fn plain_text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut x = 0;
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            out.push_str(symbol);
            x += symbol.width().max(1) as u16;
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------
// Colours

type Rgb = [u8; 3];

const DEFAULT_BG: Rgb = [0x28, 0x2c, 0x34];
const DEFAULT_FG: Rgb = [0xab, 0xb2, 0xbf];
const BRIGHT_FG: Rgb = [0xe6, 0xe9, 0xf0];

/// ANSI 0–15 (ratatui's Black … White), a One Dark-like dark palette.
const PALETTE: [Rgb; 16] = [
    [0x1e, 0x21, 0x27], // Black
    [0xe0, 0x6c, 0x75], // Red
    [0x98, 0xc3, 0x79], // Green
    [0xe5, 0xc0, 0x7b], // Yellow
    [0x61, 0xaf, 0xef], // Blue
    [0xc6, 0x78, 0xdd], // Magenta
    [0x56, 0xb6, 0xc2], // Cyan
    [0xab, 0xb2, 0xbf], // Gray
    [0x5c, 0x63, 0x70], // DarkGray
    [0xf0, 0x80, 0x8a], // LightRed
    [0xaa, 0xd7, 0x8c], // LightGreen
    [0xf0, 0xd0, 0x91], // LightYellow
    [0x7d, 0xc0, 0xfa], // LightBlue
    [0xd7, 0x91, 0xeb], // LightMagenta
    [0x6e, 0xcd, 0xd7], // LightCyan
    [0xe6, 0xe9, 0xf0], // White
];

fn ansi_index(colour: Color) -> Option<usize> {
    Some(match colour {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(i) if i < 16 => i as usize,
        _ => return None,
    })
}

fn rgb(colour: Color, default: Rgb) -> Rgb {
    if let Some(i) = ansi_index(colour) {
        return PALETTE[i];
    }
    match colour {
        Color::Rgb(r, g, b) => [r, g, b],
        Color::Indexed(i @ 16..=231) => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            let i = i - 16;
            [level(i / 36), level(i / 6 % 6), level(i % 6)]
        }
        Color::Indexed(i) => {
            let v = 8 + 10 * (i.saturating_sub(232));
            [v, v, v]
        }
        _ => default,
    }
}

/// Bold text in the bright colour, as most terminals draw it.
fn bold_rgb(colour: Color) -> Rgb {
    match ansi_index(colour) {
        Some(i @ 1..=7) => PALETTE[i + 8],
        Some(i) => PALETTE[i],
        None if colour == Color::Reset => BRIGHT_FG,
        None => rgb(colour, DEFAULT_FG).map(|v| (v as f32 * 1.15).min(255.0) as u8),
    }
}

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [0, 1, 2].map(|i| (a[i] as f32 * (1.0 - t) + b[i] as f32 * t).round() as u8)
}

// ---------------------------------------------------------------------------
// Fonts

struct Face {
    font: FontVec,
    /// ab_glyph's scale (the height of ascent − descent) that gives
    /// the face a half-width advance of exactly one cell.
    scale: PxScale,
}

impl Face {
    /// The face of `family` in the file (a collection or a single font).
    fn load(path: &Path, family: &str) -> Result<Face> {
        let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let count = owned_ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        let index = (0..count)
            .find(|&i| {
                owned_ttf_parser::Face::parse(&data, i).is_ok_and(|face| {
                    face.names().into_iter().any(|name| {
                        matches!(
                            name.name_id,
                            owned_ttf_parser::name_id::FAMILY | owned_ttf_parser::name_id::TYPOGRAPHIC_FAMILY
                        ) && name.to_string().as_deref() == Some(family)
                    })
                })
            })
            .with_context(|| format!("no face \"{family}\" in {}", path.display()))?;
        let font = FontVec::try_from_vec_and_index(data, index)?;
        let upem = font.units_per_em().unwrap_or(1000.0);
        let advance = font.h_advance_unscaled(font.glyph_id('M'));
        let em_px = CELL_W as f32 * upem / advance;
        let s = em_px * font.height_unscaled() / upem;
        Ok(Face {
            font,
            scale: PxScale { x: s, y: s },
        })
    }
}

/// A coverage map placed relative to a cell's top-left corner.
#[derive(Clone)]
struct Raster {
    x: i32,
    y: i32,
    w: usize,
    h: usize,
    cov: Vec<f32>,
}

impl Raster {
    fn cells(span: usize) -> Raster {
        let (w, h) = (span * CELL_W, CELL_H);
        Raster {
            x: 0,
            y: 0,
            w,
            h,
            cov: vec![0.0; w * h],
        }
    }

    /// Adds a rectangle in pixels, partial pixels at fractional edges.
    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        for py in 0..self.h {
            let oy = (y1.min(py as f32 + 1.0) - y0.max(py as f32)).max(0.0);
            if oy == 0.0 {
                continue;
            }
            for px in 0..self.w {
                let ox = (x1.min(px as f32 + 1.0) - x0.max(px as f32)).max(0.0);
                let c = &mut self.cov[py * self.w + px];
                *c = (*c + ox * oy).min(1.0);
            }
        }
    }

    /// Adds the pixels `f` covers (f gets a pixel's centre).
    fn shade(&mut self, f: impl Fn(f32, f32) -> f32) {
        for py in 0..self.h {
            for px in 0..self.w {
                let c = &mut self.cov[py * self.w + px];
                *c = (*c + f(px as f32 + 0.5, py as f32 + 0.5).clamp(0.0, 1.0)).min(1.0);
            }
        }
    }
}

/// Box drawing (U+2500–U+257F): the weight of the line going up, right,
/// down and left from the centre (1 light, 2 heavy, 3 double).
fn box_arms(c: char) -> Option<[u8; 4]> {
    const T: [[u8; 4]; 128] = {
        let mut t = [[0u8; 4]; 128];
        // ─━│┃, then ┄┅┆┇┈┉┊┋ (dashed, see `dashes`).
        t[0x00] = [0, 1, 0, 1];
        t[0x01] = [0, 2, 0, 2];
        t[0x02] = [1, 0, 1, 0];
        t[0x03] = [2, 0, 2, 0];
        t[0x04] = [0, 1, 0, 1];
        t[0x05] = [0, 2, 0, 2];
        t[0x06] = [1, 0, 1, 0];
        t[0x07] = [2, 0, 2, 0];
        t[0x08] = [0, 1, 0, 1];
        t[0x09] = [0, 2, 0, 2];
        t[0x0a] = [1, 0, 1, 0];
        t[0x0b] = [2, 0, 2, 0];
        // Corners, tees and crosses in light and heavy: ┌ … ╋.
        let corners: [[u8; 4]; 64] = [
            [0, 1, 1, 0],
            [0, 2, 1, 0],
            [0, 1, 2, 0],
            [0, 2, 2, 0],
            [0, 0, 1, 1],
            [0, 0, 1, 2],
            [0, 0, 2, 1],
            [0, 0, 2, 2],
            [1, 1, 0, 0],
            [1, 2, 0, 0],
            [2, 1, 0, 0],
            [2, 2, 0, 0],
            [1, 0, 0, 1],
            [1, 0, 0, 2],
            [2, 0, 0, 1],
            [2, 0, 0, 2],
            [1, 1, 1, 0],
            [1, 2, 1, 0],
            [2, 1, 1, 0],
            [1, 1, 2, 0],
            [2, 1, 2, 0],
            [2, 2, 1, 0],
            [1, 2, 2, 0],
            [2, 2, 2, 0],
            [1, 0, 1, 1],
            [1, 0, 1, 2],
            [2, 0, 1, 1],
            [1, 0, 2, 1],
            [2, 0, 2, 1],
            [2, 0, 1, 2],
            [1, 0, 2, 2],
            [2, 0, 2, 2],
            [0, 1, 1, 1],
            [0, 1, 1, 2],
            [0, 2, 1, 1],
            [0, 2, 1, 2],
            [0, 1, 2, 1],
            [0, 1, 2, 2],
            [0, 2, 2, 1],
            [0, 2, 2, 2],
            [1, 1, 0, 1],
            [1, 1, 0, 2],
            [1, 2, 0, 1],
            [1, 2, 0, 2],
            [2, 1, 0, 1],
            [2, 1, 0, 2],
            [2, 2, 0, 1],
            [2, 2, 0, 2],
            [1, 1, 1, 1],
            [1, 1, 1, 2],
            [1, 2, 1, 1],
            [1, 2, 1, 2],
            [2, 1, 1, 1],
            [1, 1, 2, 1],
            [2, 1, 2, 1],
            [2, 1, 1, 2],
            [2, 2, 1, 1],
            [1, 1, 2, 2],
            [1, 2, 2, 1],
            [2, 2, 1, 2],
            [1, 2, 2, 2],
            [2, 1, 2, 2],
            [2, 2, 2, 1],
            [2, 2, 2, 2],
        ];
        let mut i = 0;
        while i < 64 {
            t[0x0c + i] = corners[i];
            i += 1;
        }
        // ╌╍╎╏ (dashed).
        t[0x4c] = [0, 1, 0, 1];
        t[0x4d] = [0, 2, 0, 2];
        t[0x4e] = [1, 0, 1, 0];
        t[0x4f] = [2, 0, 2, 0];
        // Double and mixed single/double: ═ … ╬.
        let doubles: [[u8; 4]; 29] = [
            [0, 3, 0, 3],
            [3, 0, 3, 0],
            [0, 3, 1, 0],
            [0, 1, 3, 0],
            [0, 3, 3, 0],
            [0, 0, 1, 3],
            [0, 0, 3, 1],
            [0, 0, 3, 3],
            [1, 3, 0, 0],
            [3, 1, 0, 0],
            [3, 3, 0, 0],
            [1, 0, 0, 3],
            [3, 0, 0, 1],
            [3, 0, 0, 3],
            [1, 3, 1, 0],
            [3, 1, 3, 0],
            [3, 3, 3, 0],
            [1, 0, 1, 3],
            [3, 0, 3, 1],
            [3, 0, 3, 3],
            [0, 3, 1, 3],
            [0, 1, 3, 1],
            [0, 3, 3, 3],
            [1, 3, 0, 3],
            [3, 1, 0, 1],
            [3, 3, 0, 3],
            [1, 3, 1, 3],
            [3, 1, 3, 1],
            [3, 3, 3, 3],
        ];
        let mut i = 0;
        while i < 29 {
            t[0x50 + i] = doubles[i];
            i += 1;
        }
        // Rounded corners ╭╮╯╰ (arcs, see `box_raster`).
        t[0x6d] = [0, 1, 1, 0];
        t[0x6e] = [0, 0, 1, 1];
        t[0x6f] = [1, 0, 0, 1];
        t[0x70] = [1, 1, 0, 0];
        // Half lines ╴╵╶╷╸╹╺╻╼╽╾╿.
        let halves: [[u8; 4]; 12] = [
            [0, 0, 0, 1],
            [1, 0, 0, 0],
            [0, 1, 0, 0],
            [0, 0, 1, 0],
            [0, 0, 0, 2],
            [2, 0, 0, 0],
            [0, 2, 0, 0],
            [0, 0, 2, 0],
            [0, 2, 0, 1],
            [1, 0, 2, 0],
            [0, 1, 0, 2],
            [2, 0, 1, 0],
        ];
        let mut i = 0;
        while i < 12 {
            t[0x74 + i] = halves[i];
            i += 1;
        }
        t
    };
    let i = (c as u32).checked_sub(0x2500).filter(|&i| i < 128)? as usize;
    let arms = T[i];
    (arms != [0; 4]).then_some(arms)
}

/// The number of dashes of a dashed box-drawing line, 0 for a solid one.
fn dashes(c: char) -> usize {
    match c {
        '┄'..='┇' => 3,
        '┈'..='┋' => 4,
        '╌'..='╏' => 2,
        _ => 0,
    }
}

const LIGHT: f32 = 1.0;
const HEAVY: f32 = 3.0;
const DOUBLE_GAP: f32 = 2.0;

/// Box drawing, block elements and braille, drawn rather than taken from
/// a font so that lines join across cells as on a real terminal.
fn drawn(c: char) -> Option<Raster> {
    let (w, h) = (CELL_W as f32, CELL_H as f32);
    let mut r = Raster::cells(1);
    // Centre lines: the stroke of width t is centred on (cx, cy).
    let (cx, cy) = ((CELL_W / 2) as f32, (CELL_H / 2) as f32);
    if let Some(arms) = box_arms(c) {
        let thick = |a: u8| match a {
            1 => LIGHT,
            2 => HEAVY,
            3 => 2.0 * DOUBLE_GAP + LIGHT,
            _ => 0.0,
        };
        let [up, right, down, left] = arms;
        // How far a line reaches past the centre: over the crossing strokes.
        let across_h = thick(left).max(thick(right));
        let across_v = thick(up).max(thick(down));
        let n = dashes(c);
        let vertical = |r: &mut Raster, a: u8, y0: f32, y1: f32| {
            let t = thick(a);
            let xs: Vec<(f32, f32)> = if a == 3 {
                vec![(cx - t / 2.0, LIGHT), (cx + t / 2.0 - LIGHT, LIGHT)]
            } else {
                vec![(cx - t / 2.0, t)]
            };
            for (x, t) in xs {
                if n > 0 {
                    let seg = h / n as f32;
                    for k in 0..n {
                        let s = k as f32 * seg;
                        r.rect(x.round(), s + seg * 0.15, x.round() + t, s + seg * 0.85);
                    }
                } else {
                    r.rect(x.round(), y0, x.round() + t, y1);
                }
            }
        };
        let rounded = (0x256d..=0x2570).contains(&(c as u32));
        if rounded {
            // A quarter circle joining the two arms, radius half a cell.
            let (sx, sy) = match c {
                '╭' => (1.0, 1.0),
                '╮' => (-1.0, 1.0),
                '╯' => (-1.0, -1.0),
                _ => (1.0, -1.0),
            };
            let lx = (cx - LIGHT / 2.0).round() + LIGHT / 2.0;
            let ly = (cy - LIGHT / 2.0).round() + LIGHT / 2.0;
            let rad = lx.min(w - lx).min(ly).min(h - ly);
            let (ax, ay) = (lx + sx * rad, ly + sy * rad);
            r.shade(|px, py| {
                if (px - ax) * sx <= 0.0 && (py - ay) * sy <= 0.0 {
                    let d = ((px - ax).powi(2) + (py - ay).powi(2)).sqrt();
                    LIGHT / 2.0 + 0.5 - (d - rad).abs()
                } else {
                    0.0
                }
            });
            let (hx0, hx1) = if sx > 0.0 { (ax, w) } else { (0.0, ax) };
            r.rect(hx0, ly - LIGHT / 2.0, hx1, ly + LIGHT / 2.0);
            let (vy0, vy1) = if sy > 0.0 { (ay, h) } else { (0.0, ay) };
            r.rect(lx - LIGHT / 2.0, vy0, lx + LIGHT / 2.0, vy1);
            return Some(r);
        }
        let reach_v = (cy - across_h / 2.0).round() + across_h;
        let start_v = (cy - across_h / 2.0).round();
        if up != 0 {
            vertical(&mut r, up, 0.0, if across_h > 0.0 { reach_v } else { cy });
        }
        if down != 0 {
            vertical(&mut r, down, if across_h > 0.0 { start_v } else { cy }, h);
        }
        let reach_h = (cx - across_v / 2.0).round() + across_v;
        let start_h = (cx - across_v / 2.0).round();
        let horizontal = |r: &mut Raster, a: u8, x0: f32, x1: f32| {
            let t = thick(a);
            let ys: Vec<(f32, f32)> = if a == 3 {
                vec![(cy - t / 2.0, LIGHT), (cy + t / 2.0 - LIGHT, LIGHT)]
            } else {
                vec![(cy - t / 2.0, t)]
            };
            for (y, t) in ys {
                if n > 0 {
                    let seg = w / n as f32;
                    for k in 0..n {
                        let s = k as f32 * seg;
                        r.rect(s + seg * 0.15, y.round(), s + seg * 0.85, y.round() + t);
                    }
                } else {
                    r.rect(x0, y.round(), x1, y.round() + t);
                }
            }
        };
        if left != 0 {
            horizontal(&mut r, left, 0.0, if across_v > 0.0 { reach_h } else { cx });
        }
        if right != 0 {
            horizontal(&mut r, right, if across_v > 0.0 { start_h } else { cx }, w);
        }
        return Some(r);
    }
    let eighth_h = h / 8.0;
    let eighth_w = w / 8.0;
    match c {
        '╱' | '╲' | '╳' => {
            let line = |px: f32, py: f32, rising: bool| {
                // Distance to the cell's diagonal.
                let (dx, dy) = (w, if rising { -h } else { h });
                let (ox, oy) = (0.0, if rising { h } else { 0.0 });
                let d = ((px - ox) * dy - (py - oy) * dx).abs() / (dx * dx + dy * dy).sqrt();
                LIGHT / 2.0 + 0.5 - d
            };
            r.shade(|px, py| {
                let a = if c != '╲' { line(px, py, true) } else { 0.0 };
                let b = if c != '╱' { line(px, py, false) } else { 0.0 };
                a.max(b)
            });
        }
        '▀' => r.rect(0.0, 0.0, w, h / 2.0),
        '▁'..='▇' => {
            let n = c as u32 - 0x2580;
            r.rect(0.0, h - n as f32 * eighth_h, w, h);
        }
        '█' => r.rect(0.0, 0.0, w, h),
        '▉'..='▏' => {
            let n = 0x2590 - c as u32;
            r.rect(0.0, 0.0, n as f32 * eighth_w, h);
        }
        '▐' => r.rect(w / 2.0, 0.0, w, h),
        '░' | '▒' | '▓' => {
            let a = match c {
                '░' => 0.25,
                '▒' => 0.5,
                _ => 0.75,
            };
            r.shade(|_, _| a);
        }
        '▔' => r.rect(0.0, 0.0, w, eighth_h),
        '▕' => r.rect(w - eighth_w, 0.0, w, h),
        '▖'..='▟' => {
            // Upper left, upper right, lower left, lower right.
            let q: [bool; 4] = match c {
                '▖' => [false, false, true, false],
                '▗' => [false, false, false, true],
                '▘' => [true, false, false, false],
                '▙' => [true, false, true, true],
                '▚' => [true, false, false, true],
                '▛' => [true, true, true, false],
                '▜' => [true, true, false, true],
                '▝' => [false, true, false, false],
                '▞' => [false, true, true, false],
                _ => [false, true, true, true],
            };
            let (hw, hh) = (w / 2.0, h / 2.0);
            for (i, on) in q.into_iter().enumerate() {
                if on {
                    let (x, y) = ((i % 2) as f32 * hw, (i / 2) as f32 * hh);
                    r.rect(x, y, x + hw, y + hh);
                }
            }
        }
        '\u{2801}'..='\u{28ff}' => {
            let bits = c as u32 - 0x2800;
            // Dots 1–8: (column, row) of each bit.
            const DOTS: [(f32, f32); 8] = [
                (0.0, 0.0),
                (0.0, 1.0),
                (0.0, 2.0),
                (1.0, 0.0),
                (1.0, 1.0),
                (1.0, 2.0),
                (0.0, 3.0),
                (1.0, 3.0),
            ];
            let radius = w * 0.14;
            r.shade(|px, py| {
                DOTS.iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, &(col, row))| {
                        let (dx, dy) = (w * (0.3 + 0.4 * col), h * (0.125 + 0.25 * row));
                        let d = ((px - dx).powi(2) + (py - dy).powi(2)).sqrt();
                        radius + 0.5 - d
                    })
                    .fold(0.0, f32::max)
            });
        }
        _ => return None,
    }
    Some(r)
}

struct Painter {
    /// Regular and bold, each with its fallback.
    regular: Vec<Face>,
    bold: Vec<Face>,
    glyphs: HashMap<(String, bool, usize), Vec<Raster>>,
    missing: BTreeSet<char>,
}

impl Painter {
    fn new() -> Result<Painter> {
        let dir = PathBuf::from(FONT_DIR);
        let regular_path = dir.join(CJK_REGULAR);
        if !regular_path.exists() {
            bail!(
                "{} is missing: apt-get install fonts-noto-cjk (screenshots/make.sh does)",
                regular_path.display()
            );
        }
        let mut regular = vec![Face::load(&regular_path, CJK_FAMILY)?];
        let mut bold = vec![match Face::load(&dir.join(CJK_BOLD), CJK_FAMILY) {
            Ok(face) => face,
            Err(_) => Face::load(&regular_path, CJK_FAMILY)?,
        }];
        if let Ok(face) = Face::load(Path::new(FALLBACK_REGULAR), FALLBACK_FAMILY) {
            regular.push(face);
            let bold_face = Face::load(Path::new(FALLBACK_BOLD), FALLBACK_FAMILY);
            bold.push(bold_face.or_else(|_| Face::load(Path::new(FALLBACK_REGULAR), FALLBACK_FAMILY))?);
        }
        Ok(Painter {
            regular,
            bold,
            glyphs: HashMap::new(),
            missing: BTreeSet::new(),
        })
    }

    /// The rasters of a cell's symbol over `span` cells.
    fn glyph(&mut self, symbol: &str, bold: bool, span: usize) -> &[Raster] {
        let key = (symbol.to_string(), bold, span);
        if !self.glyphs.contains_key(&key) {
            let rasters = self.rasterize(symbol, bold, span);
            self.glyphs.insert(key.clone(), rasters);
        }
        &self.glyphs[&key]
    }

    fn rasterize(&mut self, symbol: &str, bold: bool, span: usize) -> Vec<Raster> {
        let mut chars = symbol
            .chars()
            .filter(|&c| !matches!(c, '\u{fe0e}' | '\u{fe0f}' | '\u{200d}'));
        let Some(base) = chars.next() else {
            return Vec::new();
        };
        if base == ' ' {
            return Vec::new();
        }
        if let Some(r) = drawn(base) {
            return vec![r];
        }
        let faces = if bold { &self.bold } else { &self.regular };
        let span_px = (span * CELL_W) as f32;
        // The first face whose glyph fits the cells, centred; else the
        // first that has it, squeezed to fit.
        let mut chosen = None;
        let mut squeezed = None;
        for (i, face) in faces.iter().enumerate() {
            let id = face.font.glyph_id(base);
            if id.0 == 0 {
                continue;
            }
            let advance = face.font.as_scaled(face.scale).h_advance(id);
            if advance <= span_px + 0.5 {
                chosen = Some((i, (span_px - advance) / 2.0, 1.0));
                break;
            }
            squeezed.get_or_insert((i, 0.0, span_px / advance));
        }
        let Some((i, x, squeeze)) = chosen.or(squeezed) else {
            self.missing.insert(base);
            let mut r = Raster::cells(span);
            let (x0, x1, y0, y1) = (1.0, span_px - 1.0, 3.0, CELL_H as f32 - 3.0);
            r.rect(x0, y0, x1, y0 + 1.0);
            r.rect(x0, y1 - 1.0, x1, y1);
            r.rect(x0, y0, x0 + 1.0, y1);
            r.rect(x1 - 1.0, y0, x1, y1);
            return vec![r];
        };
        let face = &faces[i];
        let scale = PxScale {
            x: face.scale.x * squeeze,
            y: face.scale.y,
        };
        std::iter::once(base)
            .chain(chars)
            .filter_map(|c| {
                let glyph = face.font.glyph_id(c).with_scale_and_position(scale, point(x, BASELINE));
                let outlined = face.font.outline_glyph(glyph)?;
                let b = outlined.px_bounds();
                let (w, h) = (b.width() as usize, b.height() as usize);
                let mut r = Raster {
                    x: b.min.x as i32,
                    y: b.min.y as i32,
                    w,
                    h,
                    cov: vec![0.0; w * h],
                };
                outlined.draw(|gx, gy, c| {
                    if let Some(v) = r.cov.get_mut(gy as usize * w + gx as usize) {
                        *v = c;
                    }
                });
                Some(r)
            })
            .collect()
    }

    fn paint(&mut self, buffer: &Buffer, cursor: Option<Position>) -> Image {
        let area = buffer.area;
        let mut image = Image::new(
            area.width as usize * CELL_W + 2 * PAD,
            area.height as usize * CELL_H + 2 * PAD,
            DEFAULT_BG,
        );
        // Backgrounds first, then glyphs, which may reach a pixel or two
        // into the next cell as on a terminal.
        let mut texts = Vec::new();
        for y in 0..area.height {
            let mut x = 0;
            while x < area.width {
                let cell = &buffer[(area.x + x, area.y + y)];
                let symbol = cell.symbol();
                let span = symbol.width().clamp(1, 2).min((area.width - x) as usize);
                let m = cell.modifier;
                let bold = m.contains(Modifier::BOLD);
                let mut fg = if bold {
                    bold_rgb(cell.fg)
                } else {
                    rgb(cell.fg, DEFAULT_FG)
                };
                let mut bg = rgb(cell.bg, DEFAULT_BG);
                let reversed = m.contains(Modifier::REVERSED);
                let at_cursor = cursor == Some(Position::new(area.x + x, area.y + y));
                if reversed != at_cursor {
                    std::mem::swap(&mut fg, &mut bg);
                }
                if m.contains(Modifier::DIM) {
                    fg = mix(fg, bg, 0.45);
                }
                if m.contains(Modifier::HIDDEN) {
                    fg = bg;
                }
                let (px, py) = (PAD + x as usize * CELL_W, PAD + y as usize * CELL_H);
                image.fill(px, py, span * CELL_W, CELL_H, bg);
                texts.push((px, py, symbol.to_string(), bold, span, fg, m));
                x += span as u16;
            }
        }
        for (px, py, symbol, bold, span, fg, m) in texts {
            for r in self.glyph(&symbol, bold, span) {
                image.blend(px as i32 + r.x, py as i32 + r.y, r, fg);
            }
            let line = |image: &mut Image, y: f32| {
                let mut r = Raster::cells(span);
                r.rect(0.0, y, (span * CELL_W) as f32, y + 1.0);
                image.blend(px as i32, py as i32, &r, fg);
            };
            if m.contains(Modifier::UNDERLINED) {
                line(&mut image, BASELINE + 1.0);
            }
            if m.contains(Modifier::CROSSED_OUT) {
                line(&mut image, BASELINE - 6.0);
            }
        }
        image
    }
}

struct Image {
    w: usize,
    h: usize,
    rgb: Vec<u8>,
}

impl Image {
    fn new(w: usize, h: usize, bg: Rgb) -> Image {
        Image {
            w,
            h,
            rgb: bg.repeat(w * h),
        }
    }

    fn fill(&mut self, x: usize, y: usize, w: usize, h: usize, colour: Rgb) {
        for row in y..(y + h).min(self.h) {
            for col in x..(x + w).min(self.w) {
                let i = (row * self.w + col) * 3;
                self.rgb[i..i + 3].copy_from_slice(&colour);
            }
        }
    }

    fn blend(&mut self, x: i32, y: i32, r: &Raster, colour: Rgb) {
        for ry in 0..r.h {
            for rx in 0..r.w {
                let a = r.cov[ry * r.w + rx];
                let (ix, iy) = (x + rx as i32, y + ry as i32);
                if a <= 0.0 || ix < 0 || iy < 0 || ix as usize >= self.w || iy as usize >= self.h {
                    continue;
                }
                let i = (iy as usize * self.w + ix as usize) * 3;
                let under = [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]];
                self.rgb[i..i + 3].copy_from_slice(&mix(under, colour, a.min(1.0)));
            }
        }
    }

    fn write_png(&self, path: &Path) -> Result<()> {
        let file = BufWriter::new(File::create(path)?);
        let mut encoder = png::Encoder::new(file, self.w as u32, self.h as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.rgb)?;
        writer.finish()?;
        Ok(())
    }
}
