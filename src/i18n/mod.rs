//! The languages synack speaks and its message catalogues.
//!
//! The words live in Project Fluent files (`locales/en.ftl`,
//! `locales/zh.ftl`), built into the binary; code elsewhere keeps the rules
//! and names a message by its id with its arguments:
//!
//! ```ignore
//! msg!(lang, "calls-readable", n = v.readable)
//! ```
//!
//! Plural forms ("1 byte" / "2 bytes") are chosen by Fluent from the
//! language's CLDR plural rules, and the choice of language from a POSIX
//! locale is CLDR's too (`fluent-langneg`). This module depends on nothing
//! else in the crate, so every layer can use it.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::collections::HashMap;
use std::sync::OnceLock;
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::FluentValue as Value;

/// The language of explanations and labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// The catalogues, in the order of `Lang`'s variants.
const SOURCES: [(Lang, &str, &str); 2] = [
    (Lang::En, "en-US", include_str!("../../locales/en.ftl")),
    (Lang::Zh, "zh-Hans", include_str!("../../locales/zh.ftl")),
];

impl Lang {
    /// From the environment, as gettext looks: LC_ALL, then LC_MESSAGES,
    /// then LANG. The texts are Simplified Chinese only, so a locale gets
    /// them when CLDR's likely script for it is Hans (zh, zh_CN, zh_SG);
    /// Traditional locales (zh_TW, zh_HK, zh_MO, zh-Hant) get English
    /// unless `--lang zh` asks otherwise.
    pub fn from_env() -> Lang {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| get(k).filter(|v| !v.is_empty()));
        value.map_or(Lang::En, |v| negotiate(&v))
    }

    pub fn toggle(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// The BCP 47 tag of the catalogue ("en-US", "zh-Hans").
    pub fn tag(self) -> &'static str {
        SOURCES[self as usize].1
    }
}

/// The catalogue language for a POSIX locale such as `zh_CN.UTF-8` or
/// `sr_RS@latin`: the codeset and modifier say nothing about the language,
/// and what is left is a language tag with `_` for `-`. "C", "POSIX" and
/// anything unparsable are English.
fn negotiate(locale: &str) -> Lang {
    let name = locale.split(['.', '@']).next().unwrap_or("");
    let Ok(requested) = name.replace('_', "-").parse::<LanguageIdentifier>() else {
        return Lang::En;
    };
    let available: Vec<LanguageIdentifier> = SOURCES
        .iter()
        .filter_map(|(_, tag, _)| tag.parse().ok())
        .collect();
    let chosen = fluent_langneg::negotiate_languages(
        &[requested],
        &available,
        None,
        fluent_langneg::NegotiationStrategy::Lookup,
    );
    match chosen.first() {
        Some(id) if id.language.as_str() == "zh" => Lang::Zh,
        _ => Lang::En,
    }
}

/// One language's bundle, and the text of each message that takes no
/// arguments, formatted once: most labels are fixed, and formatting them
/// again for every segment of a large capture would cost for nothing.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    fixed: HashMap<String, String>,
}

fn catalogue(lang: Lang) -> &'static Catalogue {
    static CATALOGUES: [OnceLock<Catalogue>; 2] = [OnceLock::new(), OnceLock::new()];
    CATALOGUES[lang as usize].get_or_init(|| load(lang))
}

fn load(lang: Lang) -> Catalogue {
    let (_, tag, source) = SOURCES[lang as usize];
    // The catalogues are part of the program, and tests/catalogue.rs parses
    // them: an error here is a build that must not ship, so it is kept to
    // the messages that did parse rather than stopping the program.
    let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(res, _)| res);
    let ids: Vec<String> = resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect();
    let mut bundle = FluentBundle::new_concurrent(vec![tag.parse().unwrap_or_default()]);
    // Unicode isolation marks around arguments would change every output
    // byte for byte and mean nothing in a terminal.
    bundle.set_use_isolating(false);
    let _ = bundle.add_resource(resource);
    let mut fixed = HashMap::new();
    for id in ids {
        let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
            continue;
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, None, &mut errors);
        // A message that needs an argument fails without one: not fixed.
        if errors.is_empty() {
            let text = text.into_owned();
            fixed.insert(id, text);
        }
    }
    Catalogue { bundle, fixed }
}

