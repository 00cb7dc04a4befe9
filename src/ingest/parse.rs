//! Cell parsers: one function per kind of value an import column holds.
//!
//! Each takes the cell's text (already trimmed of nothing: the parsers
//! trim) and returns the value or the reason it was refused, which names
//! the cell as written (`"12,5" is not an amount`); the caller adds the
//! line and the column. None of them guesses: a figure is either read
//! exactly as written or refused.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use crate::month::Month;
use crate::policy::Kind;

use super::quote::{needs_escape, quote};
use super::rows::StationStatus;
use crate::i18n::{trf, Text};

/// The referral kinds of the policy, as `ReferralRow::kind` carries them.
pub const REFERRAL_KINDS: [&str; 4] = [
    "huinongtong",
    "finance_leads",
    "car_insurance_leads",
    "car_insurance_converted",
];

/// Lower-cases ASCII letters and joins words with `_`, so that `Station
/// Code`, `station-code` and `STATION_CODE` read alike; Chinese is
/// unchanged. Full-width parentheses become ASCII ones.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_sep = false;
    for ch in text.trim().trim_start_matches('\u{feff}').trim().chars() {
        match ch {
            c if c.is_whitespace() || c == '-' || c == '_' => pending_sep = true,
            c => {
                if pending_sep && !out.is_empty() {
                    out.push('_');
                }
                pending_sep = false;
                out.push(match c {
                    '（' => '(',
                    '）' => ')',
                    c => c.to_ascii_lowercase(),
                });
            }
        }
    }
    out
}

/// Looks a normalised word up in a table of synonyms.
fn lookup<T: Copy>(text: &str, table: &[(&str, T)]) -> Option<T> {
    let key = normalise(text);
    table.iter().find(|(name, _)| *name == key).map(|&(_, v)| v)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `1.23E+18`, `6.2e17`: what Excel writes for a number of more than 15
/// digits, which it has already rounded.
fn looks_scientific(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    all_digits(whole) && all_digits(frac) && all_digits(exponent)
}

/// A number Excel has already rounded, in words.
fn scientific(t: &str) -> String {
    trf(Text::ImportScientific, &[&quote(t)])
}

/// An empty cell, in words.
pub(crate) fn empty() -> String {
    crate::i18n::tr(Text::ImportEmpty).to_string()
}

/// The longest code or id accepted, in characters: real ones are 3 to 30
/// (`S001`, `371402001`, a 22-character transaction id); a file name is
/// built from a station code.
pub const MAX_CODE_CHARS: usize = 64;

/// The longest name or other free text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 100;

/// A transaction or referral id (交易流水号, 转介编号): any text, trimmed,
/// of at most [`MAX_CODE_CHARS`] characters, with no control or invisible
/// character (a tab, NUL, an escape sequence, a bidirectional override)
/// and no whitespace inside other than a plain space; refused when it
/// looks like a number Excel has rounded.
pub fn identifier(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(empty());
    }
    check_length(t, MAX_CODE_CHARS)?;
    if looks_scientific(t) {
        return Err(scientific(t));
    }
    if let Some(c) = t.chars().find(|&c| invisible(c) || (c.is_whitespace() && c != ' ')) {
        return Err(trf(Text::ImportHasControl, &[&quote(t), &c.escape_unicode()]));
    }
    Ok(t.to_string())
}

/// A station, branch or person code (站点编码, 支局编码, 工号): an
/// [`identifier`] that also cannot hold `/`, `\` or `..`, so that no code
/// can name a path when it becomes part of a file name (statements are
/// written as `CODE-MONTH.txt`; `report::safe_file_stem` cleans them again).
pub fn code(text: &str) -> Result<String, String> {
    let t = identifier(text)?;
    let bad = ["..", "/", "\\"].into_iter().find(|part| t.contains(part));
    if let Some(part) = bad {
        return Err(trf(Text::ImportCodeHasPath, &[&quote(&t), &part]));
    }
    Ok(t)
}

/// A name or other free text: trimmed, non-empty, at most
/// [`MAX_TEXT_CHARS`] characters, with no control character (a newline,
/// a terminal escape) and no bidirectional override.
pub fn text(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(empty());
    }
    check_length(t, MAX_TEXT_CHARS)?;
    if let Some(c) = t
        .chars()
        .find(|&c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
    {
        return Err(trf(Text::ImportHasControl, &[&quote(t), &c.escape_unicode()]));
    }
    Ok(t.to_string())
}

