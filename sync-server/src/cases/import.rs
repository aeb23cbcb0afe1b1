//! Usul-sanggah rows into cases (`pendata-server import-cases` and the dashboard's upload):
//! each due `[cases] due_days` after the day the channel received it (its `submitted_on`),
//! or after the import when the file does not say.

use chrono::{NaiveDate, Utc};

use super::assignment::{new_case, CaseInput};
use super::import_csv::UsulSanggahRow;
use crate::store::cases::{CaseSource, CaseSubject};
use crate::store::{CaseKind, NewCase};
use pendata_shared::cases::CaseRules;

/// The cases of good rows; `today` is the import's day in the desa's time zone.
pub fn usul_sanggah_cases(
    rows: Vec<UsulSanggahRow>,
    rules: &CaseRules,
    today: impl Fn(&str) -> NaiveDate,
    created_by: Option<&str>,
) -> Vec<NewCase> {
    let now = Utc::now();
    rows.into_iter()
        .map(|r| {
            let from = r.submitted_on.unwrap_or_else(|| today(&r.desa_code));
            new_case(
                CaseInput {
                    kind: CaseKind::UsulSanggah,
                    source_id: r.case_id,
                    source: CaseSource::Import,
                    desa_code: r.desa_code,
                    assigned_to: r.assigned_to,
                    due_date: rules.due_date(CaseKind::UsulSanggah, false, from),
                    subject: CaseSubject {
                        name: r.name,
                        nik: r.nik,
                        kk_number: r.kk_number,
                        rt: r.rt,
                        rw: r.rw,
                        address: r.address,
                        submission: Some(r.submission.id().to_owned()),
                        proposer: r.proposer,
                        programme: Some(r.programme.id().to_owned()),
                        reason: r.reason,
                        evidence: r.evidence,
                        emergency: false,
                        note: None,
                    },
                    created_by: created_by.map(str::to_owned),
                },
                now,
            )
        })
        .collect()
}

/// Why `import-cases` changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum CaseFileError {
    #[error("{0}")]
    Header(String),
    #[error("{} bad row(s); nothing was imported — fix them and import the whole file again", .0.len())]
    BadRows(Vec<pendata_shared::prelist::RowError>),
    #[error("storing the cases (nothing was imported): {0}")]
    Store(#[from] crate::store::StoreError),
}

/// `pendata-server import-cases FILE.csv`: the whole usul-sanggah file or nothing.
pub fn import_case_file(
    bytes: &[u8],
    store: &dyn crate::store::CaseStore,
    rules: &CaseRules,
) -> Result<crate::store::CaseImportSummary, CaseFileError> {
    let today = crate::month::today_in;
    let parsed =
        super::import_csv::parse_cases_csv(bytes, today("")).map_err(CaseFileError::Header)?;
    if !parsed.errors.is_empty() {
        return Err(CaseFileError::BadRows(parsed.errors));
    }
    let cases = usul_sanggah_cases(parsed.rows, rules, today, None);
    Ok(store.create_cases(&cases)?)
}
