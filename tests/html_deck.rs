//! `--format html`: the slide deck. Its structure is checked without a
//! browser; then a real headless Chromium opens it (`#step=5`, keys, print,
//! a screenshot). Without Chromium those tests say SKIP and pass.

mod common;
use common::stdout_of as synack;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use synack::explain::Lang;
use synack::view::html::{self, HtmlOptions};

const HOSTILE: &str = "</script><script>alert(1)</script>";
const PWN: &str = "</script><script>document.body.setAttribute('data-pwned','1')</script><!--";

/// The JSON blob inside a deck, parsed.
fn blob(deck: &str) -> Value {
    let open = r#"<script type="application/json" id="deck-data">"#;
    let start = deck.find(open).expect("the deck holds its data") + open.len();
    let end = start + deck[start..].find("</script>").expect("closed");
    serde_json::from_str(&deck[start..end]).expect("the data is JSON")
}

fn ndjson(args: &[&str]) -> Vec<Value> {
    synack(args)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_scenario_deck_is_one_file_that_loads_nothing() {
    for scenario in synack::source::scenario::NAMES {
        let deck = synack(&["simulate", scenario, "--format", "html"]);
        assert!(deck.starts_with("<!DOCTYPE html>"), "{scenario}");
        assert!(deck.trim_end().ends_with("</html>"), "{scenario}");
        let lower = deck.to_lowercase();
        for banned in [
            "http://",
            "https://",
            "src=",
            "href=",
            "<link",
            "@import",
            "url(",
            "@font-face",
            "<iframe",
            "<img",
        ] {
            assert!(!lower.contains(banned), "{scenario}: holds {banned}");
        }
        assert_eq!(lower.matches("<script").count(), 2, "{scenario}");
        assert_eq!(lower.matches("</script>").count(), 2, "{scenario}");
        // Small: no font or library is embedded.
        assert!(deck.len() < 200_000, "{scenario}: {} bytes", deck.len());
    }
}

#[test]
fn deck_holds_every_step_in_both_languages() {
    for scenario in ["handshake", "syn-lost", "simultaneous-open", "abort"] {
        let deck = blob(&synack(&["simulate", scenario, "--format", "html"]));
        let en = ndjson(&["--lang", "en", "simulate", scenario, "--json"]);
        let zh = ndjson(&["--lang", "zh", "simulate", scenario, "--json"]);
        let steps = deck["steps"].as_array().unwrap();
        assert_eq!(steps.len(), en.len(), "{scenario}");
        assert_eq!(deck["langs"], serde_json::json!(["en", "zh"]));
        for (i, ((s, e), z)) in steps.iter().zip(&en).zip(&zh).enumerate() {
            assert_eq!(s["explanation"]["en"], e["explanation"], "{scenario} {i}");
            assert_eq!(s["explanation"]["zh"], z["explanation"], "{scenario} {i}");
            assert_eq!(s["layers"]["en"], e["layers"], "{scenario} {i}");
            assert_eq!(s["layers"]["zh"], z["layers"], "{scenario} {i}");
            assert_eq!(s["calls"]["en"][0], e["calls"]["client"], "{scenario} {i}");
            assert_eq!(s["calls"]["zh"][1], z["calls"]["server"], "{scenario} {i}");
            assert_eq!(s["after"][0], e["state"]["client"], "{scenario} {i}");
            assert_eq!(s["after"][1], e["state"]["server"], "{scenario} {i}");
            assert_eq!(
                s["before"][1], e["state_before"]["server"],
                "{scenario} {i}"
            );
            assert_eq!(s["node"][1], e["node_event"]["server"], "{scenario} {i}");
            let label = s["label"]["en"].as_str().unwrap_or("");
            assert!(!label.is_empty(), "{scenario} {i}: no label");
            if e["kind"] == "segment" {
                let flags = e["flags"].as_array().unwrap();
                assert_eq!(label.contains("[S"), flags.iter().any(|f| f == "SYN"));
                assert!(label.contains(&format!("seq={}", e["seq"])), "{label}");
            }
        }
    }
}

#[test]
fn lang_picks_the_language_the_deck_opens_in() {
    let deck = synack(&["--lang", "zh", "simulate", "handshake", "--format", "html"]);
    assert!(deck.contains(r#"<html lang="zh">"#));
    let data = blob(&deck);
    assert_eq!(data["lang"], "zh");
    assert_eq!(data["langs"], serde_json::json!(["zh", "en"]));
    let deck = synack(&["--lang", "en", "simulate", "handshake", "--format", "html"]);
    assert!(deck.contains(r#"<html lang="en">"#));
    let data = blob(&deck);
    assert_eq!(data["lang"], "en");
    // A scenario's title is in both languages too.
    let sc = synack::source::scenario::get("handshake").unwrap();
    assert_eq!(data["title"]["en"], sc.summary);
    assert_eq!(data["title"]["zh"], sc.summary_zh);
}

#[test]
fn one_language_only_embeds_no_other() {
    let tl = common::timeline("handshake");
    let data = html::deck_data(
        &tl,
        &HtmlOptions {
            only_stream: None,
            lang: Lang::En,
            both_languages: false,
            titles: None,
        },
    );
    assert_eq!(data["langs"], serde_json::json!(["en"]));
    assert!(data["ui"].get("zh").is_none());
    for s in data["steps"].as_array().unwrap() {
        assert!(s["explanation"].get("zh").is_none());
        assert!(s["explanation"]["en"].is_string());
    }
}

/// A deck whose capture-derived text tries to close the data element and run
/// script: in the explanation, the ladder label, the title and an address.
fn hostile_deck(payload: &str) -> String {
    let tl = common::timeline("handshake");
    let mut data = html::deck_data(
        &tl,
        &HtmlOptions {
            only_stream: None,
            lang: Lang::En,
            both_languages: true,
            titles: None,
        },
    );
    data["source"] = payload.into();
    data["title"] = payload.into();
    data["streams"][0][0] = payload.into();
    for s in data["steps"].as_array_mut().unwrap() {
        s["explanation"]["en"] = format!("before {payload} after").into();
        s["label"]["en"] = payload.into();
        s["layers"]["en"][0] = payload.into();
    }
    html::page(&data)
}

#[test]
fn hostile_text_cannot_close_the_script_or_inject_markup() {
    let deck = hostile_deck(HOSTILE);
    assert!(!deck.contains("<script>alert"), "injected script survived");
    assert_eq!(deck.matches("</script>").count(), 2);
    assert!(!deck.contains("<!--"));
    let open = r#"id="deck-data">"#;
    let start = deck.find(open).unwrap() + open.len();
    let inside = &deck[start..start + deck[start..].find("</script>").unwrap()];
    assert!(
        !inside.contains(['<', '>', '&']),
        "raw markup characters in the data"
    );
    // Escaped, not dropped: the data still says exactly what it was given.
    let data = blob(&deck);
    assert_eq!(data["title"], HOSTILE);
    assert_eq!(
        data["steps"][4]["explanation"]["en"],
        format!("before {HOSTILE} after")
    );
    assert!(
        deck.contains(
            "<title>synack - &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>"
        )
    );
}

#[test]
fn inspect_makes_decks_of_a_file_and_of_one_stream() {
    let file = "captures/sim-handshake.pcap";
    let all = blob(&synack(&["inspect", file, "--format", "html"]));
    let steps = ndjson(&["inspect", file, "--json"]);
    assert_eq!(all["steps"].as_array().unwrap().len(), steps.len());
    assert_eq!(all["streams"][0][0], "192.0.2.1:50000");
    let one = blob(&synack(&[
        "inspect", file, "--stream", "0", "--format", "html",
    ]));
    assert_eq!(one["steps"], all["steps"]);

    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["inspect", file, "--stream", "7", "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("no stream 7"), "{err}");
}

#[test]
fn live_auto_makes_a_deck_with_the_kernel_states() {
    if synack::source::kernel::sniffer::RawSocket::open("lo").is_err() {
        eprintln!("SKIP: live --auto needs CAP_NET_RAW (run as root)");
        return;
    }
    let deck = synack(&["live", "--auto", "--format", "html"]);
    let data = blob(&deck);
    let steps = data["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| {
        s["label"]["en"]
            .as_str()
            .is_some_and(|l| l.starts_with("[S]"))
    }));
    assert!(steps.iter().any(|s| s["kernel"].is_array()));
    assert!(!deck.contains("http://") && !deck.contains("https://"));
    // The kernel's own changes, as the NDJSON has them, on the step that
    // made them (only when the tracepoints could be read).
    let json = ndjson(&["live", "--auto", "--json"]);
    if json.iter().any(|s| s["kernel_transitions"].is_array()) {
        let changes: Vec<&str> = steps
            .iter()
            .flat_map(|s| s["kernel_changes"].as_array().into_iter().flatten())
            .filter_map(|c| c["en"].as_str())
            .collect();
        assert!(
            changes
                .iter()
                .any(|c| c.starts_with("server (connection socket): LISTEN → SYN_RECEIVED at ")),
            "{changes:?}"
        );
        assert!(
            changes
                .iter()
                .any(|c| c.starts_with("client (connection socket): CLOSED → SYN_SENT")),
            "{changes:?}"
        );
        let zh: Vec<&str> = steps
            .iter()
            .flat_map(|s| s["kernel_changes"].as_array().into_iter().flatten())
            .filter_map(|c| c["zh"].as_str())
            .collect();
        assert!(
            zh.iter()
                .any(|c| c.starts_with("服务端（连接套接字）：LISTEN → SYN_RECEIVED")),
            "{zh:?}"
        );
    } else {
        eprintln!("SKIP (kernel changes): tracefs not available here");
    }
}

// ---- in a real browser ----

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    eprintln!(
        "SKIP: chromium is not installed (apt-get install chromium); the deck was not opened in a browser"
    );
    None
}

/// A fresh directory for one test's files and Chromium profile.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-html-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Headless Chromium with everything that would reach the network off.
fn run_chromium(bin: &Path, dir: &Path, args: &[String]) -> Output {
    let profile = dir.join("profile");
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut b);
        b
    });
    let err_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut b);
        b
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in 120 s: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

