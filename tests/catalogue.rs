//! The message catalogues (`locales/*.ftl`) against each other and against
//! the code: both parse; every message and attribute is in both languages
//! with the same arguments; every id the code names (`msg!(lang, "id"…)`,
//! `text(lang, "id")`) is in both, and none is left unused; and the Chinese
//! messages hold no Latin words beyond the names a Chinese textbook keeps
//! too (`locales/zh-latin-allowed.txt`, shared with tests/zh_latin.rs).

use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LANGS: [&str; 2] = ["en", "zh"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn source(lang: &str) -> String {
    std::fs::read_to_string(root().join("locales").join(format!("{lang}.ftl"))).unwrap()
}

fn parse(lang: &str, src: &str) -> ast::Resource<String> {
    match fluent_syntax::parser::parse(src.to_string()) {
        Ok(r) => r,
        Err((_, errors)) => panic!("locales/{lang}.ftl does not parse: {errors:?}"),
    }
}

/// The variables a pattern uses, wherever they are (select, term call).
fn variables(p: &ast::Pattern<String>, out: &mut BTreeSet<String>) {
    fn inline(e: &ast::InlineExpression<String>, out: &mut BTreeSet<String>) {
        match e {
            ast::InlineExpression::VariableReference { id } => {
                out.insert(id.name.clone());
            }
            ast::InlineExpression::TermReference {
                arguments: Some(a), ..
            }
            | ast::InlineExpression::FunctionReference { arguments: a, .. } => {
                a.positional.iter().for_each(|e| inline(e, out));
                a.named.iter().for_each(|n| inline(&n.value, out));
            }
            ast::InlineExpression::Placeable { expression } => expr(expression, out),
            _ => {}
        }
    }
    fn expr(e: &ast::Expression<String>, out: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Inline(i) => inline(i, out),
            ast::Expression::Select {
                selector, variants, ..
            } => {
                inline(selector, out);
                variants.iter().for_each(|v| variables(&v.value, out));
            }
        }
    }
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expr(expression, out);
        }
    }
}

/// The words of a pattern as a reader sees them: text and string
/// literals; arguments, which the code fills, become a space.
fn words(p: &ast::Pattern<String>, out: &mut String) {
    fn expr(e: &ast::Expression<String>, out: &mut String) {
        match e {
            ast::Expression::Inline(ast::InlineExpression::StringLiteral { value }) => {
                out.push_str(value)
            }
            ast::Expression::Inline(ast::InlineExpression::Placeable { expression }) => {
                expr(expression, out)
            }
            ast::Expression::Inline(_) => out.push(' '),
            ast::Expression::Select { variants, .. } => {
                for v in variants {
                    out.push(' ');
                    words(&v.value, out);
                }
            }
        }
    }
    for el in &p.elements {
        match el {
            ast::PatternElement::TextElement { value } => out.push_str(value),
            ast::PatternElement::Placeable { expression } => expr(expression, out),
        }
    }
}

/// Each message and attribute (`id.attr`) with its variables and words.
/// Terms (`-bytes`) are private to a language, as Fluent means them.
fn messages(lang: &str) -> BTreeMap<String, (BTreeSet<String>, String)> {
    let res = parse(lang, &source(lang));
    let mut out = BTreeMap::new();
    for entry in &res.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut add = |id: String, p: &ast::Pattern<String>| {
                    let (mut vars, mut text) = (BTreeSet::new(), String::new());
                    variables(p, &mut vars);
                    words(p, &mut text);
                    assert!(
                        out.insert(id.clone(), (vars, text)).is_none(),
                        "locales/{lang}.ftl: {id} twice"
                    );
                };
                if let Some(p) = &m.value {
                    add(m.id.name.clone(), p);
                }
                for a in &m.attributes {
                    add(format!("{}.{}", m.id.name, a.id.name), &a.value);
                }
            }
            ast::Entry::Junk { content } => {
                panic!("locales/{lang}.ftl does not parse: {content}")
            }
            _ => {}
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The ids the code names as string literals: the second argument of
/// `msg!(`, `message(` and `text(`, wherever the first is a plain expression.
fn ids_in_code() -> BTreeMap<String, String> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    // The API itself, and its tests of unknown ids, name no real message.
    files.retain(|f| !f.starts_with(root().join("src/i18n")));
    let mut ids = BTreeMap::new();
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        for needle in ["msg!(", "message(", "text("] {
            for (at, _) in src.match_indices(needle) {
                let before = src[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &src[at + needle.len()..];
                let Some(comma) = rest.find([',', ')']) else {
                    continue;
                };
                let arg = rest[comma + 1..].trim_start();
                let Some(lit) = arg.strip_prefix('"') else {
                    continue;
                };
                let id = &lit[..lit.find('"').unwrap_or(0)];
                if !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    let name = f.strip_prefix(root()).unwrap().display().to_string();
                    ids.insert(id.to_string(), name);
                }
            }
        }
    }
    ids
}

