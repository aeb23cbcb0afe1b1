//! Home counts and the work list: search, totals, the desa of the user's area.

use pendata_core::store::{
    HouseholdSummary, RecordCursor, RecordState, SearchQuery, StoreError, WorkListCursor,
};
use pendata_shared::protocol::Assignment;

use super::{Res, Worker};
use pendata_shared::text::Localized;

use crate::state::{HomeCountdown, HomeView, ListCounts, ListQuery, ListView, Update, PAGE_SIZE};

impl Worker {
    pub(super) fn load_home(&mut self) -> Res {
        let lang = self.lang;
        let d = self.device()?;
        let s = d
            .store()
            .status()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        let shown = [
            RecordState::Draft,
            RecordState::Final,
            RecordState::Queued,
            RecordState::Sent,
            RecordState::Approved,
            RecordState::Rejected,
            RecordState::Conflict,
            RecordState::NeedsPhoto,
        ];
        let count = |st: RecordState| s.states.get(st.as_str()).copied().unwrap_or(0);
        // The same count as before a logout or a restore (`Device::unsent`).
        let unsent = d
            .store()
            .unsent_records()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        let revisits = d
            .store()
            .revisit_list()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?
            .len() as u64;
        let home = HomeView {
            states: shown.iter().map(|st| (*st, count(*st))).collect(),
            unsent,
            assignments: s.assignments_listed,
            revisits,
            last_sync_at: s.last_sync_at.clone(),
            username: d.store().username().map(str::to_string),
            countdown: match d.store().countdown(chrono::Utc::now()) {
                Ok(c) => Some(HomeCountdown {
                    text: c.text(),
                    days_left: c.days_left,
                }),
                Err(e) => {
                    // Beranda still shows everything else; the cause goes to the log.
                    tracing::warn!(code = e.code(), "countdown unavailable");
                    None
                }
            },
        };
        self.emit(Update::Home(home));
        Ok(())
    }

    /// The desa of the user's area (or of `fallback_desa`'s kecamatan).
    pub(super) fn desa_options(&self, fallback_desa: Option<&str>) -> Vec<(String, String)> {
        let area = self
            .device
            .as_ref()
            .and_then(|d| d.session().ok().flatten())
            .and_then(|s| s.user.map(|u| u.wilayah))
            .filter(|w| !w.is_empty())
            .or_else(|| fallback_desa.map(str::to_string))
            .unwrap_or_default();
        let kecamatan: String = area.chars().take(6).collect();
        if kecamatan.len() < 6 || !kecamatan.bytes().all(|b| b.is_ascii_digit()) {
            return Vec::new();
        }
        pendata_shared::wilayah::desa_in_tsv(pendata_shared::wilayah::EMBEDDED_TSV, &kecamatan)
    }

    /// A page of the work list, then its totals. A first page that is not full holds every
    /// match: its rows are the totals, and no second query counts them (a search that finds
    /// a household or two, the common case, costs one query per part).
    pub(super) fn search_and_count(&mut self, q: ListQuery) -> Res {
        let (households, assignments) = self.search(q.clone())?;
        if q.page == 0 && households < PAGE_SIZE as usize && assignments < PAGE_SIZE as usize {
            self.emit(Update::ListCounts(ListCounts {
                query: q,
                households: households as u64,
                assignments: assignments as u64,
            }));
            return Ok(());
        }
        self.count_matches(q)
    }

