//! The SMS notices of R11 (大汉三通短信平台, by the 25th): one Chinese
//! message per recipient stating the month, the amount and its main
//! lines, within one SMS or split into numbered parts. Pure.
//!
//! Messages are always Chinese whatever the interface language: they go
//! to station owners and staff, not to the clerk at the keyboard.

use rust_decimal::Decimal;

use crate::i18n::{fill, Lang, Text};
use crate::money::format_yuan;

/// Characters in one SMS of Chinese text (UCS-2).
pub const SMS_LIMIT: usize = 70;

/// The language of every message.
const SMS_LANG: Lang = Lang::Zh;

/// Characters as the SMS platform counts them: UCS-2 code units, so
/// every Chinese character, letter, digit or sign is one, and a character
/// outside the Basic Multilingual Plane (a rare character in a name) is
/// two.
pub fn sms_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Where a part may end: after a pause in the sentence.
fn is_break(c: char) -> bool {
    matches!(c, '，' | '、' | '；' | '。' | '：' | ',' | ';' | ' ')
}

/// Cuts `text` into pieces of at most `capacity` characters, each ending
/// after a pause where one falls in its second half.
fn chunks(text: &str, capacity: usize) -> Vec<String> {
    let capacity = capacity.max(2);
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut start = 0;
    while start < chars.len() {
        let mut end = start;
        let mut width = 0;
        while end < chars.len() && width + chars[end].len_utf16() <= capacity {
            width += chars[end].len_utf16();
            end += 1;
        }
        if end == start {
            // A character wider than the capacity cannot occur for
            // capacity ≥ 2; take it alone rather than loop.
            end += 1;
        }
        if end < chars.len() {
            let half = start + (end - start) / 2;
            if let Some(cut) = (half..end).rev().find(|&i| is_break(chars[i])) {
                end = cut + 1;
            }
        }
        out.push(chars[start..end].iter().collect());
        start = end;
    }
    out
}

/// The message as SMS parts of at most `limit` characters each. A message
/// that fits is one part as it is; a longer one is cut into parts that
/// start with "(1/2)", "(2/2)", the numbering counted in the limit.
pub fn split_sms(text: &str, limit: usize) -> Vec<String> {
    if sms_len(text) <= limit {
        return vec![text.to_string()];
    }
    let mut parts = 2;
    loop {
        let prefix = sms_len(&format!("({parts}/{parts})"));
        let pieces = chunks(text, limit.saturating_sub(prefix));
        if pieces.len() > parts {
            parts = pieces.len();
            continue;
        }
        let n = pieces.len();
        return pieces
            .into_iter()
            .enumerate()
            .map(|(i, piece)| format!("({}/{n}){piece}", i + 1))
            .collect();
    }
}

/// "2026年10月".
pub fn month_words(month: crate::month::Month) -> String {
    fill(Text::SmsMonth.get(SMS_LANG), &[&month.year(), &month.month()])
}

/// The main lines of a reward within `keep` lines: the largest `keep`
/// as they are and the rest summed as "其他" (two or more of them; a
/// single one is shown as itself).
fn main_lines(sorted: &[(String, Decimal)], keep: usize) -> Vec<String> {
    let shown = |(item, amount): &(String, Decimal)| format!("{item}{}", format_yuan(*amount));
    if keep + 1 >= sorted.len() {
        return sorted.iter().map(shown).collect();
    }
    let (kept, rest) = sorted.split_at(keep);
    let others: Decimal = rest.iter().map(|(_, amount)| *amount).sum();
    kept.iter()
        .map(shown)
        .chain(std::iter::once(format!(
            "{}{}",
            Text::SmsOthers.get(SMS_LANG),
            format_yuan(others)
        )))
        .collect()
}

