//! [`RecordStore`] on SQLite: households, revisions, conflicts, reviews and the change log
//! (schema in `migrations/0002_households.sql`), one file per concept beside this one.
//!
//! Every write runs in one `BEGIN IMMEDIATE` transaction on the writer connection, so a batch
//! is all-or-nothing against crashes while each record gets its own outcome. A revision id is
//! `UNIQUE`: even two server processes on one file store a revision at most once.

use pendata_shared::protocol::{PushOutcome, ResolveRequest, ReviewOutcome, ReviewRequest};
use pendata_shared::HouseholdId;

use super::{prelist, push, reads, review, SqliteStore};
use crate::store::{
    ChangePage, ExportHousehold, HouseholdDetail, HouseholdSummary, ImportSummary, IncomingRecord,
    ListQuery, PageAfter, PrelistHousehold, ProgressRow, Puller, Pusher, RecordError, RecordStore,
    Scope, ShaHex, StoreError,
};

impl RecordStore for SqliteStore {
    fn push(
        &self,
        pusher: &Pusher,
        records: Vec<IncomingRecord>,
    ) -> Result<Vec<PushOutcome>, StoreError> {
        push::push(self, pusher, records)
    }

    fn groups_pushes(&self) -> bool {
        true
    }

    fn push_group(
        &self,
        pushes: Vec<(Pusher, Vec<IncomingRecord>)>,
    ) -> Vec<Result<Vec<PushOutcome>, StoreError>> {
        push::push_group(self, pushes)
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use pendata_shared::protocol::PushOutcome;

    #[test]
    fn a_failed_batch_leaves_nothing() {
        // A database failure mid-batch rolls the whole transaction back.
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("p.db"), 1).unwrap();
        let pusher = crate::store::contract::pusher("3201022001");
        let good =
            crate::store::contract::incoming(crate::store::contract::household("3201022001"), None);
        // Sabotage: a trigger makes the second insert fail.
        store
            .write(|c| {
                c.execute_batch(
                    "CREATE TRIGGER boom BEFORE INSERT ON revisions \
                     WHEN (SELECT COUNT(*) FROM revisions) >= 1 \
                     BEGIN SELECT RAISE(ABORT, 'boom'); END;",
                )?;
                Ok(())
            })
            .unwrap();
        let second =
            crate::store::contract::incoming(crate::store::contract::household("3201022001"), None);
        assert!(store.push(&pusher, vec![good, second]).is_err());
        let n: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM revisions", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 0, "the first record was rolled back with the batch");
    }

    #[test]
    fn a_group_of_pushes_commits_together_and_a_failing_push_leaves_the_others() {
        use crate::store::contract::{household, incoming, pusher};
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("p.db"), 1).unwrap();
        let (ani, budi) = (pusher("3201022001"), pusher("3201022001"));
        let a = incoming(household("3201022001"), None);
        let b = incoming(household("3201022001"), None);
        let c = incoming(household("3201022001"), None);
        // Sabotage: storing b fails.
        let sql = format!(
            "CREATE TRIGGER boom BEFORE INSERT ON revisions WHEN NEW.household_id = '{}' \
             BEGIN SELECT RAISE(ABORT, 'boom'); END;",
            b.record.household_id
        );
        store.write(|conn| Ok(conn.execute_batch(&sql)?)).unwrap();
        let results = store.push_group(vec![
            (ani.clone(), vec![a.clone()]),
            (budi, vec![b]),
            // a again, later in the same group: answered as if pushed after the first.
            (ani, vec![a, c]),
        ]);
        assert_eq!(results.len(), 3);
        assert!(matches!(
            results[0].as_ref().unwrap()[..],
            [PushOutcome::Accepted { .. }]
        ));
        assert!(results[1].is_err(), "the sabotaged push fails alone");
        assert!(matches!(
            results[2].as_ref().unwrap()[..],
            [PushOutcome::Duplicate { .. }, PushOutcome::Accepted { .. }]
        ));
        let count = |table: &str| -> i64 {
            store
                .read(|c| {
                    Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
                })
                .unwrap()
        };
        assert_eq!(count("revisions"), 2, "a and c are stored, b is not");
        assert_eq!(
            count("households"),
            2,
            "b's household row was rolled back too"
        );
    }

    #[test]
    fn an_import_that_fails_half_way_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("p.db"), 1).unwrap();
        let list = crate::operator::parse_prelist_csv(
            crate::operator::DEMO_PRELIST.as_bytes(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        )
        .unwrap()
        .households;
        // Sabotage: the seventh household cannot be inserted.
        store
            .write(|c| {
                c.execute_batch(
                    "CREATE TRIGGER boom BEFORE INSERT ON households \
                     WHEN (SELECT COUNT(*) FROM households) >= 6 \
                     BEGIN SELECT RAISE(ABORT, 'boom'); END;",
                )?;
                Ok(())
            })
            .unwrap();
        assert!(store.import_prelist(&list).is_err());
        let count = |table: &str| -> i64 {
            store
                .read(|c| {
                    Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
                })
                .unwrap()
        };
        assert_eq!(count("households"), 0);
        assert_eq!(count("changes"), 0);
        store
            .write(|c| Ok(c.execute_batch("DROP TRIGGER boom")?))
            .unwrap();
        assert_eq!(store.import_prelist(&list).unwrap().created, 13);
    }
}
