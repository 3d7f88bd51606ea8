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
use fluent_bundle::types::FluentNumber;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast;
use foldhash::HashMap;
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
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

/// One language's bundle, and two faster forms of its messages:
/// `inspect --json` explains every segment of a capture, and Fluent's
/// general resolver (argument maps, a mutex around the plural rules,
/// numbers printed through f64) made that twice as slow.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    /// The text of each message that takes no arguments, formatted once.
    fixed: HashMap<String, String>,
    /// Messages made only of text, variables and selects on a variable,
    /// which is all the catalogues use; others go through the bundle.
    compiled: HashMap<String, Vec<Piece>>,
    /// The language's CLDR plural rules, the ones the bundle uses.
    plurals: Option<PluralRules>,
}

/// A piece of a compiled message.
enum Piece {
    Text(Box<str>),
    Var(Box<str>),
    /// `{ $var -> [key] ... *[default] ... }`.
    Select {
        var: Box<str>,
        variants: Vec<(Key, Vec<Piece>)>,
        default: usize,
    },
}

enum Key {
    /// A plural category (`one`, `other`) or a string to equal.
    Name(Box<str>),
    Number(FluentNumber),
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
            ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect();
    let langid: LanguageIdentifier = tag.parse().unwrap_or_default();
    let plurals = plural_rules(&langid);
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Unicode isolation marks around arguments would change every output
    // byte for byte and mean nothing in a terminal.
    bundle.set_use_isolating(false);
    let _ = bundle.add_resource(resource);
    let mut fixed = HashMap::default();
    let mut compiled = HashMap::default();
    for id in ids {
        let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
            continue;
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, None, &mut errors);
        // A message that needs an argument fails without one: not fixed.
        if errors.is_empty() {
            let text = text.into_owned();
            fixed.insert(id.clone(), text);
        }
        if let Some(pieces) = compile(pattern) {
            compiled.insert(id, pieces);
        }
    }
    Catalogue {
        bundle,
        fixed,
        compiled,
        plurals,
    }
}

/// The cardinal plural rules for `langid`, chosen as fluent-bundle chooses
/// them (its own choice is private): the closest locale that has rules.
fn plural_rules(langid: &LanguageIdentifier) -> Option<PluralRules> {
    let en: LanguageIdentifier = "en".parse().ok()?;
    let available = PluralRules::get_locales(PluralRuleType::CARDINAL);
    let chosen = fluent_langneg::negotiate_languages(
        std::slice::from_ref(langid),
        &available,
        Some(&en),
        fluent_langneg::NegotiationStrategy::Lookup,
    );
    PluralRules::create((*chosen.first()?).clone(), PluralRuleType::CARDINAL).ok()
}

/// `pattern` as pieces, or None if it uses more of Fluent than text,
/// string literals, variables and selects on a variable.
fn compile(pattern: &ast::Pattern<&str>) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    for el in &pattern.elements {
        out.push(match el {
            ast::PatternElement::TextElement { value } => Piece::Text((*value).into()),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(ast::InlineExpression::StringLiteral { value }) => {
                    Piece::Text(fluent_syntax::unicode::unescape_unicode_to_string(value).into())
                }
                ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => {
                    Piece::Var(id.name.into())
                }
                ast::Expression::Select {
                    selector: ast::InlineExpression::VariableReference { id },
                    variants,
                } => {
                    let mut compiled = Vec::new();
                    for v in variants {
                        let key = match &v.key {
                            ast::VariantKey::Identifier { name } => Key::Name((*name).into()),
                            ast::VariantKey::NumberLiteral { value } => {
                                Key::Number(value.parse().ok()?)
                            }
                        };
                        compiled.push((key, compile(&v.value)?));
                    }
                    Piece::Select {
                        var: id.name.into(),
                        default: variants.iter().position(|v| v.default)?,
                        variants: compiled,
                    }
                }
                _ => return None,
            },
        });
    }
    Some(out)
}

fn category(name: &str) -> Option<PluralCategory> {
    Some(match name {
        "zero" => PluralCategory::ZERO,
        "one" => PluralCategory::ONE,
        "two" => PluralCategory::TWO,
        "few" => PluralCategory::FEW,
        "many" => PluralCategory::MANY,
        "other" => PluralCategory::OTHER,
        _ => return None,
    })
}