/// A control character, or one that changes how the text around it shows
/// (see `quote::needs_escape`).
fn invisible(c: char) -> bool {
    c.is_control() || needs_escape(c)
}

fn check_length(t: &str, max: usize) -> Result<(), String> {
    if t.chars().nth(max).is_some() {
        return Err(trf(Text::ImportTooLong, &[&quote(t), &max]));
    }
    Ok(())
}

/// Splits `2026-10-05`, `2026/10/5`, `20261005` or `2026年10月5日` into
/// year, month and day; `None` when it has none of these shapes.
fn date_parts(s: &str) -> Option<(i32, u32, u32)> {
    if s.len() == 8 && all_digits(s) {
        return Some((s[..4].parse().ok()?, s[4..6].parse().ok()?, s[6..].parse().ok()?));
    }
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        vec![y, m, d]
    } else {
        let sep = if s.contains('/') { '/' } else { '-' };
        s.split(sep).collect()
    };
    let [y, m, d] = parts[..] else {
        return None;
    };
    let short = |p: &str| all_digits(p) && p.len() <= 2;
    if !(y.len() == 4 && all_digits(y) && short(m) && short(d)) {
        return None;
    }
    Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
}

fn date_only(s: &str) -> Option<NaiveDate> {
    let (y, m, d) = date_parts(s)?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `14:03`, `14:03:22`, `9:05:00.250`.
fn time_only(s: &str) -> Option<NaiveTime> {
    let mut parts = s.splitn(3, ':');
    let h = parts.next()?;
    let m = parts.next()?;
    let sec = parts.next().unwrap_or("00");
    let (sec, frac) = match sec.split_once('.') {
        Some((s, f)) if all_digits(f) && f.len() <= 9 => (s, f),
        Some(_) => return None,
        None => (sec, ""),
    };
    let two = |p: &str| all_digits(p) && p.len() == 2;
    if !(all_digits(h) && h.len() <= 2 && two(m) && two(sec)) {
        return None;
    }
    let nanos = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    NaiveTime::from_hms_nano_opt(h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?, nanos)
}

/// A calendar date: `2026-10-05`, `2026/10/05`, `2026/10/5`, `20261005`,
/// `2026年10月5日`, or one of these followed by a midnight time (what some
/// exports write for a date).
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let refused = || trf(Text::ImportNotDate, &[&quote(t)]);
    if let Some(d) = date_only(t) {
        return Ok(d);
    }
    match date_time(t) {
        Ok(dt) if dt.time() == NaiveTime::MIN => Ok(dt.date()),
        _ => Err(refused()),
    }
}

/// A date and time: `2026-10-05 14:03:22`, `2026/10/05 14:03`, any date
/// form of [`date`] followed by a time (a space or `T` between), or a date
/// alone (midnight).
pub fn date_time(text: &str) -> Result<NaiveDateTime, String> {
    let t = text.trim();
    let refused = || trf(Text::ImportNotDateTime, &[&quote(t)]);
    if let Some(d) = date_only(t) {
        return Ok(d.and_time(NaiveTime::MIN));
    }
    let (day, time) = t.split_once(' ').or_else(|| t.split_once('T')).ok_or_else(refused)?;
    let day = date_only(day).ok_or_else(refused)?;
    let time = time_only(time.trim_start()).ok_or_else(refused)?;
    Ok(day.and_time(time))
}

/// A calendar month: `2026-10`, `2026/10`, `2026-1`, `202610`,
/// `2026年10月`, or the first day of the month as a date (Excel turns a
/// typed `2026-10` into 2026-10-01).
pub fn month(text: &str) -> Result<Month, String> {
    let t = text.trim();
    let refused = || trf(Text::ImportNotMonth, &[&quote(t)]);
    let (y, m) = if t.len() == 6 && all_digits(t) {
        (&t[..4], &t[4..])
    } else if let Some(rest) = t.strip_suffix('月') {
        rest.split_once('年').ok_or_else(refused)?
    } else {
        let sep = if t.contains('/') { '/' } else { '-' };
        match t.split(sep).collect::<Vec<_>>()[..] {
            [y, m] => (y, m),
            _ => {
                return match date(t) {
                    Ok(d) if d == Month::of(d).first_day() => Ok(Month::of(d)),
                    _ => Err(refused()),
                }
            }
        }
    };
    let shaped = y.len() == 4 && all_digits(y) && all_digits(m) && m.len() <= 2;
    if !shaped {
        return Err(refused());
    }
    let year = y.parse().map_err(|_| refused())?;
    let month = m.parse().map_err(|_| refused())?;
    Month::new(year, month).ok_or_else(refused)
}

