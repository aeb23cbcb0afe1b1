//! What a stored record's content is: a DTKS household (questionnaire `dtks-bdt`,
//! [`Household`]), a DTSEN family (`regsosek2022k`, [`FamilyRecord`]) or a case's finding (the
//! three `kasus-*` questionnaires, [`CaseRecord`]). All live in the `households` table with one
//! life cycle, one outbox and one search index; the table's `questionnaire` column says which
//! type the JSON in `content` is.
//!
//! The store's internals are generic over [`RecordContent`]; [`Record`] is either content when
//! the caller does not know which one a row holds.

use pendata_shared::cases::{CaseRecord, CaseRules};
use pendata_shared::dtsen::{DtsenRules, FamilyRecord};
use pendata_shared::model::InterviewMeta;
use pendata_shared::photos::{LocalPhotoProblem, PhotoKind, PhotoRef};
use pendata_shared::protocol::Change;
use pendata_shared::validate::{local_photo_finding_named, Context};
use pendata_shared::{
    validate_household, Finding, Household, HouseholdId, MemberId, Questionnaire, RecordKind,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The text the search index keeps for a record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFields {
    pub head_name: String,
    /// Every member's name.
    pub names: String,
    /// NIKs, KK numbers and the list id (prelist or ground-check list).
    pub numbers: String,
    pub address: String,
}

/// What the revisit list needs of a ground check, kept in columns (migration 0003).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitColumns {
    /// The outcome id (`found`, `moved`, ...), once known.
    pub outcome: Option<&'static str>,
    /// Visits with nobody home.
    pub nobody_home: i64,
    /// When the last visit was (store timestamp format).
    pub last_visit_at: Option<String>,
    /// No outcome yet and nobody was home at the last visit.
    pub awaits_revisit: bool,
}

/// The Dinsos choices the offline rules apply: the DTSEN ones and the case ones (settings
/// `dtsen_rules` and `case_rules`, else the documented defaults).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub dtsen: DtsenRules,
    pub cases: CaseRules,
}

