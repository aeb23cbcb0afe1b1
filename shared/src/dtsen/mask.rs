//! Bitmask answers of the Regsosek2022K form ("jumlahkan kode": the enumerator writes the sum of
//! the codes that apply): 411, 426, 431a and 431f. Two of them also have a sentinel (99) that is
//! not a bit and never combines with one (DTSEN-REFERENCE.md §2.3).

/// What every bitmask answer offers (the counterpart of [`crate::codes::CodeList`]).
pub trait CodeMask: Sized + Copy + 'static {
    /// The question id, e.g. `"411"`.
    const QUESTION: &'static str;
    /// Every single bit with its labels, in code order.
    fn bits() -> &'static [(u8, &'static str, &'static str)];
    /// The label of code 0 (none of the bits).
    fn none_label() -> (&'static str, &'static str);
    /// The sentinel code and its labels, if the question has one.
    fn sentinel() -> Option<(u8, &'static str, &'static str)>;
    /// The stored code (the sum, or the sentinel).
    fn code(self) -> u8;
    /// The value for a stored code, if it is a sum of known bits or the sentinel.
    fn from_code(code: u8) -> Option<Self>;
    /// The labels of what the answer says, in both languages (the bits held, the sentinel, or
    /// the "none" label).
    fn texts(self) -> Vec<crate::text::Text> {
        let code = self.code();
        if let Some((s, id, en)) = Self::sentinel() {
            if code == s {
                return vec![crate::text::Text::new(id, en)];
            }
        }
        if code == 0 {
            let (id, en) = Self::none_label();
            return vec![crate::text::Text::new(id, en)];
        }
        Self::bits()
            .iter()
            .filter(|(bit, _, _)| code & bit == *bit)
            .map(|(_, id, en)| crate::text::Text::new(id, en))
            .collect()
    }
}

macro_rules! code_mask {
    (
        $(#[$meta:meta])*
        $name:ident, $question:literal,
        none = $none_id:literal, $none_en:literal;
        sentinel = $( $sent:literal, $sent_id:literal, $sent_en:literal )?;
        bits {
            $( $bit:ident = $code:literal, $id:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(u8);

        impl $name {
            /// None of the bits (code 0).
            pub const NONE: Self = Self(0);
            $( #[doc = $id] pub const $bit: Self = Self($code); )+
            $( #[doc = $sent_id] pub const SENTINEL: Self = Self($sent); )?
            /// Every bit at once.
            pub const ALL_BITS: u8 = 0 $( | $code )+;

            /// The value for a stored code, if it is a sum of known bits or the sentinel.
            pub const fn from_code(code: u8) -> Option<Self> {
                $( if code == $sent { return Some(Self(code)); } )?
                if code & !Self::ALL_BITS == 0 { Some(Self(code)) } else { None }
            }
            /// The stored code.
            pub const fn code(self) -> u8 {
                self.0
            }
            /// Whether every bit of `other` is held (false for the sentinel).
            pub const fn contains(self, other: Self) -> bool {
                !self.is_sentinel() && other.0 != 0 && self.0 & other.0 == other.0
            }
            /// Whether this is the sentinel answer (not a sum of bits).
            pub const fn is_sentinel(self) -> bool {
                $( if self.0 == $sent { return true; } )?
                false
            }
            /// This answer with `other`'s bits added (the sentinel is replaced).
            #[must_use]
            pub const fn with(self, other: Self) -> Self {
                if self.is_sentinel() { other } else { Self(self.0 | other.0) }
            }
        }

        impl $crate::dtsen::mask::CodeMask for $name {
            const QUESTION: &'static str = $question;
            fn bits() -> &'static [(u8, &'static str, &'static str)] {
                &[$( ($code, $id, $en) ),+]
            }
            fn none_label() -> (&'static str, &'static str) {
                ($none_id, $none_en)
            }
            fn sentinel() -> Option<(u8, &'static str, &'static str)> {
                None $( .or(Some(($sent, $sent_id, $sent_en))) )?
            }
            fn code(self) -> u8 { self.0 }
            fn from_code(code: u8) -> Option<Self> { $name::from_code(code) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u8(self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <u8 as serde::Deserialize>::deserialize(d)?;
                $name::from_code(code).ok_or_else(|| {
                    serde::de::Error::custom(format_args!(
                        "kode {code} bukan jumlah kode yang sah untuk {} (not a valid sum of codes for {})",
                        $question, $question
                    ))
                })
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::dtsen::mask::mask_schema::<$name>()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use code_mask;

/// An integer schema describing the bits (feature `openapi`).
#[cfg(feature = "openapi")]
pub fn mask_schema<T: CodeMask>() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let mut parts: Vec<String> = T::bits()
        .iter()
        .map(|(c, id, _)| format!("+{c} {id}"))
        .collect();
    if let Some((s, id, _)) = T::sentinel() {
        parts.push(format!("{s} = {id} (bukan bit / not a bit)"));
    }
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .maximum(Some(255))
        .description(Some(format!(
            "{} (bitmask): {}",
            T::QUESTION,
            parts.join("; ")
        )))
        .into()
}
