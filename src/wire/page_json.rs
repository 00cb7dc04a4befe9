//! A pull page's JSON in two parts, its frame and its rows, so a server
//! can keep a page's rows (`server::page_cache`) and send them again under
//! a frame read anew. Joined, the parts are byte for byte what
//! `serde_json` writes for the whole `PullPage`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    BranchRow, BranchSignoffRow, CardRow, CountyRow, DeletedRow, MemberRow, NoteRow, PaymentRow, PersonRow, PlanRow,
    PullPage, ReferralRow, ResolutionRow, ScopeLists, SignoffRow, StationRow,
};

/// Where a page stands, as JSON: the fields before its rows. A server
/// keeps a page's rows (`server::page_cache`) and sends them again under a
/// frame read anew; `join_page_json` puts the two together.
#[derive(Serialize)]
struct FrameView<'a> {
    server_id: &'a str,
    scope_key: &'a str,
    today: &'a Option<String>,
    demo: bool,
    server_time: &'a Option<String>,
    scope: &'a Option<ScopeLists>,
    after: i64,
    next: i64,
    head: i64,
    more: bool,
}

/// A page's rows, as JSON, in `PullPage`'s order.
#[derive(Serialize)]
struct RowsView<'a> {
    counties: &'a [CountyRow],
    people: &'a [PersonRow],
    branches: &'a [BranchRow],
    branch_maintainers: &'a [MemberRow],
    stations: &'a [StationRow],
    plans: &'a [PlanRow],
    daily_payments: &'a [PaymentRow],
    daily_cards: &'a [CardRow],
    daily_referrals: &'a [ReferralRow],
    visit_notes: &'a [NoteRow],
    signoffs: &'a [SignoffRow],
    branch_signoffs: &'a [BranchSignoffRow],
    resolutions: &'a [ResolutionRow],
    deleted: &'a [DeletedRow],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extra: &'a BTreeMap<String, Vec<Vec<serde_json::Value>>>,
}

impl PullPage {
    /// The page cut in its frame and its rows. Every field is named, so a
    /// field added to `PullPage` and not to one of the two does not build.
    fn views(&self) -> (FrameView<'_>, RowsView<'_>) {
        let PullPage {
            server_id,
            scope_key,
            today,
            demo,
            server_time,
            scope,
            after,
            next,
            head,
            more,
            counties,
            people,
            branches,
            branch_maintainers,
            stations,
            plans,
            daily_payments,
            daily_cards,
            daily_referrals,
            visit_notes,
            signoffs,
            branch_signoffs,
            resolutions,
            deleted,
            extra,
        } = self;
        (
            FrameView {
                server_id,
                scope_key,
                today,
                demo: *demo,
                server_time,
                scope,
                after: *after,
                next: *next,
                head: *head,
                more: *more,
            },
            RowsView {
                counties,
                people,
                branches,
                branch_maintainers,
                stations,
                plans,
                daily_payments,
                daily_cards,
                daily_referrals,
                visit_notes,
                signoffs,
                branch_signoffs,
                resolutions,
                deleted,
                extra,
            },
        )
    }

    /// The page's frame as a JSON object (see `join_page_json`).
    pub fn frame_json(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(&self.views().0)
    }

    /// The page's rows as a JSON object (see `join_page_json`).
    pub fn rows_json(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(&self.views().1)
    }
}

/// One page's JSON from its frame's and its rows' (`PullPage::frame_json`,
/// `PullPage::rows_json`): byte for byte what `serde_json::to_vec` writes
/// for the whole page. Both are objects with at least one field.
pub fn join_page_json(frame: &[u8], rows: &[u8]) -> Vec<u8> {
    let frame = frame.strip_suffix(b"}").unwrap_or(frame);
    let rows = rows.strip_prefix(b"{").unwrap_or(rows);
    let mut page = Vec::with_capacity(frame.len() + 1 + rows.len());
    page.extend_from_slice(frame);
    page.push(b',');
    page.extend_from_slice(rows);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_joined_from_its_frame_and_rows_is_the_page_byte_for_byte() {
        let joined = |page: &PullPage| join_page_json(&page.frame_json().unwrap(), &page.rows_json().unwrap());
        // Every list empty: a field missing from either part shows here.
        let empty = PullPage::default();
        assert_eq!(joined(&empty), serde_json::to_vec(&empty).unwrap());
        let mut extra = BTreeMap::new();
        extra.insert(
            "invoices".to_string(),
            vec![vec![serde_json::json!(7), serde_json::json!("x\"}")]],
        );
        let page = PullPage {
            server_id: "srv\"},{".into(),
            scope_key: "all".into(),
            today: Some("2026-11-20".into()),
            demo: true,
            server_time: Some("2026-11-30T05:00:00Z".into()),
            scope: Some(ScopeLists {
                stations: Some(vec!["S1".into()]),
                ..ScopeLists::default()
            }),
            after: 4,
            next: 9,
            head: 12,
            more: true,
            counties: vec![CountyRow(5, "C1".into(), "县".into())],
            daily_payments: vec![PaymentRow(6, "S1".into(), "2026-11-05".into(), "mobile".into(), 1, 1)],
            daily_cards: vec![CardRow(7, "S1".into(), "2026-11-05".into(), 2, 1)],
            deleted: vec![DeletedRow(8, "stations".into(), vec!["S9".into()])],
            extra,
            ..PullPage::default()
        };
        let bytes = joined(&page);
        assert_eq!(bytes, serde_json::to_vec(&page).unwrap());
        assert_eq!(serde_json::from_slice::<PullPage>(&bytes).unwrap(), page);
    }
}
