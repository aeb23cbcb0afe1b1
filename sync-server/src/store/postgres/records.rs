//! [`RecordStore`] on PostgreSQL (schema in `migrations/postgres/`), one file per concept
//! beside this one. Every write is one transaction that locks what it touches first
//! (`super::lock_keys`); pushes run side by side, no push queue.

use pendata_shared::protocol::{PushOutcome, ResolveRequest, ReviewOutcome, ReviewRequest};
use pendata_shared::HouseholdId;

use super::{prelist, push, reads, review, PgStore};
use crate::store::{
    ChangePage, ExportHousehold, HouseholdDetail, HouseholdSummary, ImportSummary, IncomingRecord,
    ListQuery, PageAfter, PrelistHousehold, ProgressRow, Puller, Pusher, RecordError, RecordStore,
    Scope, ShaHex, StoreError,
};

impl RecordStore for PgStore {
    fn push(
        &self,
        pusher: &Pusher,
        records: Vec<IncomingRecord>,
    ) -> Result<Vec<PushOutcome>, StoreError> {
        push::push(self, pusher, records)
    }

    fn push_group(
        &self,
        pushes: Vec<(Pusher, Vec<IncomingRecord>)>,
    ) -> Vec<Result<Vec<PushOutcome>, StoreError>> {
        pushes
            .into_iter()
            .map(|(pusher, records)| push::push(self, &pusher, records))
            .collect()
    }

    fn photo_completed(&self, sha256: &ShaHex) -> Result<u32, StoreError> {
        push::photo_completed(self, sha256)
    }

    fn photo_visible(&self, sha256: &ShaHex, scope: &Scope) -> Result<bool, StoreError> {
        reads::photo_visible(self, sha256, scope)
    }

    fn pull(&self, who: &Puller, after: i64, limit: u32) -> Result<ChangePage, StoreError> {
        reads::pull(self, who, after, limit)
    }

    fn review(
        &self,
        household: HouseholdId,
        request: &ReviewRequest,
        reviewer: &str,
        scope: &Scope,
    ) -> Result<ReviewOutcome, RecordError> {
        review::review(self, household, request, reviewer, scope)
    }

    fn resolve(
        &self,
        household: HouseholdId,
        request: &ResolveRequest,
        by: &str,
        scope: &Scope,
    ) -> Result<HouseholdSummary, RecordError> {
        review::resolve(self, household, request, by, scope)
    }

    fn list(&self, scope: &Scope, query: &ListQuery) -> Result<Vec<HouseholdSummary>, StoreError> {
        reads::list(self, scope, query)
    }

    fn get(&self, id: HouseholdId, scope: &Scope) -> Result<Option<HouseholdDetail>, StoreError> {
        reads::get(self, id, scope)
    }

    fn import_prelist(&self, households: &[PrelistHousehold]) -> Result<ImportSummary, StoreError> {
        prelist::import_prelist(self, households)
    }

    fn export_page(
        &self,
        scope: &Scope,
        after: Option<&PageAfter>,
        limit: u32,
    ) -> Result<Vec<ExportHousehold>, StoreError> {
        prelist::export_page(self, scope, after, limit)
    }

    fn progress_page(
        &self,
        scope: &Scope,
        after: Option<&PageAfter>,
        limit: u32,
    ) -> Result<Vec<ProgressRow>, StoreError> {
        prelist::progress_page(self, scope, after, limit)
    }

    fn ground_check_progress(
        &self,
        scope: &Scope,
        programme: Option<pendata_shared::dtsen::family::ListProgramme>,
    ) -> Result<Vec<crate::store::GroundCheckRow>, StoreError> {
        super::ground_check::ground_check_progress(self, scope, programme)
    }
}
