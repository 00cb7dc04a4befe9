//! The branch sheet's sign-offs: the manager and each maintainer of a
//! branch sign (or dispute) its month's sheet — pool, 2:8 split, penalty
//! (R11: 由支局长、具体维护人员签字确认). One record per branch, month and
//! signer, written by the signer themself; a second decision is a new
//! version of it.

use chrono::{DateTime, Utc};

use super::{read_with_state, write_queued, ChainError};
use crate::month::{parse_date, timestamp, Month};
use crate::records::{BranchRole, BranchSignoff, NewBranchSignoff, Outcome, SheetSigners, SyncState};
use crate::store::records::{
    branch_signoff_from, branch_signoff_of, collect, get_branch_signoff, BRANCH_SIGNOFF_COLUMNS,
};
use crate::store::{Store, StoreError};
use crate::wire::BranchSignoffRecord;

fn bad(column: &'static str, value: String) -> StoreError {
    StoreError::BadValue {
        table: "branch_signoffs",
        column,
        value,
    }
}

fn branch_signoff(s: BranchSignoffRecord, sync: SyncState) -> Result<BranchSignoff, StoreError> {
    Ok(BranchSignoff {
        role: BranchRole::parse(&s.role).ok_or_else(|| bad("role", s.role.clone()))?,
        outcome: match s.outcome.as_str() {
            "signed" => Outcome::Signed,
            "disputed" => Outcome::Disputed,
            _ => return Err(bad("outcome", s.outcome)),
        },
        signed_on: parse_date(&s.signed_on).map_err(|_| bad("signed_on", s.signed_on.clone()))?,
        uuid: s.uuid,
        branch_id: s.branch_id,
        month: s.month,
        signer: s.author_id,
        reason: s.reason,
        version: s.version,
        updated_at: s.updated_at,
        sync,
    })
}

impl Store {
    /// The places `person` holds on `branch`'s sheet in the registry.
    pub fn sheet_roles(&self, branch: &str, person: &str) -> Result<Vec<BranchRole>, StoreError> {
        let mut roles = Vec::new();
        let manager = self
            .conn()
            .prepare_cached("SELECT 1 FROM branches WHERE id = ?1 AND manager_id = ?2")?
            .exists([branch, person])?;
        if manager {
            roles.push(BranchRole::Manager);
        }
        let maintainer = self
            .conn()
            .prepare_cached("SELECT 1 FROM branch_maintainers WHERE branch_id = ?1 AND person_id = ?2")?
            .exists([branch, person])?;
        if maintainer {
            roles.push(BranchRole::Maintainer);
        }
        Ok(roles)
    }

    /// The branches whose sheet `person` is on, ascending.
    pub fn sheets_of(&self, person: &str) -> Result<Vec<String>, StoreError> {
        collect(
            self.conn(),
            "SELECT id FROM branches WHERE manager_id = ?1
             UNION SELECT branch_id FROM branch_maintainers WHERE person_id = ?1 ORDER BY 1",
            [person],
            |r| Ok(r.get(0)?),
        )
    }

    /// Every branch sheet's signers, by branch.
    pub fn sheet_signers(&self) -> Result<Vec<SheetSigners>, StoreError> {
        let mut out = Vec::new();
        for branch in self.branches()? {
            let maintainers = self.branch_maintainers(&branch.id)?;
            if maintainers.is_empty() {
                continue;
            }
            let mut signers = vec![(branch.manager_id.clone(), BranchRole::Manager)];
            signers.extend(
                maintainers
                    .into_iter()
                    .filter(|m| *m != branch.manager_id)
                    .map(|m| (m, BranchRole::Maintainer)),
            );
            out.push(SheetSigners {
                branch_id: branch.id,
                signers,
            });
        }
        Ok(out)
    }

    /// Records a signer's sign-off or dispute of a branch's sheet for a
    /// month: a new record, or a new version of theirs. The signer must be
    /// the branch's manager or one of its maintainers (in `role`, if it is
    /// given); the server checks the same against its registry.
    pub fn record_branch_signoff(
        &self,
        new: &NewBranchSignoff,
        now: DateTime<Utc>,
    ) -> Result<BranchSignoff, ChainError> {
        let reason = new.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if new.outcome == Outcome::Disputed && reason.is_none() {
            return Err(ChainError::DisputeWithoutReason);
        }
        let exists = self
            .conn()
            .prepare_cached("SELECT 1 FROM branches WHERE id = ?1")?
            .exists([&new.branch_id])?;
        if !exists {
            return Err(ChainError::UnknownBranch(
                new.branch_id.clone(),
                self.path().to_string(),
            ));
        }
        let roles = self.sheet_roles(&new.branch_id, &new.signer)?;
        let role = match new.role {
            Some(role) if roles.contains(&role) => role,
            Some(role) => {
                return Err(ChainError::NotASigner {
                    person: new.signer.clone(),
                    role,
                    branch: new.branch_id.clone(),
                })
            }
            None => *roles.first().ok_or_else(|| ChainError::NotOnSheet {
                person: new.signer.clone(),
                branch: new.branch_id.clone(),
            })?,
        };
        let at = timestamp(now);
        let month = new.month.to_string();
        let existing = match branch_signoff_of(self.conn(), &new.branch_id, &month, &new.signer)? {
            Some(uuid) => get_branch_signoff(self.conn(), &uuid)?,
            None => None,
        };
        let record = match existing {
            Some(s) if s.role != role.as_str() && new.role.is_some() => {
                return Err(ChainError::SignedAsOtherRole {
                    person: new.signer.clone(),
                    branch: new.branch_id.clone(),
                    role: BranchRole::parse(&s.role).unwrap_or(role),
                })
            }
            Some(mut s) => {
                s.editor_id = Some(new.signer.clone());
                s.outcome = new.outcome.as_str().to_string();
                s.reason = reason.map(String::from);
                s.signed_on = new.signed_on.to_string();
                s.version += 1;
                s.updated_at = at.clone();
                s
            }
            None => BranchSignoffRecord {
                uuid: uuid::Uuid::new_v4().to_string(),
                branch_id: new.branch_id.clone(),
                month,
                author_id: new.signer.clone(),
                editor_id: Some(new.signer.clone()),
                role: role.as_str().to_string(),
                outcome: new.outcome.as_str().to_string(),
                reason: reason.map(String::from),
                signed_on: new.signed_on.to_string(),
                version: 1,
                created_at: at.clone(),
                updated_at: at.clone(),
            },
        };
        write_queued(self, &record, &at)?;
        Ok(self
            .branch_signoffs_where("t.uuid = ?1", &record.uuid)?
            .pop()
            .expect("the sign-off was just written"))
    }