/// The largest amount of one transaction, in yuan (either sign). A bill
/// paid or cash withdrawn at a village station is at most a few thousand
/// yuan; the bound keeps every sum of amounts far inside `i64` fen (a
/// million rows of a million yuan is 10^17 fen, `i64::MAX` is 9.2 × 10^18),
/// so no import or report can overflow whatever the file says.
pub const MAX_AMOUNT_YUAN: i64 = 1_000_000;

/// The largest count a cell may hold (households of a village, stations in
/// a village, a route position, a branch's plan target): real ones are
/// below ten thousand; sums of a county's worth stay far inside `u64`.
pub const MAX_COUNT: u64 = 1_000_000;

/// Money in yuan: `12.50`, `12.5`, `12`, `-3.10`, and thousands
/// separators only where every group after the first has exactly three
/// digits (`1,234.50`, `12,345,678`). More than two decimals, `12,5`,
/// `1,23`, `¥12`, `1e3` are refused.
pub fn amount(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let refused = || trf(Text::ImportNotAmount, &[&quote(t)]);
    let body = t.strip_prefix('-').unwrap_or(t);
    let (whole, frac) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    let whole_digits: String = if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        let first_ok = all_digits(first) && first.len() <= 3;
        let mut rest_ok = true;
        let mut digits = first.to_string();
        for group in groups {
            rest_ok &= all_digits(group) && group.len() == 3;
            digits.push_str(group);
        }
        if !(first_ok && rest_ok) {
            return Err(refused());
        }
        digits
    } else if all_digits(whole) {
        whole.to_string()
    } else {
        return Err(refused());
    };
    match frac {
        Some(f) if !all_digits(f) => return Err(refused()),
        Some(f) if f.len() > 2 => return Err(trf(Text::ImportTooManyDecimals, &[&quote(t)])),
        _ => {}
    }
    if whole_digits.len() > 15 {
        return Err(trf(Text::ImportAmountHuge, &[&quote(t)]));
    }
    let sign = if body.len() < t.len() { "-" } else { "" };
    let plain = match frac {
        Some(f) => format!("{sign}{whole_digits}.{f}"),
        None => format!("{sign}{whole_digits}"),
    };
    let value = plain.parse::<Decimal>().map_err(|_| refused())?;
    if value.abs() > Decimal::from(MAX_AMOUNT_YUAN) {
        return Err(trf(Text::ImportAmountTooLarge, &[&quote(t), &MAX_AMOUNT_YUAN]));
    }
    Ok(value)
}

/// A whole number from 0 to [`MAX_COUNT`] (households, stations in a
/// village, route order, plan targets): digits only.
pub fn count(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if !all_digits(t) {
        return Err(trf(Text::ImportNotWholeNumber, &[&quote(t)]));
    }
    match t.parse::<u64>() {
        Ok(n) if n <= MAX_COUNT => Ok(n),
        _ => Err(trf(Text::ImportCountTooLarge, &[&quote(t), &MAX_COUNT])),
    }
}

/// 农村/rural, 城市/urban.
pub fn kind(text: &str) -> Result<Kind, String> {
    const TABLE: &[(&str, Kind)] = &[
        ("农村", Kind::Rural),
        ("rural", Kind::Rural),
        ("城市", Kind::Urban),
        ("urban", Kind::Urban),
    ];
    lookup(text, TABLE).ok_or_else(|| trf(Text::ImportNotKind, &[&quote(text.trim())]))
}

/// A transaction status: `false` for 成功/正常/success/ok, `true` for
/// 冲正/撤销/已撤销/退款/reversed/cancelled/refunded (and a few more
/// spellings, see docs/IMPORTS.md).
pub fn reversed(text: &str) -> Result<bool, String> {
    const TABLE: &[(&str, bool)] = &[
        ("成功", false),
        ("交易成功", false),
        ("正常", false),
        ("success", false),
        ("succeeded", false),
        ("ok", false),
        ("冲正", true),
        ("已冲正", true),
        ("撤销", true),
        ("已撤销", true),
        ("退款", true),
        ("已退款", true),
        ("reversed", true),
        ("cancelled", true),
        ("canceled", true),
        ("refunded", true),
    ];
    lookup(text, TABLE).ok_or_else(|| trf(Text::ImportNotTxnStatus, &[&quote(text.trim())]))
}