    /// Sends a page of the work list; how many own households and prelist rows it shows.
    pub(super) fn search(&mut self, q: ListQuery) -> Res<(usize, usize)> {
        let lang = self.lang;
        let desa_options = self.desa_options(None);
        // The store through its field, so the pages' cursors (another field) can change beside it.
        let store = self.device.as_ref().map(|d| d.store());
        let store = store.ok_or_else(|| crate::i18n::tr(lang, "unlock.title").to_string())?;
        let text = Some(q.text.trim().to_string()).filter(|t| !t.is_empty());
        let filter = (text.clone(), q.state, q.desa.clone());
        let households = self
            .list_pages
            .households
            .page(filter, q.page, |(text, state, desa), after| {
                store.search(&SearchQuery {
                    text: text.clone(),
                    state: *state,
                    desa_code: desa.clone(),
                    limit: PAGE_SIZE,
                    after: after.copied(),
                    offset: 0,
                })
            })
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        let today = store.local_today(chrono::Utc::now()).ok();
        let case_due = match today {
            Some(today)
                if households.iter().any(|h| {
                    pendata_shared::cases::CaseKind::of_questionnaire(h.questionnaire).is_some()
                }) =>
            {
                store
                    .case_list()
                    .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?
                    .into_iter()
                    .filter(|r| r.state.is_some())
                    .map(|r| {
                        let n = r.days_left(today);
                        (r.household_id, r.due_date, n, r.is_overdue(today))
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        // Unopened prelist households are drafts-to-be: listed unless another state is asked.
        let assignments = if q.state.is_none() || q.state == Some(RecordState::Draft) {
            self.list_pages
                .prelist
                .page((text, q.desa.clone()), q.page, |(text, desa), after| {
                    store.unopened_assignments(text.as_deref(), desa.as_deref(), after, PAGE_SIZE)
                })
                .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?
        } else {
            Vec::new()
        };
        let shown = (households.len(), assignments.len());
        self.emit(Update::List(ListView {
            query: q,
            assignments,
            households,
            desa_options,
            today,
            case_due,
        }));
        Ok(shown)
    }

    /// Runs the work list's text search once, unseen, right after the unlock (while Beranda
    /// is shown), so that the facilitator's first search is no slower than the ones after it.
    /// In the browser the first text search after a cold start compiled ~110 wasm functions
    /// (V8 compiles each on its first call: FTS5's query, the SQL parser's paths for MATCH),
    /// prepared its statements and read the search indexes' upper pages: 2-3 times the CPU of
    /// the searches after it. It searches the head name of the first row of the list, as
    /// typed into the search field (or of the first own household), through the same store
    /// calls as [`Worker::search`], and sends nothing to the UI; a failure only skips it.
    pub(super) fn warm_search(&self) {
        let Some(store) = self.device.as_ref().map(|d| d.store()) else {
            return;
        };
        // The head name of the list's first row: prelist, else own households.
        let first_name = || -> Result<Option<String>, StoreError> {
            if let Some(a) = store.unopened_assignments(None, None, None, 1)?.pop() {
                return Ok(Some(a.head_name));
            }
            let q = SearchQuery {
                limit: 1,
                ..SearchQuery::default()
            };
            Ok(store.search(&q)?.pop().map(|h| h.head_name))
        };
        let name = first_name();
        let text = match name {
            Ok(Some(n)) if !n.trim().is_empty() => n,
            Ok(_) => return,
            Err(e) => return tracing::debug!(code = e.code(), "search warm-up skipped"),
        };
        let households = store.search(&SearchQuery {
            text: Some(text.clone()),
            limit: PAGE_SIZE,
            ..SearchQuery::default()
        });
        let prelist = store.unopened_assignments(Some(&text), None, None, PAGE_SIZE);
        if let Some(e) = households.err().or(prelist.err()) {
            tracing::debug!(code = e.code(), "search warm-up failed");
        }
    }

    /// Totals of a work-list query (sent after its page, so the page is never late for it).
    pub(super) fn count_matches(&mut self, q: ListQuery) -> Res {
        let lang = self.lang;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let d = self.device()?;
        let text = Some(q.text.trim().to_string()).filter(|t| !t.is_empty());
        let households = d
            .store()
            .count(&SearchQuery {
                text: text.clone(),
                state: q.state,
                desa_code: q.desa.clone(),
                ..SearchQuery::default()
            })
            .map_err(map)?;
        let assignments = if q.state.is_none() || q.state == Some(RecordState::Draft) {
            d.store()
                .count_unopened_assignments(text.as_deref(), q.desa.as_deref())
                .map_err(map)?
        } else {
            0
        };
        self.emit(Update::ListCounts(ListCounts {
            query: q,
            households,
            assignments,
        }));
        Ok(())
    }
}

/// Where each page of the work list's two parts starts (keyset paging, so page 400 costs what
/// page 1 costs): the prelist by [`WorkListCursor`], own households by [`RecordCursor`].
#[derive(Debug, Default)]
pub(crate) struct ListPages {
    prelist: KeysetPages<PrelistFilter, Assignment>,
    households: KeysetPages<HouseholdFilter, HouseholdSummary>,
}

/// The prelist part's filter: text, desa.
type PrelistFilter = (Option<String>, Option<String>);
/// The own households' filter: text, state, desa.
type HouseholdFilter = (Option<String>, Option<RecordState>, Option<String>);

/// A row that knows where the page after it starts.
pub(crate) trait Keyed {
    type Cursor: std::fmt::Debug;
    fn cursor(&self) -> Self::Cursor;
}

impl Keyed for Assignment {
    type Cursor = WorkListCursor;
    fn cursor(&self) -> WorkListCursor {
        WorkListCursor::after(self)
    }
}

impl Keyed for HouseholdSummary {
    type Cursor = RecordCursor;
    fn cursor(&self) -> RecordCursor {
        RecordCursor::after(self)
    }
}

/// Where each page of one part starts, for the filter `F` last listed. Page `p` starts after
/// `starts[p - 1]`, noted when page `p - 1` was shown; a page further on than any shown yet is
/// reached by walking the pages before it.
#[derive(Debug)]
pub(crate) struct KeysetPages<F, T: Keyed> {
    filter: F,
    starts: Vec<T::Cursor>,
}

impl<F: Default, T: Keyed> Default for KeysetPages<F, T> {
    fn default() -> Self {
        KeysetPages {
            filter: F::default(),
            starts: Vec::new(),
        }
    }
}

impl<F: PartialEq, T: Keyed> KeysetPages<F, T> {
    /// Page `page` of `filter`; `fetch` reads the page after a cursor (the first with `None`).
    fn page(
        &mut self,
        filter: F,
        page: u32,
        mut fetch: impl FnMut(&F, Option<&T::Cursor>) -> Result<Vec<T>, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        if self.filter != filter {
            self.filter = filter;
            self.starts.clear();
        }
        let page = page as usize;
        loop {
            let p = page.min(self.starts.len());
            let after = p.checked_sub(1).map(|i| &self.starts[i]);
            let rows = fetch(&self.filter, after)?;
            let next = rows.last().map(Keyed::cursor);
            self.starts.truncate(p);
            if p == page {
                self.starts.extend(next);
                return Ok(rows);
            }
            match next {
                Some(c) if rows.len() as u32 == PAGE_SIZE => self.starts.push(c),
                _ => return Ok(Vec::new()),
            }
        }
    }
}