/// Writes `pieces` as Fluent would (same variant matching: a string
/// equals a name, a number equals a number key or falls in its plural
/// category); None where only Fluent knows (a missing argument, a value
/// that is neither a string nor a number).
fn render(
    pieces: &[Piece],
    args: &[(&str, Value)],
    plurals: Option<&PluralRules>,
    out: &mut String,
) -> Option<()> {
    let arg = |name: &str| args.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(name) => match arg(name)? {
                Value::String(s) => out.push_str(s),
                Value::Number(n) => push_number(n, out),
                _ => return None,
            },
            Piece::Select {
                var,
                variants,
                default,
            } => {
                let value = arg(var)?;
                let chosen = variants.iter().position(|(key, _)| match (key, value) {
                    (Key::Name(k), Value::String(s)) => **k == **s,
                    (Key::Number(k), Value::Number(n)) => k == n,
                    (Key::Name(k), Value::Number(n)) => {
                        let cat = category(k);
                        cat.is_some() && plurals.and_then(|p| plural(p, n)) == cat
                    }
                    _ => false,
                });
                render(&variants[chosen.unwrap_or(*default)].1, args, plurals, out)?;
            }
        }
    }
    Some(())
}

/// The plural category of `n`, as Fluent finds it; a whole number goes
/// to the rules as an integer rather than through its decimal string.
fn plural(rules: &PluralRules, n: &FluentNumber) -> Option<PluralCategory> {
    match whole(n) {
        Some(i) => rules.select(i).ok(),
        None => rules.select(n).ok(),
    }
}

/// `n` as an integer when printing it as one is exact and Fluent would
/// print it the same way (no fraction digits asked for).
fn whole(n: &FluentNumber) -> Option<u64> {
    let v = n.value;
    (n.options.minimum_fraction_digits.is_none()
        && v.fract() == 0.0
        && (0.0..9_007_199_254_740_992.0).contains(&v))
    .then_some(v as u64)
}

/// A number as Fluent prints it (its f64's shortest form); whole numbers,
/// which are all synack passes, without going through floating point.
fn push_number(n: &FluentNumber, out: &mut String) {
    match whole(n) {
        Some(i) => out.push_str(itoa::Buffer::new().format(i)),
        None => out.push_str(&n.as_string()),
    }
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
    if let Some(pieces) = cat.compiled.get(id) {
        let mut out = String::with_capacity(160);
        if render(pieces, args, cat.plurals.as_ref(), &mut out).is_some() {
            return out;
        }
    }
    fluent(cat, id, args)
}

/// Message `id` formatted by Fluent's own resolver.
fn fluent(cat: &Catalogue, id: &str, args: &[(&str, Value)]) -> String {
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

    /// The variables a compiled message reads.
    fn vars(pieces: &[Piece], out: &mut Vec<String>) {
        for p in pieces {
            match p {
                Piece::Text(_) => {}
                Piece::Var(v) => out.push(v.to_string()),
                Piece::Select { var, variants, .. } => {
                    out.push(var.to_string());
                    variants.iter().for_each(|(_, p)| vars(p, out));
                }
            }
        }
    }

    #[test]
    fn the_fast_path_writes_what_fluent_writes_for_every_message() {
        let samples: Vec<Value> = vec![
            0u32.into(),
            1u32.into(),
            2u32.into(),
            21u32.into(),
            4_294_967_295u32.into(),
            1.5f64.into(),
            "yes".into(),
            "no".into(),
            "客户端".into(),
        ];
        for lang in [Lang::En, Lang::Zh] {
            let cat = catalogue(lang);
            assert!(cat.compiled.len() > 100, "{lang:?}: most messages compile");
            for (id, pieces) in &cat.compiled {
                let mut names = Vec::new();
                vars(pieces, &mut names);
                names.sort();
                names.dedup();
                for (i, v) in samples.iter().enumerate() {
                    // All arguments the same, then each a different sample.
                    for mixed in [false, true] {
                        let args: Vec<(&str, Value)> = names
                            .iter()
                            .enumerate()
                            .map(|(k, n)| {
                                let v = if mixed {
                                    samples[(i + k) % samples.len()].clone()
                                } else {
                                    v.clone()
                                };
                                (n.as_str(), v)
                            })
                            .collect();
                        let mut fast = String::new();
                        render(pieces, &args, cat.plurals.as_ref(), &mut fast).unwrap();
                        assert_eq!(fast, fluent(cat, id, &args), "{lang:?} {id} {args:?}");
                    }
                }
            }
        }
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