/// A station owner's message: the month, the station, the amount, its
/// main lines (item and amount, as the statement names them) and whether
/// it is paid or why it is held. As many lines as fit one SMS are named,
/// largest first, the rest summed as "其他"; when even the shortest form
/// does not fit (a long name), the message is longer and `split_sms`
/// numbers its parts.
pub fn station_message(
    month: crate::month::Month,
    station_name: &str,
    amount: &str,
    lines: &[(String, Decimal)],
    held_because: &[Text],
) -> String {
    let mut sorted = lines.to_vec();
    sorted.sort_by_key(|line| std::cmp::Reverse(line.1));
    let compose = |items: &[String]| {
        let mut text = fill(
            Text::SmsStationHead.get(SMS_LANG),
            &[&month_words(month), &station_name, &amount],
        );
        if !items.is_empty() {
            text.push_str(Text::SmsColon.get(SMS_LANG));
            text.push_str(&items.join(Text::SmsComma.get(SMS_LANG)));
        }
        text.push_str(Text::SmsStop.get(SMS_LANG));
        if held_because.is_empty() {
            text.push_str(Text::SmsPaid.get(SMS_LANG));
        } else {
            let reasons: Vec<&str> = held_because.iter().map(|r| r.get(SMS_LANG)).collect();
            text.push_str(&fill(
                Text::SmsHeld.get(SMS_LANG),
                &[&reasons.join(Text::SmsComma.get(SMS_LANG))],
            ));
        }
        text
    };
    for keep in (1..=sorted.len()).rev() {
        let text = compose(&main_lines(&sorted, keep));
        if sms_len(&text) <= SMS_LIMIT {
            return text;
        }
    }
    compose(&[])
}