    fn branch_signoffs_where(&self, condition: &str, param: &str) -> Result<Vec<BranchSignoff>, StoreError> {
        let from =
            format!("branch_signoffs t WHERE {condition} ORDER BY t.branch_id, t.role <> 'manager', t.author_id");
        read_with_state(self, BRANCH_SIGNOFF_COLUMNS, &from, param, |r, at| {
            branch_signoff_from(r, at)
        })?
        .into_iter()
        .map(|(s, sync)| branch_signoff(s, sync))
        .collect()
    }

    /// The branch sheets' sign-offs of a month, by branch, manager first.
    pub fn branch_signoffs(&self, month: Month) -> Result<Vec<BranchSignoff>, StoreError> {
        self.branch_signoffs_where("t.month = ?1", &month.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn store() -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO people (id, name) VALUES ('M01', '支局长'), ('W01', '甲'), ('W02', '乙'), ('W09', '外');
                 INSERT INTO branches (id, name, kind, manager_id) VALUES ('B01', '恩城', 'rural', 'M01'),
                     ('B02', '腰站', 'rural', 'W09'), ('B03', '空', 'rural', 'W09');
                 INSERT INTO branch_maintainers (branch_id, person_id) VALUES ('B01', 'W01'), ('B01', 'W02'),
                     ('B02', 'W09');",
            )
            .unwrap();
        store
    }

    fn new(signer: &str, role: Option<BranchRole>, outcome: Outcome, reason: Option<&str>) -> NewBranchSignoff {
        NewBranchSignoff {
            branch_id: "B01".into(),
            month: "2026-10".parse().unwrap(),
            signer: signer.into(),
            role,
            outcome,
            reason: reason.map(String::from),
            signed_on: NaiveDate::from_ymd_opt(2026, 11, 10).unwrap(),
        }
    }

    #[test]
    fn the_manager_and_a_maintainer_sign_and_a_second_decision_is_a_new_version() {
        let s = store();
        let m = s
            .record_branch_signoff(&new("M01", None, Outcome::Signed, None), Utc::now())
            .unwrap();
        assert_eq!(
            (m.role, m.version, m.sync.clone()),
            (BranchRole::Manager, 1, SyncState::Pending)
        );
        let w = s
            .record_branch_signoff(&new("W01", None, Outcome::Disputed, Some("扣罚算多了")), Utc::now())
            .unwrap();
        assert_eq!(w.role, BranchRole::Maintainer);
        let again = s
            .record_branch_signoff(&new("W01", None, Outcome::Signed, None), Utc::now())
            .unwrap();
        assert_eq!((again.uuid.as_str(), again.version), (w.uuid.as_str(), 2));
        let month = "2026-10".parse().unwrap();
        let all = s.branch_signoffs(month).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].signer, "M01", "the manager first");
        assert_eq!(s.pending_count().unwrap(), 2);
    }

    #[test]
    fn only_the_people_on_the_sheet_sign_and_each_in_their_own_place() {
        let s = store();
        assert!(matches!(
            s.record_branch_signoff(
                &new("W01", Some(BranchRole::Manager), Outcome::Signed, None),
                Utc::now()
            ),
            Err(ChainError::NotASigner { .. })
        ));
        assert!(matches!(
            s.record_branch_signoff(&new("W09", None, Outcome::Signed, None), Utc::now()),
            Err(ChainError::NotOnSheet { .. })
        ));
        assert!(matches!(
            s.record_branch_signoff(&new("W01", None, Outcome::Disputed, Some("  ")), Utc::now()),
            Err(ChainError::DisputeWithoutReason)
        ));
        let mut elsewhere = new("W01", None, Outcome::Signed, None);
        elsewhere.branch_id = "B99".into();
        assert!(matches!(
            s.record_branch_signoff(&elsewhere, Utc::now()),
            Err(ChainError::UnknownBranch(..))
        ));
        assert_eq!(s.pending_count().unwrap(), 0, "nothing refused was queued");
    }

    #[test]
    fn every_sheet_names_its_manager_and_maintainers() {
        let signers = store().sheet_signers().unwrap();
        assert_eq!(signers.len(), 2, "B03 has no maintainers, so no sheet");
        assert_eq!(
            signers[0].signers,
            [
                ("M01".to_string(), BranchRole::Manager),
                ("W01".to_string(), BranchRole::Maintainer),
                ("W02".to_string(), BranchRole::Maintainer)
            ]
        );
        assert_eq!(signers[1].signers, [("W09".to_string(), BranchRole::Manager)]);
    }
}