/// 正常/营业/open, 暂停/suspended, 撤销/关闭/closed.
pub fn station_status(text: &str) -> Result<StationStatus, String> {
    const TABLE: &[(&str, StationStatus)] = &[
        ("正常", StationStatus::Open),
        ("营业", StationStatus::Open),
        ("open", StationStatus::Open),
        ("暂停", StationStatus::Suspended),
        ("suspended", StationStatus::Suspended),
        ("撤销", StationStatus::Closed),
        ("关闭", StationStatus::Closed),
        ("closed", StationStatus::Closed),
    ];
    lookup(text, TABLE).ok_or_else(|| trf(Text::ImportNotStationStatus, &[&quote(text.trim())]))
}

/// 是/否, 有/无, yes/no, y/n, true/false, 1/0.
pub fn boolean(text: &str) -> Result<bool, String> {
    const TABLE: &[(&str, bool)] = &[
        ("是", true),
        ("有", true),
        ("yes", true),
        ("y", true),
        ("true", true),
        ("1", true),
        ("否", false),
        ("无", false),
        ("no", false),
        ("n", false),
        ("false", false),
        ("0", false),
    ];
    lookup(text, TABLE).ok_or_else(|| trf(Text::ImportNotYesNo, &[&quote(text.trim())]))
}

/// 惠农通/huinongtong, 金融/金融客户/finance_leads,
/// 车险/车险客户/car_insurance_leads, 车险成交/车险转介成功/car_insurance_converted.
pub fn referral_kind(text: &str) -> Result<&'static str, String> {
    let [hnt, finance, car, converted] = REFERRAL_KINDS;
    let table: &[(&str, &'static str)] = &[
        ("惠农通", hnt),
        ("huinongtong", hnt),
        ("金融", finance),
        ("金融客户", finance),
        ("finance_leads", finance),
        ("车险", car),
        ("车险客户", car),
        ("car_insurance_leads", car),
        ("车险成交", converted),
        ("车险转介成功", converted),
        ("car_insurance_converted", converted),
    ];
    lookup(text, table).ok_or_else(|| trf(Text::ImportNotReferralKind, &[&quote(text.trim())]))
}

/// A bank card number: digits with optional spaces, 12 to 19 digits once
/// the spaces are gone.
pub fn card_number(text: &str) -> Result<String, String> {
    let t = text.trim();
    let digits: String = t.chars().filter(|&c| c != ' ').collect();
    if looks_scientific(&digits) {
        return Err(scientific(t));
    }
    if !all_digits(&digits) || !(12..=19).contains(&digits.len()) {
        return Err(trf(Text::ImportNotCardNumber, &[&quote(t)]));
    }
    Ok(digits)
}