/// A manager's or maintainer's message: the month, branch and role, the
/// reward share, the penalty share when there is one, and the net (as
/// the county corrected it, when `corrected`).
pub fn person_message(
    month: crate::month::Month,
    branch_name: &str,
    role: Text,
    reward: &str,
    penalty: Option<&str>,
    net: &str,
    corrected: bool,
) -> String {
    let mut text = fill(
        Text::SmsPersonHead.get(SMS_LANG),
        &[&month_words(month), &branch_name, &role.get(SMS_LANG), &reward],
    );
    if let Some(penalty) = penalty {
        text.push_str(&fill(Text::SmsPersonPenalty.get(SMS_LANG), &[&penalty]));
    }
    let net_text = if corrected {
        Text::SmsPersonNetCorrected
    } else {
        Text::SmsPersonNet
    };
    text.push_str(&fill(net_text.get(SMS_LANG), &[&net]));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn october() -> crate::month::Month {
        "2026-10".parse().unwrap()
    }

    #[test]
    fn every_character_counts_one_and_astral_ones_two() {
        assert_eq!(sms_len("王庄便民服务站"), 7);
        assert_eq!(sms_len("40.80元"), 6);
        assert_eq!(sms_len("𠮷"), 2);
        assert_eq!(sms_len(""), 0);
    }

    #[test]
    fn a_message_of_70_is_one_part_and_71_is_two_numbered() {
        let seventy = "奖".repeat(70);
        assert_eq!(split_sms(&seventy, SMS_LIMIT), vec![seventy.clone()]);
        let seventy_one = "奖".repeat(71);
        let parts = split_sms(&seventy_one, SMS_LIMIT);
        assert_eq!(parts.len(), 2);
        assert!(
            parts[0].starts_with("(1/2)") && parts[1].starts_with("(2/2)"),
            "{parts:?}"
        );
        for p in &parts {
            assert!(sms_len(p) <= SMS_LIMIT, "{p}");
        }
        let rejoined: String = parts.iter().map(|p| &p[5..]).collect();
        assert_eq!(rejoined, seventy_one);
    }

    #[test]
    fn parts_end_after_a_pause_and_keep_every_character() {
        let text = "2026年10月王庄便民服务站奖励140.80元：移动话费20.00，联通话费2.00，电信1.50，电费15.50，助农取款1.80，发展惠农通2.00，金融客户信息4.00。兑现至绿卡。";
        assert!(sms_len(text) > SMS_LIMIT);
        let parts = split_sms(text, SMS_LIMIT);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert!(parts[0].ends_with('，') || parts[0].ends_with('。'), "{parts:?}");
        let rejoined: String = parts.iter().map(|p| p.split_once(')').unwrap().1).collect();
        assert_eq!(rejoined, text);
        for p in &parts {
            assert!(sms_len(p) <= SMS_LIMIT, "{p}");
        }
    }

    #[test]
    fn many_parts_count_their_wider_numbering() {
        let text = "奖".repeat(700);
        let parts = split_sms(&text, SMS_LIMIT);
        assert!(parts.len() >= 11, "{}", parts.len());
        let n = parts.len();
        assert!(parts[n - 1].starts_with(&format!("({n}/{n})")));
        for p in &parts {
            assert!(sms_len(p) <= SMS_LIMIT, "{p}");
        }
        // A rare character (two units) is never cut in half.
        let rare = "𠮷".repeat(40);
        for p in split_sms(&rare, SMS_LIMIT) {
            assert!(sms_len(&p) <= SMS_LIMIT);
            assert!(p.chars().all(|c| c == '𠮷' || c.is_ascii()), "{p}");
        }
    }

    #[test]
    fn lines_that_do_not_fit_are_summed_as_others_largest_first() {
        let lines: Vec<(String, Decimal)> = [
            ("移动话费", dec!(372.92)),
            ("联通话费", dec!(52.25)),
            ("电信", dec!(77.85)),
            ("电费", dec!(244.20)),
            ("助农取款", dec!(118.20)),
            ("车险转介成功", dec!(30.00)),
        ]
        .iter()
        .map(|(item, amount)| (item.to_string(), *amount))
        .collect();
        let text = station_message(october(), "双河沿便民服务站", "895.42", &lines, &[]);
        assert!(sms_len(&text) <= SMS_LIMIT, "{} {text}", sms_len(&text));
        assert!(text.contains("移动话费372.92，电费244.20"), "{text}");
        // What is left out is summed, to the fen: 52.25 + 30.00 (+ …).
        let others = text.split("其他").nth(1).unwrap();
        let shown: Decimal = lines
            .iter()
            .filter(|(item, amount)| text.contains(&format!("{item}{}", format_yuan(*amount))))
            .map(|(_, a)| *a)
            .sum();
        assert_eq!(format!("{}。兑现至绿卡。", format_yuan(dec!(895.42) - shown)), others);
        // A name too long for any line to fit: no lines, then split.
        let long = "很长很长的名字".repeat(8);
        let text = station_message(october(), &long, "1.00", &lines, &[]);
        assert!(!text.contains("移动话费"), "{text}");
        assert!(split_sms(&text, SMS_LIMIT).len() > 1);
    }

    #[test]
    fn messages_say_the_month_the_amount_and_the_lines() {
        let lines = vec![("电费".to_string(), dec!(15.50)), ("移动话费".to_string(), dec!(20.00))];
        let paid = station_message(october(), "王庄便民服务站", "35.50", &lines, &[]);
        assert_eq!(
            paid,
            "2026年10月王庄便民服务站奖励35.50元：移动话费20.00，电费15.50。兑现至绿卡。"
        );
        assert!(sms_len(&paid) <= SMS_LIMIT);
        let held = station_message(october(), "王庄便民服务站", "0.00", &[], &[Text::HoldNoInvoice]);
        assert!(
            held.starts_with("2026年10月王庄便民服务站奖励0.00元。暂缓兑现"),
            "{held}"
        );
        assert!(held.contains(Text::HoldNoInvoice.get(Lang::Zh)), "{held}");
        let person = person_message(
            october(),
            "临邑支局",
            Text::Maintainer,
            "123.45",
            Some("1.60"),
            "121.85",
            false,
        );
        assert_eq!(
            person,
            "2026年10月临邑支局维护人员奖励123.45元，扣罚1.60元，实发121.85元。"
        );
        let no_penalty = person_message(october(), "临邑支局", Text::Manager, "30.00", None, "30.00", false);
        assert_eq!(no_penalty, "2026年10月临邑支局支局长奖励30.00元，实发30.00元。");
        let corrected = person_message(october(), "临邑支局", Text::Manager, "30.00", None, "32.00", true);
        assert_eq!(
            corrected,
            "2026年10月临邑支局支局长奖励30.00元，经县局更正实发32.00元。"
        );
    }
}
