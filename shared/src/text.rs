//! The one bilingual text idea: a [`Text`] holds the Bahasa Indonesia and the English form of the
//! same sentence or label, and [`Localized`] is implemented by everything that has one (code
//! lists, validation findings, errors). People read Indonesian first; English is the second
//! language. The app's table, the CLI and the dashboard all pick a language through
//! [`Text::get`], so there is one way to say "this, in that language".

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Lang;

/// A text in both languages. Static pairs cost nothing ([`Text::new`] is `const`); formatted
/// messages own their strings ([`Text::owned`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Text {
    /// Bahasa Indonesia.
    pub id: Cow<'static, str>,
    /// English.
    pub en: Cow<'static, str>,
}

impl Text {
    /// A text from two static strings.
    pub const fn new(id: &'static str, en: &'static str) -> Self {
        Self {
            id: Cow::Borrowed(id),
            en: Cow::Borrowed(en),
        }
    }

    /// A text from two formatted strings.
    pub fn owned(id: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            id: Cow::Owned(id.into()),
            en: Cow::Owned(en.into()),
        }
    }

    /// The text in the asked language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }

    /// Both languages in one line, Indonesian first: `"Wajib diisi (Required)"`. For places that
    /// cannot know the reader's language (logs of a server, CSV row errors).
    pub fn both(&self) -> String {
        if self.id == self.en {
            self.id.to_string()
        } else {
            format!("{} ({})", self.id, self.en)
        }
    }

    /// This text with `f` applied to both languages (e.g. a prefix or a suffix).
    #[must_use]
    pub fn map(self, f: impl Fn(&str) -> String) -> Self {
        Self::owned(f(&self.id), f(&self.en))
    }
}

impl fmt::Display for Text {
    /// Indonesian, the people's first language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

/// Anything people read in either language.
pub trait Localized {
    /// The text in both languages.
    fn text(&self) -> Text;

    /// The text in the asked language.
    fn in_lang(&self, lang: Lang) -> String {
        self.text().get(lang).to_string()
    }
}

impl Localized for Text {
    fn text(&self) -> Text {
        self.clone()
    }
}

/// The static pair in the asked language: for UI code that keeps `(id, en)` literals inline.
pub const fn pick(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// One of two borrowed strings, by language: for types that keep both (e.g. a finding's
/// `message` and `message_en`).
pub fn pick_ref<'a>(lang: Lang, id: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_language_and_keeps_indonesian_first() {
        let t = Text::new("Wajib diisi", "Required");
        assert_eq!(t.get(Lang::Id), "Wajib diisi");
        assert_eq!(t.get(Lang::En), "Required");
        assert_eq!(t.both(), "Wajib diisi (Required)");
        assert_eq!(t.to_string(), "Wajib diisi");
        assert_eq!(Text::new("KTP", "KTP").both(), "KTP");
        let m = t.map(|s| format!("{s}!"));
        assert_eq!(
            (m.get(Lang::Id), m.get(Lang::En)),
            ("Wajib diisi!", "Required!")
        );
        assert_eq!(pick(Lang::En, "Ya", "Yes"), "Yes");
    }
}