/// A questionnaire's content as the store handles it. Implemented by [`Household`],
/// [`FamilyRecord`] and [`CaseRecord`] only.
pub trait RecordContent:
    Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync + 'static
{
    /// The questionnaire this type answers (for a type with several, the one errors name).
    const QUESTIONNAIRE: Questionnaire;
    /// Whether a row of questionnaire `q` holds this type.
    fn holds(q: Questionnaire) -> bool {
        q == Self::QUESTIONNAIRE
    }
    /// The questionnaire this content answers (the `questionnaire` column).
    fn questionnaire(&self) -> Questionnaire {
        Self::QUESTIONNAIRE
    }
    fn record_id(&self) -> HouseholdId;
    fn desa_code(&self) -> &str;
    /// The `kind` column (`verivali`, `usulan_baru`, `ground_check`) and the list id.
    fn kind(&self) -> (&'static str, Option<&str>);
    fn search_fields(&self) -> SearchFields;
    fn member_count(&self) -> usize;
    fn interview(&self) -> &InterviewMeta;
    fn interview_mut(&mut self) -> &mut InterviewMeta;
    fn photos(&self) -> &[PhotoRef];
    fn photos_mut(&mut self) -> &mut Vec<PhotoRef>;
    /// The name of a member, for messages about their photo.
    fn member_name(&self, id: MemberId) -> Option<&str>;
    /// Removes a member (and any link to them); returns the index and the member as JSON.
    fn remove_member(&mut self, id: MemberId) -> Option<(usize, serde_json::Value)>;
    /// Every finding of the offline rules.
    fn validate(&self, ctx: &Context<'_>, rules: &Rules) -> Vec<Finding>;
    /// The push change carrying this content.
    fn into_change(self) -> Change;
    /// The ground-check columns (all empty for a household).
    fn visit_columns(&self) -> VisitColumns {
        VisitColumns::default()
    }
    /// Wraps the content as a [`Record`].
    fn into_record(self) -> Record;

    /// The finding for a photo of this record that is not usable on this device.
    fn local_photo_finding(
        &self,
        kind: PhotoKind,
        member_id: Option<MemberId>,
        problem: LocalPhotoProblem,
    ) -> Finding {
        let name = member_id.and_then(|m| self.member_name(m));
        local_photo_finding_named(kind, name, problem)
    }
}

fn member_json<T: Serialize>(m: &T) -> serde_json::Value {
    serde_json::to_value(m).unwrap_or(serde_json::Value::Null)
}

impl RecordContent for Household {
    const QUESTIONNAIRE: Questionnaire = Questionnaire::DtksBdt;

    fn record_id(&self) -> HouseholdId {
        self.id
    }

    fn desa_code(&self) -> &str {
        &self.location.desa_code
    }

    fn kind(&self) -> (&'static str, Option<&str>) {
        match &self.kind {
            RecordKind::Verivali { prelist_id } => ("verivali", Some(prelist_id.as_str())),
            RecordKind::UsulanBaru { .. } => ("usulan_baru", None),
        }
    }

    fn search_fields(&self) -> SearchFields {
        let head_name = self
            .head()
            .or_else(|| self.members.first())
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let names = self
            .members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut numbers: Vec<&str> = self
            .members
            .iter()
            .filter_map(|m| m.nik.as_deref())
            .collect();
        numbers.extend(self.families.iter().map(|f| f.kk_number.as_str()));
        if let RecordKind::Verivali { prelist_id } = &self.kind {
            numbers.push(prelist_id);
        }
        let mut address = self.location.address.clone();
        if let Some(sls) = &self.location.sls_name {
            address.push(' ');
            address.push_str(sls);
        }
        SearchFields {
            head_name,
            names,
            numbers: numbers.join(" "),
            address,
        }
    }

    fn member_count(&self) -> usize {
        self.members.len()
    }

    fn interview(&self) -> &InterviewMeta {
        &self.interview
    }

    fn interview_mut(&mut self) -> &mut InterviewMeta {
        &mut self.interview
    }

    fn photos(&self) -> &[PhotoRef] {
        &self.photos
    }

    fn photos_mut(&mut self) -> &mut Vec<PhotoRef> {
        &mut self.photos
    }

    fn member_name(&self, id: MemberId) -> Option<&str> {
        self.members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.as_str())
    }

    fn remove_member(&mut self, id: MemberId) -> Option<(usize, serde_json::Value)> {
        let idx = self.members.iter().position(|m| m.id == id)?;
        let old = self.members.remove(idx);
        for d in &mut self.dependents {
            if d.member_id == Some(id) {
                d.member_id = None;
            }
        }
        Some((idx, member_json(&old)))
    }

    fn validate(&self, ctx: &Context<'_>, _rules: &Rules) -> Vec<Finding> {
        validate_household(self, ctx)
    }

    fn into_change(self) -> Change {
        Change::Upsert {
            household: Box::new(self),
        }
    }

    fn into_record(self) -> Record {
        Record::Household(Box::new(self))
    }
}

impl RecordContent for FamilyRecord {
    const QUESTIONNAIRE: Questionnaire = Questionnaire::Regsosek2022k;

    fn record_id(&self) -> HouseholdId {
        self.id
    }

    fn desa_code(&self) -> &str {
        &self.location.desa_code
    }

    fn kind(&self) -> (&'static str, Option<&str>) {
        use pendata_shared::dtsen::FamilyProcess;
        match &self.process {
            FamilyProcess::GroundCheck { assignment_id, .. } => {
                ("ground_check", Some(assignment_id.as_str()))
            }
            FamilyProcess::UsulanBaru { .. } => ("usulan_baru", None),
        }
    }

    fn search_fields(&self) -> SearchFields {
        let names = self
            .members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut numbers: Vec<&str> = self
            .members
            .iter()
            .filter_map(|m| m.nik.as_deref())
            .collect();
        numbers.extend(self.kk_number.as_deref());
        numbers.extend(self.kind().1);
        let l = &self.location;
        let mut address = l.address.clone();
        for part in [l.sls_name.as_deref(), l.rt.as_deref(), l.rw.as_deref()]
            .into_iter()
            .flatten()
        {
            address.push(' ');
            address.push_str(part);
        }
        SearchFields {
            head_name: self.head_name().to_string(),
            names,
            numbers: numbers.join(" "),
            address,
        }
    }

    fn member_count(&self) -> usize {
        FamilyRecord::member_count(self)
    }

    fn interview(&self) -> &InterviewMeta {
        &self.interview
    }

    fn interview_mut(&mut self) -> &mut InterviewMeta {
        &mut self.interview
    }

    fn photos(&self) -> &[PhotoRef] {
        &self.photos
    }

    fn photos_mut(&mut self) -> &mut Vec<PhotoRef> {
        &mut self.photos
    }

    fn member_name(&self, id: MemberId) -> Option<&str> {
        self.member(id).map(|m| m.name.as_str())
    }

    fn remove_member(&mut self, id: MemberId) -> Option<(usize, serde_json::Value)> {
        let idx = self.members.iter().position(|m| m.id == id)?;
        let old = self.members.remove(idx);
        Some((idx, member_json(&old)))
    }

    fn validate(&self, ctx: &Context<'_>, rules: &Rules) -> Vec<Finding> {
        pendata_shared::dtsen::validate_family(self, ctx, &rules.dtsen)
    }

    fn into_change(self) -> Change {
        Change::UpsertFamily {
            family: Box::new(self),
        }
    }

    fn visit_columns(&self) -> VisitColumns {
        let gc = &self.ground_check;
        VisitColumns {
            outcome: gc.outcome.map(|o| o.id()),
            nobody_home: gc.attempts_nobody_home() as i64,
            last_visit_at: gc.visits.last().map(|v| super::now_text(v.at)),
            awaits_revisit: gc.awaits_revisit(),
        }
    }

    fn into_record(self) -> Record {
        Record::Family(Box::new(self))
    }
}

impl RecordContent for CaseRecord {
    /// The case questionnaires are three; errors name the first, [`RecordContent::holds`]
    /// accepts all three.
    const QUESTIONNAIRE: Questionnaire = Questionnaire::KasusUsulSanggah;

    fn holds(q: Questionnaire) -> bool {
        q.is_case()
    }

    fn questionnaire(&self) -> Questionnaire {
        self.questionnaire
    }

    fn record_id(&self) -> HouseholdId {
        self.id
    }

    fn desa_code(&self) -> &str {
        &self.desa_code
    }

    fn kind(&self) -> (&'static str, Option<&str>) {
        (self.kind().id(), Some(self.case_id.as_str()))
    }

    fn search_fields(&self) -> SearchFields {
        let subject = self.assignment.detail.subject();
        let numbers: Vec<&str> = [subject.nik.as_deref(), subject.kk_number.as_deref()]
            .into_iter()
            .flatten()
            .chain([self.case_id.as_str()])
            .collect();
        SearchFields {
            head_name: subject.name.clone(),
            names: subject.name.clone(),
            numbers: numbers.join(" "),
            address: self.address.clone(),
        }
    }

    fn member_count(&self) -> usize {
        0
    }

    fn interview(&self) -> &InterviewMeta {
        &self.interview
    }

    fn interview_mut(&mut self) -> &mut InterviewMeta {
        &mut self.interview
    }

    fn photos(&self) -> &[PhotoRef] {
        &self.photos
    }

    fn photos_mut(&mut self) -> &mut Vec<PhotoRef> {
        &mut self.photos
    }

    fn member_name(&self, _id: MemberId) -> Option<&str> {
        None
    }

    fn remove_member(&mut self, _id: MemberId) -> Option<(usize, serde_json::Value)> {
        None
    }

    fn validate(&self, ctx: &Context<'_>, rules: &Rules) -> Vec<Finding> {
        pendata_shared::cases::validate_case(self, ctx, &rules.cases)
    }

    fn into_change(self) -> Change {
        Change::UpsertCase {
            case: Box::new(self),
        }
    }

    fn into_record(self) -> Record {
        Record::Case(Box::new(self))
    }
}

/// A stored record's content, whichever questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A DTKS household (`dtks-bdt`).
    Household(Box<Household>),
    /// A DTSEN family (`regsosek2022k`).
    Family(Box<FamilyRecord>),
    /// A case's finding (`kasus-*`).
    Case(Box<CaseRecord>),
}