/// A mobile number (手机号) for the SMS notice: 11 digits starting with 1,
/// spaces and dashes allowed, after an optional `+86`/`86` prefix; stored
/// as the 11 digits. A landline cannot take an SMS and is refused.
pub fn phone(text: &str) -> Result<String, String> {
    let t = text.trim();
    let digits: String = t.chars().filter(|&c| c != ' ' && c != '-').collect();
    let digits = digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("86").filter(|d| d.len() == 11))
        .unwrap_or(&digits);
    if digits.len() == 11 && all_digits(digits) && digits.starts_with('1') {
        Ok(digits.to_string())
    } else {
        Err(trf(Text::ImportNotMobile, &[&format!("{t:?}")]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dt(y: i32, m: u32, day: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, s).unwrap()
    }

    #[test]
    fn normalise_folds_case_separators_and_full_width_parentheses() {
        assert_eq!(normalise("  Station Code "), "station_code");
        assert_eq!(normalise("STATION-CODE"), "station_code");
        assert_eq!(normalise("station__code"), "station_code");
        assert_eq!(normalise("\u{feff}金额（元）"), "金额(元)");
        assert_eq!(normalise("站点编码"), "站点编码");
    }

    #[test]
    fn dates_in_every_accepted_shape() {
        for ok in [
            "2026-10-05",
            "2026/10/05",
            "2026/10/5",
            "2026-10-5",
            "20261005",
            " 2026-10-05 ",
            "2026年10月5日",
            "2026-10-05 00:00:00",
            "2026/10/05 00:00",
        ] {
            assert_eq!(date(ok), Ok(d(2026, 10, 5)), "{ok:?}");
        }
        assert_eq!(date("2024/2/29"), Ok(d(2024, 2, 29)));
    }

    #[test]
    fn dates_refused() {
        for bad in [
            "",
            "05/10/2026",
            "10/05/2026",
            "2026.10.05",
            "2026-13-01",
            "2026-02-30",
            "2026-10",
            "261005",
            "202610051",
            "2026-10/05",
            "2026-010-05",
            "2026-10-05 14:03",
            "2026-10-05T00:00:01",
            "46300",
            "yesterday",
        ] {
            assert!(date(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(
            date("2026.10.05").unwrap_err(),
            "\"2026.10.05\" is not a date (e.g. 2026-10-05)"
        );
    }

    #[test]
    fn date_times_in_every_accepted_shape() {
        let at = dt(2026, 10, 5, 14, 3, 22);
        for ok in [
            "2026-10-05 14:03:22",
            "2026/10/05 14:03:22",
            "2026/10/5 14:03:22",
            "20261005 14:03:22",
            "2026-10-05T14:03:22",
            "2026-10-05  14:03:22",
        ] {
            assert_eq!(date_time(ok), Ok(at), "{ok:?}");
        }
        assert_eq!(date_time("2026/10/05 14:03"), Ok(dt(2026, 10, 5, 14, 3, 0)));
        assert_eq!(date_time("2026/10/05 9:03"), Ok(dt(2026, 10, 5, 9, 3, 0)));
        assert_eq!(date_time("2026-10-05"), Ok(dt(2026, 10, 5, 0, 0, 0)));
        assert_eq!(date_time("20261005"), Ok(dt(2026, 10, 5, 0, 0, 0)));
        let ms = date_time("2026-10-05 14:03:22.250").unwrap();
        assert_eq!(ms, at + chrono::Duration::milliseconds(250));
    }

    #[test]
    fn date_times_refused() {
        for bad in [
            "",
            "2026-10-05 24:00",
            "2026-10-05 14:60",
            "2026-10-05 14:03:61",
            "2026-10-05 14",
            "2026-10-05 14:3",
            "2026-10-05 14:03:2",
            "2026-10-05 14:03:22.",
            "2026-10-05 2pm",
            "14:03:22",
            "2026-10-32 14:03",
            "05/10/2026 14:03",
            "20261005140322",
        ] {
            assert!(date_time(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(
            date_time("14:03").unwrap_err(),
            "\"14:03\" is not a date and time (e.g. 2026-10-05 14:03:22)"
        );
    }

    #[test]
    fn months() {
        let oct: Month = "2026-10".parse().unwrap();
        for ok in ["2026-10", "2026/10", "202610", "2026年10月", "2026-10-01", "2026/10/1"] {
            assert_eq!(month(ok), Ok(oct), "{ok:?}");
        }
        assert_eq!(month("2026-1"), Ok("2026-01".parse().unwrap()));
        for bad in [
            "",
            "2026-13",
            "2026-0",
            "26-10",
            "2026-10-05",
            "2026.10",
            "10/2026",
            "2026",
        ] {
            assert!(month(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn amounts_accepted() {
        assert_eq!(amount("12.50"), Ok(dec!(12.50)));
        assert_eq!(amount("12.5"), Ok(dec!(12.5)));
        assert_eq!(amount("12"), Ok(dec!(12)));
        assert_eq!(amount(" 0 "), Ok(dec!(0)));
        assert_eq!(amount("-3.10"), Ok(dec!(-3.10)));
        assert_eq!(amount("1,234.50"), Ok(dec!(1234.50)));
        assert_eq!(amount("1,234"), Ok(dec!(1234)));
        assert_eq!(amount("345,678.9"), Ok(dec!(345678.9)));
        assert_eq!(amount("-1,000"), Ok(dec!(-1000)));
        assert_eq!(amount("1,000,000.00"), Ok(dec!(1000000.00)));
        assert_eq!(amount("-1000000"), Ok(dec!(-1000000)));
        assert_eq!(amount("234567.89").unwrap().to_string(), "234567.89");
    }

    #[test]
    fn amounts_beyond_one_transaction_are_refused() {
        for absurd in ["1000000.01", "-1000000.01", "12,345,678.9", "999,999,999,999,999"] {
            let err = amount(absurd).unwrap_err();
            assert!(err.contains("the most one transaction may be"), "{absurd}: {err}");
        }
        assert_eq!(
            amount("1000000.01").unwrap_err(),
            "\"1000000.01\" is more than 1000000 yuan, the most one transaction may be"
        );
    }

    #[test]
    fn amounts_refused() {
        for bad in [
            "", "12,5", "1,23", "1,2345", "1234,567", ",123", "1,,234", "1,234,", "12.", ".5", "1e3", "¥12", "12元",
            "+12", "--1", "1 234", "１２", "12.5.1", "0x10", "12,50.00",
        ] {
            assert!(amount(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(amount("12,5").unwrap_err(), "\"12,5\" is not an amount");
        assert_eq!(amount("1.234").unwrap_err(), "\"1.234\" has more than two decimals");
        assert_eq!(
            amount("1,234.567").unwrap_err(),
            "\"1,234.567\" has more than two decimals"
        );
        assert!(amount("1234567890123456").unwrap_err().contains("too large"));
    }

    #[test]
    fn counts() {
        assert_eq!(count("0"), Ok(0));
        assert_eq!(count(" 200 "), Ok(200));
        assert_eq!(count("1000000"), Ok(MAX_COUNT));
        for bad in [
            "",
            "-1",
            "1.5",
            "1,000",
            "12.0",
            "abc",
            "99999999999999999999",
            "1000001",
        ] {
            assert!(count(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(
            count("18446744073709551547").unwrap_err(),
            "\"18446744073709551547\" is more than 1000000, the most this column may hold"
        );
        assert_eq!(count("1.5").unwrap_err(), "\"1.5\" is not a whole number");
    }

    #[test]
    fn kinds() {
        for (text, want) in [
            ("农村", Kind::Rural),
            ("rural", Kind::Rural),
            (" Rural ", Kind::Rural),
            ("城市", Kind::Urban),
            ("URBAN", Kind::Urban),
        ] {
            assert_eq!(kind(text), Ok(want), "{text:?}");
        }
        for bad in ["", "乡镇", "city", "r"] {
            assert!(kind(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn statuses() {
        for ok in ["成功", "正常", "success", "OK", "ok"] {
            assert_eq!(reversed(ok), Ok(false), "{ok:?}");
        }
        for rev in ["冲正", "撤销", "已撤销", "退款", "reversed", "cancelled", "Refunded"] {
            assert_eq!(reversed(rev), Ok(true), "{rev:?}");
        }
        for bad in ["", "失败", "failed", "pending"] {
            assert!(reversed(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn station_statuses() {
        use StationStatus::*;
        for (text, want) in [
            ("正常", Open),
            ("营业", Open),
            ("open", Open),
            ("暂停", Suspended),
            ("suspended", Suspended),
            ("撤销", Closed),
            ("关闭", Closed),
            ("Closed", Closed),
        ] {
            assert_eq!(station_status(text), Ok(want), "{text:?}");
        }
        for bad in ["", "成功", "paused"] {
            assert!(station_status(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn booleans() {
        for yes in ["是", "有", "yes", "Y", "y", "1", "TRUE"] {
            assert_eq!(boolean(yes), Ok(true), "{yes:?}");
        }
        for no in ["否", "无", "no", "N", "0", "false"] {
            assert_eq!(boolean(no), Ok(false), "{no:?}");
        }
        for bad in ["", "2", "对", "yep"] {
            assert!(boolean(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn referral_kinds() {
        for (text, want) in [
            ("惠农通", "huinongtong"),
            ("huinongtong", "huinongtong"),
            ("金融", "finance_leads"),
            ("金融客户", "finance_leads"),
            ("finance_leads", "finance_leads"),
            ("finance leads", "finance_leads"),
            ("车险", "car_insurance_leads"),
            ("车险客户", "car_insurance_leads"),
            ("car_insurance_leads", "car_insurance_leads"),
            ("车险成交", "car_insurance_converted"),
            ("车险转介成功", "car_insurance_converted"),
            ("car_insurance_converted", "car_insurance_converted"),
        ] {
            assert_eq!(referral_kind(text), Ok(want), "{text:?}");
        }
        for bad in ["", "寿险", "insurance"] {
            assert!(referral_kind(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn card_numbers() {
        assert_eq!(card_number("6217 0012 3456 7890 123"), Ok("6217001234567890123".into()));
        assert_eq!(card_number("621700123456"), Ok("621700123456".into()));
        assert_eq!(card_number(" 6217001234567 "), Ok("6217001234567".into()));
        for bad in [
            "",
            "62170012345",
            "62170012345678901234",
            "6217-0012-3456-7890",
            "6217****7890",
            "6217001234567a",
        ] {
            assert!(card_number(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(card_number("6.21700123456789E+18")
            .unwrap_err()
            .contains("Excel shortened"));
    }

    #[test]
    fn phones() {
        for (text, want) in [
            ("13812345678", "13812345678"),
            (" 138 1234 5678 ", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("+86 138 1234 5678", "13812345678"),
            ("8613812345678", "13812345678"),
        ] {
            assert_eq!(phone(text), Ok(want.to_string()), "{text:?}");
        }
        for bad in [
            "",
            "0534-2212345",
            "1381234567",
            "138123456789",
            "23812345678",
            "1381234567x",
            "1.38E+10",
        ] {
            assert!(phone(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(phone("0534-2212345").unwrap_err().contains("mobile"));
    }

    #[test]
    fn identifiers_and_text() {
        assert_eq!(identifier(" S001 "), Ok("S001".into()));
        assert_eq!(identifier("371402001"), Ok("371402001".into()));
        assert_eq!(identifier(""), Err("is empty".into()));
        assert!(identifier("2.02610E+17").unwrap_err().contains("Excel"));
        assert_eq!(identifier("E1"), Ok("E1".into()));
        assert_eq!(text(" 王庄站 "), Ok("王庄站".into()));
        assert_eq!(text("  "), Err("is empty".into()));
        assert_eq!(
            text("=HYPERLINK(\"x\")"),
            Ok("=HYPERLINK(\"x\")".into()),
            "CSV export neutralises it"
        );
    }

    #[test]
    fn codes_that_could_name_a_path_are_refused() {
        for ok in ["S001", "371402001", "B-01", "P.01", "站点01", "a b", "x.y.z"] {
            assert_eq!(code(ok), Ok(ok.to_string()), "{ok:?}");
        }
        // Surrounding spaces (ASCII and full-width) are trimmed, as in every cell.
        assert_eq!(code(" S001\u{3000}"), Ok("S001".into()));
        for (bad, part) in [
            ("../escaped", ".."),
            ("/tmp/x", "/"),
            ("a/b", "/"),
            ("..\\win", ".."),
            ("C:\\x", "\\"),
            ("..", ".."),
            ("S..1", ".."),
        ] {
            let err = code(bad).unwrap_err();
            assert_eq!(
                err,
                format!("{bad:?} contains {part}: a code cannot hold /, \\ or .."),
                "{bad:?}"
            );
        }
        for bad in [
            "S\u{0}1",
            "S\t1",
            "S\n1",
            "\u{1b}[31mS1",
            "S\u{202e}1",
            "S\u{200b}1",
            "S\u{3000}1",
            "S\u{7f}",
            "\u{feff}S1",
        ] {
            let err = code(bad).unwrap_err();
            assert!(err.contains("control or invisible character"), "{bad:?}: {err}");
            assert!(!err.contains(bad.trim()), "the character is escaped in {err:?}");
        }
        let long = "S".repeat(MAX_CODE_CHARS + 1);
        assert!(code(&long).unwrap_err().contains("is longer than 64 characters"));
        assert_eq!(code(&long[1..]), Ok(long[1..].to_string()));
    }

    #[test]
    fn ids_refuse_what_codes_refuse_except_path_characters() {
        assert_eq!(identifier("TXN/2026/1"), Ok("TXN/2026/1".into()));
        assert!(identifier("T\u{0}1").is_err());
        assert!(identifier(&"9".repeat(65)).is_err());
    }

    #[test]
    fn names_refuse_control_characters_and_absurd_lengths() {
        for bad in ["王庄\n站", "\u{1b}]0;title\u{7}", "a\u{202e}b", "x\u{0}"] {
            assert!(text(bad).unwrap_err().contains("control"), "{bad:?}");
        }
        assert_eq!(
            text("王庄\u{200b}站"),
            Ok("王庄\u{200b}站".into()),
            "zero-width spaces come with copied text"
        );
        assert!(text(&"王".repeat(MAX_TEXT_CHARS + 1))
            .unwrap_err()
            .contains("is longer than 100"));
    }
}
