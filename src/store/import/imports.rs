//! `Imports`: every kind of import as one interface over either county
//! database, so that `bianmin import` is written once.

use super::{ImportError, ImportSummary};
use crate::ingest::{CardRow, PaymentRow, PersonRow, PlanRow, ReferralRow, Rows, StationRow};
use crate::policy::Policy;

/// Every kind of import, on a county database of either kind (the store,
/// `server::db::postgres::PgCounty`): what `bianmin import` calls.
pub trait Imports {
    fn import_stations(&self, rows: Rows<StationRow>) -> Result<ImportSummary, ImportError>;
    fn import_plans(&self, rows: Rows<PlanRow>) -> Result<ImportSummary, ImportError>;
    fn import_payments(&self, rows: Rows<PaymentRow>, policy: &Policy) -> Result<ImportSummary, ImportError>;
    fn import_cards(&self, rows: Rows<CardRow>, policy: &Policy) -> Result<ImportSummary, ImportError>;
    fn import_referrals(&self, rows: Rows<ReferralRow>, policy: &Policy) -> Result<ImportSummary, ImportError>;
    fn import_people(&self, rows: Rows<PersonRow>) -> Result<ImportSummary, ImportError>;
    fn import_invoices(&self, rows: Rows<crate::ingest::InvoiceRow>) -> Result<ImportSummary, ImportError>;
    fn import_station_plans(&self, rows: Rows<crate::ingest::StationPlanRow>) -> Result<ImportSummary, ImportError>;
    fn import_distribution(&self, rows: Rows<crate::ingest::DistributionRow>) -> Result<ImportSummary, ImportError>;
}

/// Implements `Imports` by the type's own methods of the same names.
#[macro_export]
macro_rules! imports_by_methods {
    ($t:ty) => {
        impl $crate::store::import::Imports for $t {
            fn import_stations(
                &self,
                rows: $crate::ingest::Rows<$crate::ingest::StationRow>,
            ) -> Result<$crate::store::import::ImportSummary, $crate::store::import::ImportError> {
                <$t>::import_stations(self, rows)
            }
            fn import_plans(
                &self,
                rows: $crate::ingest::Rows<$crate::ingest::PlanRow>,
            ) -> Result<$crate::store::import::ImportSummary, $crate::store::import::ImportError> {
                <$t>::import_plans(self, rows)
            }
            fn import_payments(
                &self,
                rows: $crate::ingest::Rows<$crate::ingest::PaymentRow>,
                policy: &$crate::policy::Policy,
            ) -> Result<$crate::store::import::ImportSummary, $crate::store::import::ImportError> {
                <$t>::import_payments(self, rows, policy)
            }
            fn import_cards(
                &self,
                rows: $crate::ingest::Rows<$crate::ingest::CardRow>,
                policy: &$crate::policy::Policy,
            ) -> Result<$crate::store::import::ImportSummary, $crate::store::import::ImportError> {
                <$t>::import_cards(self, rows, policy)
            }
            fn import_referrals(
                &self,
                rows: $crate::ingest::Rows<$crate::ingest::ReferralRow>,
                policy: &$crate::policy::Policy,
            ) -> Result<$crate::store::import::ImportSummary, $crate::store::import::ImportError> {
                <$t>::import_referrals(self, rows, policy)
            }
            fn import_people(
                &self,
                rows: $crate::ingest::Rows<$crate::ingest::PersonRow>,
            ) -> Result<$crate::store::import::ImportSummary, $crate::store::import::ImportError> {
                <$t>::import_people(self, rows)
            }
            fn import_invoices(
                &self,
                rows: $crate::ingest::Rows<$crate::ingest::InvoiceRow>,
            ) -> Result<$crate::store::import::ImportSummary, $crate::store::import::ImportError> {
                <$t>::import_invoices(self, rows)
            }
            fn import_station_plans(
                &self,
                rows: $crate::ingest::Rows<$crate::ingest::StationPlanRow>,
            ) -> Result<$crate::store::import::ImportSummary, $crate::store::import::ImportError> {
                <$t>::import_station_plans(self, rows)
            }
            fn import_distribution(
                &self,
                rows: $crate::ingest::Rows<$crate::ingest::DistributionRow>,
            ) -> Result<$crate::store::import::ImportSummary, $crate::store::import::ImportError> {
                <$t>::import_distribution(self, rows)
            }
        }
    };
}

crate::imports_by_methods!(crate::store::Store);