/// The text of a message that takes no arguments. An unknown id (which
/// tests/catalogue.rs rules out) comes back as itself.
pub fn text(lang: Lang, id: &'static str) -> &'static str {
    catalogue(lang).fixed.get(id).map_or(id, String::as_str)
}

/// The text of message `id` with its arguments (use [`msg!`] for named
/// arguments). An unknown id comes back as itself.
pub fn message(lang: Lang, id: &str, args: &[(&str, Value)]) -> String {
    let cat = catalogue(lang);
    if args.is_empty()
        && let Some(t) = cat.fixed.get(id)
    {
        return t.clone();
    }
    let Some(pattern) = cat.bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fargs = FluentArgs::with_capacity(args.len());
    for (k, v) in args {
        fargs.set(*k, v.clone());
    }
    let mut errors = Vec::new();
    let out = cat
        .bundle
        .format_pattern(pattern, Some(&fargs), &mut errors)
        .into_owned();
    debug_assert!(errors.is_empty(), "{id}: {errors:?}");
    out
}

/// `msg!(lang, "id", name = value, ...)`: message `id` in `lang`, each
/// value turned into a Fluent value (numbers take part in plural rules).
macro_rules! msg {
    ($lang:expr, $id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::i18n::message(
            $lang,
            $id,
            &[$((stringify!($k), $crate::i18n::Value::from($v))),*],
        )
    };
}
pub(crate) use msg;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_forms_come_from_the_language_rules() {
        assert_eq!(msg!(Lang::En, "fields-bytes", n = 1u32), "1 byte");
        assert_eq!(msg!(Lang::En, "fields-bytes", n = 2u32), "2 bytes");
        assert_eq!(msg!(Lang::En, "fields-bytes", n = 0u32), "0 bytes");
        assert_eq!(msg!(Lang::Zh, "fields-bytes", n = 1u32), "1 字节");
        assert_eq!(msg!(Lang::Zh, "fields-bytes", n = 2u32), "2 字节");
    }

    #[test]
    fn arguments_are_not_isolated_and_numbers_print_as_integers() {
        let s = msg!(
            Lang::En,
            "calls-returns",
            call = "read()",
            n = 4_294_967_295u32
        );
        assert_eq!(s, "read() returns 4294967295");
        assert_eq!(text(Lang::Zh, "side-client"), "客户端");
        assert_eq!(text(Lang::En, "sentence-separator"), " ");
        assert_eq!(text(Lang::Zh, "sentence-separator"), "");
    }

    #[test]
    fn an_unknown_id_is_shown_as_itself_not_a_panic() {
        assert_eq!(text(Lang::En, "no-such-message"), "no-such-message");
        assert_eq!(message(Lang::Zh, "no-such-message", &[]), "no-such-message");
    }

    #[test]
    fn language_comes_from_the_environment_like_gettext() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_vars(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_vars(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])),
            Lang::En,
            "LC_ALL wins"
        );
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", ""), ("LANG", "zh_SG")])),
            Lang::Zh,
            "an empty LC_ALL does not count"
        );
        for traditional in [
            "zh_TW.UTF-8",
            "zh_HK",
            "zh_MO.Big5",
            "zh-Hant",
            "zh_Hant_TW",
        ] {
            assert_eq!(
                Lang::from_vars(|k| (k == "LANG").then(|| traditional.to_string())),
                Lang::En,
                "{traditional} must not silently get Simplified text"
            );
        }
        assert_eq!(Lang::from_vars(env(&[("LANG", "zh")])), Lang::Zh);
        assert_eq!(Lang::from_vars(env(&[("LANG", "zh_CN@pinyin")])), Lang::Zh);
        assert_eq!(Lang::from_vars(env(&[("LANG", "zu_ZA")])), Lang::En);
        assert_eq!(Lang::from_vars(env(&[("LANG", "POSIX")])), Lang::En);
        assert_eq!(Lang::from_vars(env(&[("LANG", "???")])), Lang::En);
        assert_eq!(Lang::from_vars(env(&[])), Lang::En);
        assert_eq!(Lang::En.toggle(), Lang::Zh);
    }
}
