//! OpenAPI schemas for code lists (feature `openapi`).

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use crate::codes::CodeList;

/// An integer schema listing the official codes, with their labels in the description.
pub fn code_list_schema<T: CodeList>() -> RefOr<Schema> {
    let labels: Vec<String> = T::all()
        .iter()
        .map(|c| format!("{} = {}", c.code(), c.label_id()))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some(T::all().iter().map(|c| c.code())))
        .description(Some(format!("{}: {}", T::CODESET, labels.join("; "))))
        .into()
}