fn url(path: &Path, fragment: &str) -> String {
    format!("file://{}{fragment}", path.display())
}

/// The DOM as Chromium has it after the scripts ran, entities decoded so
/// that text compares as the page shows it.
fn dump_dom(bin: &Path, dir: &Path, page: &Path, fragment: &str) -> String {
    let out = run_chromium(bin, dir, &["--dump-dom".into(), url(page, fragment)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn write_deck(dir: &Path, name: &str, deck: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, deck).unwrap();
    path
}

#[test]
fn chromium_opens_step_5_from_the_url_and_hides_step_6() {
    let Some(bin) = chromium() else { return };
    let dir = scratch("step5");
    let deck = write_deck(
        &dir,
        "deck.html",
        &synack(&["--lang", "en", "simulate", "handshake", "--format", "html"]),
    );
    let steps = ndjson(&["--lang", "en", "simulate", "handshake", "--json"]);
    let data = blob(&std::fs::read_to_string(&deck).unwrap());
    let dom = dump_dom(&bin, &dir, &deck, "#step=5");
    let text = |i: usize| steps[i]["explanation"].as_str().unwrap().to_string();
    let label = |i: usize| {
        data["steps"][i]["label"]["en"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(dom.contains(&text(4)), "step 5's explanation is not shown");
    assert!(
        !dom.contains(&text(5)),
        "step 6's explanation is in the page"
    );
    assert!(dom.contains(r#"<span id="counter">5 / 21</span>"#));
    assert!(dom.contains(r#"class="row cur" data-step="5""#));
    assert!(
        dom.contains(&format!(r#">{}</div>"#, label(4))),
        "step 5's label"
    );
    assert!(
        !dom.contains(r#"data-step="6""#),
        "step 6's row is in the page"
    );
    assert!(
        !dom.contains(&format!(r#">{}</div>"#, label(5))),
        "step 6's label"
    );
    // The rows before it are there, with their states.
    for i in 1..=4 {
        assert!(dom.contains(&format!(r#"data-step="{i}""#)));
    }
    assert!(dom.contains(&label(2)));
    // Nothing after step 5 anywhere, not even in the data: it was read and
    // taken out of the document.
    assert!(!dom.contains(r#"id="deck-data""#));
    for i in 6..steps.len() {
        assert!(
            !dom.contains(&text(i)),
            "step {}'s text is in the page",
            i + 1
        );
    }
    // Out of range: the last step; nonsense: the first.
    let dom = dump_dom(&bin, &dir, &deck, "#step=999");
    assert!(dom.contains(&text(20)) && dom.contains(r#"data-step="21""#));
    let dom = dump_dom(&bin, &dir, &deck, "#step=abc");
    assert!(dom.contains(&text(0)) && !dom.contains(r#"data-step="2""#));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn chromium_steps_with_keys_and_updates_the_url() {
    let Some(bin) = chromium() else { return };
    let dir = scratch("keys");
    let deck = synack(&["--lang", "en", "simulate", "handshake", "--format", "html"]);
    let zh = ndjson(&["--lang", "zh", "simulate", "handshake", "--json"]);
    let en = ndjson(&["--lang", "en", "simulate", "handshake", "--json"]);
    // Key presses as a clicker or keyboard sends them, recorded in
    // attributes that --dump-dom shows (double quotes made single, so that
    // an attribute ends at the first `"`).
    let probe = r#"<script>
function key(k) { document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })); }
function rec(name, v) { document.body.setAttribute('data-' + name, String(v).replace(/"/g, "'")); }
key('PageDown'); key('PageDown'); key('ArrowRight');
rec('a', location.hash);
rec('b', document.querySelectorAll('[data-step]').length);
key('v');
rec('c', document.querySelectorAll('[data-step]').length);
rec('d', document.querySelectorAll('.row.future').length);
key('v');
key('l');
rec('e', document.querySelector('.expl').textContent);
rec('f', location.hash);
rec('n', document.getElementById('title').textContent);
key('l');
key('PageUp');
rec('g', location.hash);
key('End');
rec('h', location.hash);
key('Home');
rec('i', location.hash);
key('PageUp');
rec('j', location.hash);
key('b');
rec('k', document.body.classList.contains('blank'));
key('.');
rec('l', document.body.classList.contains('blank'));
document.getElementById('next').click();
rec('m', location.hash);
</script></body>"#;
    let page = write_deck(&dir, "keys.html", &deck.replacen("</body>", probe, 1));
    let dom = dump_dom(&bin, &dir, &page, "#step=2");
    let attr = |name: &str| {
        let key = format!(" data-{name}=\"");
        let start = dom.find(&key).unwrap_or_else(|| panic!("no data-{name}")) + key.len();
        dom[start..start + dom[start..].find('"').unwrap()].to_string()
    };
    assert_eq!(attr("a"), "#step=5");
    assert_eq!(attr("b"), "5", "rows after the current step are hidden");
    assert_eq!(attr("c"), "21", "v shows every row");
    assert_eq!(attr("d"), "16", "the rows not reached yet are dimmed");
    let expl = zh[4]["explanation"].as_str().unwrap().replace('"', "'");
    assert_eq!(attr("e"), expl);
    assert_eq!(attr("f"), "#step=5&lang=zh");
    let sc = synack::source::scenario::get("handshake").unwrap();
    let title = sc.summary_zh.replace('"', "'");
    assert_eq!(attr("n"), title, "the title follows the language");
    assert_eq!(attr("g"), "#step=4");
    assert_eq!(attr("h"), "#step=21");
    assert_eq!(attr("i"), "#step=1");
    assert_eq!(attr("j"), "#step=1", "no step before the first");
    assert_eq!(
        (attr("k"), attr("l")),
        ("true".into(), "false".into()),
        "b blanks"
    );
    assert_eq!(attr("m"), "#step=2", "the next button");
    // After 'v' twice and 'l' twice the page is as before: English.
    assert!(dom.contains(en[1]["explanation"].as_str().unwrap()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn chromium_shows_hostile_text_as_text() {
    let Some(bin) = chromium() else { return };
    let dir = scratch("hostile");
    let page = write_deck(&dir, "hostile.html", &hostile_deck(PWN));
    let dom = dump_dom(&bin, &dir, &page, "#step=5");
    assert!(
        !dom.contains(r#"data-pwned="1""#),
        "the injected script ran"
    );
    // Shown literally, where a capture's text would be.
    let shown = format!(r#"<p class="expl">before {PWN} after</p>"#);
    assert!(dom.contains(&shown), "the explanation is not shown as text");
    assert!(dom.contains(r#"class="row cur" data-step="5""#));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn chromium_prints_one_page_per_step() {
    let Some(bin) = chromium() else { return };
    let dir = scratch("print");
    let page = write_deck(
        &dir,
        "deck.html",
        &synack(&["simulate", "handshake", "--format", "html"]),
    );
    let pdf = dir.join("deck.pdf");
    let out = run_chromium(
        &bin,
        &dir,
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
            url(&page, ""),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).expect("chromium wrote the PDF");
    // Page objects are `/Type /Page` (the tree is `/Type /Pages`).
    let text = String::from_utf8_lossy(&bytes);
    let pages = text
        .match_indices("/Type")
        .filter(|(i, _)| {
            let rest = text[i + 5..].trim_start();
            rest.starts_with("/Page") && !rest.starts_with("/Pages")
        })
        .count();
    assert_eq!(pages, 21, "one page per step of the handshake");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn chromium_screenshot_of_step_5() {
    let Some(bin) = chromium() else { return };
    let dir = scratch("shot");
    let page = write_deck(
        &dir,
        "deck.html",
        &synack(&["simulate", "handshake", "--format", "html"]),
    );
    let png = dir.join("step5.png");
    let out = run_chromium(
        &bin,
        &dir,
        &[
            "--window-size=1280,800".into(),
            "--hide-scrollbars".into(),
            format!("--screenshot={}", png.display()),
            url(&page, "#step=5"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // IHDR: width and height, big-endian, at bytes 16..24.
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((w, h), (1280, 800));
    // A blank page compresses to a few kB; the ladder and text do not.
    assert!(
        bytes.len() > 20_000,
        "{} bytes: the page looks empty",
        bytes.len()
    );
    if let Ok(keep) = std::env::var("SYNACK_KEEP_SCREENSHOT") {
        let _ = std::fs::copy(&png, keep);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