/// Runs `$body` with `$c` bound to the content of either variant.
macro_rules! with_content {
    ($rec:expr, $c:ident => $body:expr) => {
        match $rec {
            $crate::store::Record::Household($c) => $body,
            $crate::store::Record::Family($c) => $body,
            $crate::store::Record::Case($c) => $body,
        }
    };
}
pub(crate) use with_content;

impl Record {
    /// Reads stored content of the given questionnaire.
    pub(crate) fn parse(questionnaire: Questionnaire, content: &str) -> super::Result<Self> {
        Ok(match questionnaire {
            Questionnaire::DtksBdt => Record::Household(Box::new(super::parse_content(content)?)),
            Questionnaire::Regsosek2022k => {
                Record::Family(Box::new(super::parse_content(content)?))
            }
            Questionnaire::KasusUsulSanggah
            | Questionnaire::KasusReaktivasiPbiJk
            | Questionnaire::KasusGraduasiPkh => {
                let c: CaseRecord = super::parse_content(content)?;
                if c.questionnaire != questionnaire {
                    return Err(super::StoreError::Corrupt("case questionnaire".into()));
                }
                Record::Case(Box::new(c))
            }
        })
    }

    pub fn questionnaire(&self) -> Questionnaire {
        with_content!(self, c => c.questionnaire())
    }

    pub fn id(&self) -> HouseholdId {
        with_content!(self, c => c.record_id())
    }

    pub fn photos(&self) -> &[PhotoRef] {
        with_content!(self, c => c.photos())
    }

    /// The name a list shows: the head's, else the first member's.
    pub fn head_name(&self) -> String {
        with_content!(self, c => c.search_fields().head_name)
    }

    /// The finding for a photo of this record that is not usable on this device.
    pub fn local_photo_finding(
        &self,
        kind: PhotoKind,
        member_id: Option<MemberId>,
        problem: LocalPhotoProblem,
    ) -> Finding {
        with_content!(self, c => c.local_photo_finding(kind, member_id, problem))
    }

    /// The push change carrying this content.
    pub fn into_change(self) -> Change {
        with_content!(self, c => (*c).into_change())
    }

    /// The household, if this is one.
    pub fn as_household(&self) -> Option<&Household> {
        match self {
            Record::Household(h) => Some(h),
            _ => None,
        }
    }

    /// The family, if this is one.
    pub fn as_family(&self) -> Option<&FamilyRecord> {
        match self {
            Record::Family(f) => Some(f),
            _ => None,
        }
    }

    /// The case, if this is one.
    pub fn as_case(&self) -> Option<&CaseRecord> {
        match self {
            Record::Case(c) => Some(c),
            _ => None,
        }
    }
}
