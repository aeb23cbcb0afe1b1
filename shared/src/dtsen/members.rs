//! Blok IV: the family's members (401-431), one per person.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::{
    BusinessInternetUse, BusinessPermit, Caregiver, ChronicIllness, DepressionFrequency,
    Difficulty, Diploma, EducationLevel, EmploymentInsurance, EmploymentStatus, HealthInsurance,
    HighestGrade, IdentityDocs, IncomeBracket, MaritalStatus, Npwp, Nutrition, Presence, Relation,
    SchoolParticipation, Sector, Sex, Turnover, YesNo, YesNoDontKnow,
};
use crate::codes::PadanStatus;
use crate::ids::MemberId;

/// One member of the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FamilyMember {
    pub id: MemberId,
    /// 402
    #[serde(default)]
    pub name: String,
    /// 403: NIK, 16 digits (text: leading zeros and partial entry)
    #[serde(default)]
    pub nik: Option<String>,
    /// 404: keberadaan (1 lives here, 2 died, 3 moved in Indonesia, 4 moved abroad, 5 new
    /// member, 6 not found)
    #[serde(default)]
    pub presence: Option<Presence>,
    /// 405
    #[serde(default)]
    pub sex: Option<Sex>,
    /// 406
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// 407: age in completed years, as stated
    #[serde(default)]
    pub age: Option<u8>,
    /// 408
    #[serde(default)]
    pub marital_status: Option<MaritalStatus>,
    /// 409: relation to the head of the family
    #[serde(default)]
    pub relation: Option<Relation>,
    /// 410: pregnant (women 10-54, 408 = 2..4)
    #[serde(default)]
    pub pregnant: Option<YesNo>,
    /// 411: akta/KIA/KTP held (bitmask)
    #[serde(default)]
    pub identity_docs: Option<IdentityDocs>,
    /// 412 (age 5+)
    #[serde(default)]
    pub school_participation: Option<SchoolParticipation>,
    /// 413, only if 412 = 2,3
    #[serde(default)]
    pub education_level: Option<EducationLevel>,
    /// 414, only if 412 = 2,3
    #[serde(default)]
    pub highest_grade: Option<HighestGrade>,
    /// 415, only if 412 = 2,3
    #[serde(default)]
    pub diploma: Option<Diploma>,
    /// 416a (age 5+)
    #[serde(default)]
    pub worked_last_week: Option<YesNo>,
    /// 416b: hours worked last week (2 digits), only if 416a = 1
    #[serde(default)]
    pub hours_worked: Option<u8>,
    /// 417, only if 416a = 1 (the checker assigns the code)
    #[serde(default)]
    pub work_sector: Option<Sector>,
    /// 418, only if 416a = 1
    #[serde(default)]
    pub employment_status: Option<EmploymentStatus>,
    /// 419: NPWP (age 5+)
    #[serde(default)]
    pub npwp: Option<Npwp>,
    /// 419a (OpenSID-only): a special skill or certificate
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_certificate: Option<YesNo>,
    /// 419b (OpenSID-only): income last month
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_bracket: Option<IncomeBracket>,
    /// 420a (age 5+)
    #[serde(default)]
    pub has_business: Option<YesNo>,
    /// 420b: number of businesses (at most 99), only if 420a = 1
    #[serde(default)]
    pub business_count: Option<u8>,
    /// 421, only if 420a = 1
    #[serde(default)]
    pub business_sector: Option<Sector>,
    /// 422: paid workers (at most 999), only if 420a = 1
    #[serde(default)]
    pub paid_workers: Option<u16>,
    /// 423: unpaid workers (at most 99), only if 420a = 1
    #[serde(default)]
    pub unpaid_workers: Option<u8>,
    /// 424, only if 420a = 1
    #[serde(default)]
    pub business_permit: Option<BusinessPermit>,
    /// 425, only if 420a = 1
    #[serde(default)]
    pub business_turnover: Option<Turnover>,
    /// 426 (bitmask), only if 420a = 1
    #[serde(default)]
    pub business_internet: Option<BusinessInternetUse>,
    /// 427: nutrition (age 0-4)
    #[serde(default)]
    pub nutrition: Option<Nutrition>,
    /// 428a-i: the Washington Group questions
    #[serde(default)]
    pub difficulties: Difficulties,
    /// 428j (age 5+)
    #[serde(default)]
    pub depression: Option<DepressionFrequency>,
    /// 429, only if age 60+ or a 428 answer of 1 or 2
    #[serde(default)]
    pub caregiver: Option<Caregiver>,
    /// 430: chronic illnesses, several allowed; `[1]` is "none"
    #[serde(default)]
    pub chronic_illnesses: Vec<ChronicIllness>,
    /// 431a (bitmask; 99 = other)
    #[serde(default)]
    pub health_insurance: Option<HealthInsurance>,
    /// 431b Pra-Kerja (age 5+)
    #[serde(default)]
    pub pra_kerja: Option<YesNoDontKnow>,
    /// 431c KUR (age 5+)
    #[serde(default)]
    pub kur: Option<YesNoDontKnow>,
    /// 431d UMi (age 5+)
    #[serde(default)]
    pub umi: Option<YesNoDontKnow>,
    /// 431e PIP (age 5-30 on the form)
    #[serde(default)]
    pub pip: Option<YesNoDontKnow>,
    /// 431f (bitmask; 99 = don't know; age 15+)
    #[serde(default)]
    pub employment_insurance: Option<EmploymentInsurance>,
    /// Dukcapil match, set by the server only
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub padan: Option<PadanStatus>,
}