fn allowed() -> BTreeSet<&'static str> {
    include_str!("../locales/zh-latin-allowed.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .collect()
}

/// Latin words in `text` outside the allow-list; numbers, hex and single
/// letters (tcpdump flags, answer letters) pass, and dotted or dashed
/// names (net.ipv4.tcp_rfc1337, TIME-WAIT) are checked part by part.
fn foreign_words(text: &str) -> BTreeSet<String> {
    let allowed = allowed();
    let mut bad = BTreeSet::new();
    for raw in text.split(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c))) {
        let w = raw.trim_matches(['-', '.', '_']);
        if w.len() <= 1 || !w.chars().any(|c| c.is_ascii_alphabetic()) || allowed.contains(w) {
            continue;
        }
        let ok = w.split(['.', '-']).filter(|p| !p.is_empty()).all(|p| {
            !p.chars().any(|c| c.is_ascii_alphabetic())
                || allowed.contains(p)
                || p.starts_with("0x")
                || p.chars().next().is_some_and(|c| c.is_ascii_digit())
        });
        if !ok {
            bad.insert(w.to_string());
        }
    }
    bad
}

#[test]
fn both_catalogues_have_the_same_messages_with_the_same_arguments() {
    let [en, zh] = LANGS.map(messages);
    assert!(en.len() > 100, "only {} messages in en.ftl", en.len());
    let only = |a: &BTreeMap<_, _>, b: &BTreeMap<_, _>| -> Vec<String> {
        a.keys().filter(|k| !b.contains_key(*k)).cloned().collect()
    };
    assert_eq!(
        only(&en, &zh),
        Vec::<String>::new(),
        "in en.ftl, not in zh.ftl"
    );
    assert_eq!(
        only(&zh, &en),
        Vec::<String>::new(),
        "in zh.ftl, not in en.ftl"
    );
    let differ: Vec<String> = en
        .iter()
        .filter(|(id, (vars, _))| zh[*id].0 != *vars)
        .map(|(id, (vars, _))| format!("{id}: en {vars:?}, zh {:?}", zh[id].0))
        .collect();
    assert!(
        differ.is_empty(),
        "arguments differ:\n{}",
        differ.join("\n")
    );
}

#[test]
fn every_id_the_code_names_is_in_both_catalogues_and_every_message_is_used() {
    let code = ids_in_code();
    assert!(code.len() > 100, "found only {} ids in src/", code.len());
    for lang in LANGS {
        let cat = messages(lang);
        let missing: Vec<String> = code
            .iter()
            .filter(|(id, _)| !cat.contains_key(*id))
            .map(|(id, file)| format!("{id} ({file})"))
            .collect();
        assert!(
            missing.is_empty(),
            "named in code, missing from locales/{lang}.ftl: {missing:?}"
        );
        let unused: Vec<&String> = cat.keys().filter(|id| !code.contains_key(*id)).collect();
        assert!(
            unused.is_empty(),
            "in locales/{lang}.ftl, used nowhere: {unused:?}"
        );
    }
}

#[test]
fn chinese_messages_hold_no_english_words() {
    let mut failures = Vec::new();
    for (id, (_, text)) in messages("zh") {
        let bad = foreign_words(&text);
        if !bad.is_empty() {
            failures.push(format!("{id}: {bad:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "English in zh.ftl:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_checkers_catch_what_they_are_for() {
    assert_eq!(
        foreign_words("write() 5 bytes，RTO timer fires"),
        ["bytes", "fires", "timer"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    assert!(foreign_words("net.ipv4.tcp_rfc1337 = 0，TIME-WAIT，0x0012，60 s").is_empty());
    let res = parse("test", "a = { $n ->\n    [one] x\n   *[other] { $m }\n}\n");
    let ast::Entry::Message(m) = &res.body[0] else {
        panic!("not a message")
    };
    let mut vars = BTreeSet::new();
    variables(m.value.as_ref().unwrap(), &mut vars);
    assert_eq!(vars, ["m", "n"].iter().map(|s| s.to_string()).collect());
    let r = std::panic::catch_unwind(|| parse("test", "a = {"));
    assert!(r.is_err(), "a broken catalogue must fail the test");
}

#[test]
fn plurals_come_from_fluent() {
    use synack::i18n::{Lang, Value, message};
    let bytes = |n: u32| message(Lang::En, "fields-bytes", &[("n", Value::from(n))]);
    assert_eq!(bytes(1), "1 byte");
    assert_eq!(bytes(2), "2 bytes");
}
