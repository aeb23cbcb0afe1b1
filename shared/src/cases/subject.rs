//! The person a case is about, as the supervisor's import or hand entry gives them.

use serde::{Deserialize, Serialize};

/// Who a case is about: the name people read, and the NIK and KK number when known. Personal
/// data: the device keeps it encrypted, and no message, log or URL repeats the numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseSubject {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kk_number: Option<String>,
}