/// 428a-i: difficulty doing things, even with aids (1 cannot at all … 4 no difficulty).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Difficulties {
    /// 428a (age 2+)
    pub seeing: Option<Difficulty>,
    /// 428b (age 2+)
    pub hearing: Option<Difficulty>,
    /// 428c (age 2+)
    pub walking: Option<Difficulty>,
    /// 428d (age 2+)
    pub hands: Option<Difficulty>,
    /// 428e (age 2+)
    pub learning: Option<Difficulty>,
    /// 428f (age 2+)
    pub behaviour: Option<Difficulty>,
    /// 428g (age 5+)
    pub speaking: Option<Difficulty>,
    /// 428h (age 5+)
    pub self_care: Option<Difficulty>,
    /// 428i (age 5+)
    pub remembering: Option<Difficulty>,
}

impl Difficulties {
    /// (question, field, minimum age, answer), in form order.
    pub fn entries(&self) -> [(&'static str, &'static str, u32, Option<Difficulty>); 9] {
        [
            ("428a", "seeing", 2, self.seeing),
            ("428b", "hearing", 2, self.hearing),
            ("428c", "walking", 2, self.walking),
            ("428d", "hands", 2, self.hands),
            ("428e", "learning", 2, self.learning),
            ("428f", "behaviour", 2, self.behaviour),
            ("428g", "speaking", 5, self.speaking),
            ("428h", "self_care", 5, self.self_care),
            ("428i", "remembering", 5, self.remembering),
        ]
    }
}

impl FamilyMember {
    /// A new member with only a name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: MemberId::new(),
            name: name.into(),
            nik: None,
            presence: None,
            sex: None,
            birth_date: None,
            age: None,
            marital_status: None,
            relation: None,
            pregnant: None,
            identity_docs: None,
            school_participation: None,
            education_level: None,
            highest_grade: None,
            diploma: None,
            worked_last_week: None,
            hours_worked: None,
            work_sector: None,
            employment_status: None,
            npwp: None,
            skill_certificate: None,
            income_bracket: None,
            has_business: None,
            business_count: None,
            business_sector: None,
            paid_workers: None,
            unpaid_workers: None,
            business_permit: None,
            business_turnover: None,
            business_internet: None,
            nutrition: None,
            difficulties: Difficulties::default(),
            depression: None,
            caregiver: None,
            chronic_illnesses: Vec::new(),
            health_insurance: None,
            pra_kerja: None,
            kur: None,
            umi: None,
            pip: None,
            employment_insurance: None,
            padan: None,
        }
    }

    /// Whether the member still belongs to the family: 404 = 1 (lives here) or 5 (new member),
    /// or not asked yet. Members who died, moved or were not found skip the rest of the form.
    pub fn is_present(&self) -> bool {
        matches!(
            self.presence,
            None | Some(Presence::Living) | Some(Presence::NewMember)
        )
    }

    /// 409 = 1.
    pub fn is_head(&self) -> bool {
        self.relation == Some(Relation::Head)
    }

    /// Completed years on `on`: from the birth date, else the stated age.
    pub fn age_on(&self, on: NaiveDate) -> Option<u32> {
        self.birth_date
            .and_then(|b| on.years_since(b))
            .or(self.age.map(u32::from))
    }

    /// 410 applies: a woman aged 10-54 who is or was married (408 = 2..4).
    pub fn pregnancy_applies(&self, on: NaiveDate) -> bool {
        self.sex == Some(Sex::Female)
            && self.age_on(on).is_some_and(|a| (10..=54).contains(&a))
            && self
                .marital_status
                .is_some_and(|s| s != MaritalStatus::NeverMarried)
    }

    /// 413-415 apply: attending or attended school (412 = 2, 3).
    pub fn education_applies(&self) -> bool {
        matches!(
            self.school_participation,
            Some(SchoolParticipation::Attending | SchoolParticipation::NoLonger)
        )
    }

    /// 416b-418 apply: worked last week (416a = 1).
    pub fn work_applies(&self) -> bool {
        self.worked_last_week == Some(YesNo::Yes)
    }

    /// 420b-426 apply: runs a business (420a = 1).
    pub fn business_applies(&self) -> bool {
        self.has_business == Some(YesNo::Yes)
    }

    /// 429 applies: age 60+ or any 428 answer of 1 or 2.
    pub fn caregiver_applies(&self, on: NaiveDate) -> bool {
        let severe =
            |d: Option<Difficulty>| matches!(d, Some(Difficulty::Cannot | Difficulty::ALot));
        self.age_on(on).is_some_and(|a| a >= 60)
            || self
                .difficulties
                .entries()
                .iter()
                .any(|(_, _, _, d)| severe(*d))
            || matches!(
                self.depression,
                Some(DepressionFrequency::VeryOften | DepressionFrequency::Often)
            )
    }
}
