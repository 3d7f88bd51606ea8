//! The ladder as a slide deck in one self-contained HTML file, for a
//! projector: one step at a time, the rows after it hidden until reached,
//! the explanation, both states, the socket calls and the layers beside it.
//!
//! Everything a step shows is put into one JSON blob inside the page and the
//! visible page is built from it by a small inline script. Two reasons: the
//! rows not yet reached are then simply not in the document (a student
//! cannot read ahead, and `chromium --dump-dom` sees what the room sees), and
//! text from a capture only ever reaches the page through `textContent`,
//! never as markup, so a hostile capture cannot inject script.
//!
//! No URL at all appears in the file (no fonts, no scripts, not even an SVG
//! namespace): a classroom machine is often offline, and a file that loads
//! nothing cannot leak what the students look at.

use crate::explain::{self, Lang};
use crate::i18n::{msg, text};
use crate::timeline::{Side, StepKind, Timeline, state_name};
use crate::view::tui::ladder::{call_text_in, seg_labels_in, timer_text_in};
use serde_json::{Map, Value, json};

/// What to put into the deck.
#[derive(Clone, Copy, Debug)]
pub struct HtmlOptions {
    /// Only this connection.
    pub only_stream: Option<u32>,
    /// The language the deck opens in.
    pub lang: Lang,
    /// Embed the other language too, with a switch (`l`).
    pub both_languages: bool,
    /// The timeline's title in English and in Chinese, when the source has
    /// both (a scenario's summary); otherwise the timeline's own title is
    /// shown in every language.
    pub titles: Option<(&'static str, &'static str)>,
}

fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

/// `f(lang)` for every embedded language, keyed by language code.
fn per_lang<T: Into<Value>>(langs: &[Lang], f: impl Fn(Lang) -> T) -> Value {
    let mut m = Map::new();
    for &l in langs {
        m.insert(code(l).into(), f(l).into());
    }
    Value::Object(m)
}

fn opt(s: Option<impl Into<String>>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.into()))
}

/// The words of the page itself, in one language.
fn ui_words(lang: Lang) -> Value {
    json!({
        "step": text(lang, "html-step"), "of": text(lang, "html-of"),
        "client": text(lang, "side-client"), "server": text(lang, "side-server"),
        "before": text(lang, "html-before"), "after": text(lang, "html-after"),
        "kernel": text(lang, "html-kernel"),
        "kchanges": text(lang, "html-kernel-changes"),
        "states": text(lang, "html-states"), "calls": text(lang, "html-calls"),
        "node": text(lang, "html-node"), "layers": text(lang, "html-layers"),
        "none": text(lang, "html-none"), "lost": text(lang, "html-lost"),
        "stream": text(lang, "html-stream"),
        "newconn": text(lang, "html-new-connection"),
        "prev": text(lang, "html-prev"), "next": text(lang, "html-next"),
        "empty": text(lang, "html-empty"),
        "keys": msg!(lang, "html-keys", link = "#step=N"),
        "all": text(lang, "html-all-rows"), "colon": text(lang, "colon"),
    })
}

/// Everything the page shows, as one JSON value.
pub fn deck_data(tl: &Timeline, opts: &HtmlOptions) -> Value {
    let langs: Vec<Lang> = if opts.both_languages {
        vec![opts.lang, opts.lang.toggle()]
    } else {
        vec![opts.lang]
    };
    let steps: Vec<Value> = tl
        .steps
        .iter()
        .filter(|s| opts.only_stream.is_none_or(|n| n == s.stream))
        .map(|step| {
            let mut m = Map::new();
            m.insert(
                "kind".into(),
                json!(match step.kind {
                    StepKind::Segment => "segment",
                    StepKind::Call => "call",
                    StepKind::Timer => "timer",
                    StepKind::Datagram => "datagram",
                }),
            );
            m.insert("stream".into(), json!(step.stream));
            m.insert("time".into(), json!(format!("{:.3}", step.time)));
            m.insert("side".into(), json!(step.side.name()));
            m.insert(
                "before".into(),
                json!([
                    state_name(step.before.client),
                    state_name(step.before.server)
                ]),
            );
            m.insert(
                "after".into(),
                json!([state_name(step.after.client), state_name(step.after.server)]),
            );
            if let Some(k) = &step.kernel {
                m.insert(
                    "kernel".into(),
                    json!([state_name(k.client), state_name(k.server)]),
                );
            }
            if let Some(d) = &step.kernel_detail {
                // What the tracepoints saw during this step, as the NDJSON's
                // `kernel_transitions`, `kernel_events` and `kernel_note`.
                let lines: Vec<Value> = d
                    .transitions
                    .iter()
                    .map(|t| per_lang(&langs, |l| crate::explain::kernel::transition_in(t, l)))
                    .collect();
                m.insert("kernel_changes".into(), Value::Array(lines));
                m.insert("kernel_events".into(), json!(d.events));
                m.insert("kernel_note".into(), opt(d.note.clone()));
            }
            m.insert("call".into(), opt(step.call.map(|c| c.name())));
            let label = match step.kind {
                StepKind::Segment => step.segment.as_ref().map_or(Value::Null, |v| {
                    per_lang(&langs, |l| {
                        seg_labels_in(v, false, l)
                            .into_iter()
                            .next()
                            .unwrap_or_default()
                    })
                }),
                StepKind::Call => per_lang(&langs, |l| call_text_in(step, l)),
                StepKind::Datagram => step.datagram.as_ref().map_or(Value::Null, |v| {
                    per_lang(&langs, |l| msg!(l, "udp-datagram-label", n = v.len))
                }),
                StepKind::Timer => step
                    .timer
                    .as_ref()
                    .map_or(Value::Null, |t| per_lang(&langs, |l| timer_text_in(t, l))),
            };
            m.insert("label".into(), label);
            if let Some(v) = &step.segment {
                let f = v.seg.flags;
                let colour = if f.rst() {
                    "rst"
                } else if f.syn() {
                    "syn"
                } else if f.fin() {
                    "fin"
                } else {
                    "plain"
                };
                m.insert("colour".into(), json!(colour));
                m.insert("lost".into(), json!(v.lost));
                m.insert("src".into(), json!(v.src.to_string()));
                m.insert("dst".into(), json!(v.dst.to_string()));
                m.insert("frame".into(), json!(v.frame));
            }
            if let Some(v) = &step.datagram {
                // A UDP conversation: its own ends and word, no states.
                m.insert("colour".into(), json!("plain"));
                m.insert("lost".into(), json!(false));
                m.insert("src".into(), json!(v.src.to_string()));
                m.insert("dst".into(), json!(v.dst.to_string()));
                m.insert("frame".into(), json!(v.frame));
                let ends = v.ends();
                m.insert(
                    "ends".into(),
                    json!([ends.client.to_string(), ends.server.to_string()]),
                );
                m.insert("udp".into(), per_lang(&langs, |l| text(l, "udp-stream")));
                let none = per_lang(&langs, |l| text(l, "udp-no-state"));
                m.insert("before".into(), json!([none.clone(), none.clone()]));
                m.insert("after".into(), json!([none.clone(), none]));
            }
            m.insert(
                "calls".into(),
                per_lang(&langs, |l| {
                    let [c, s] = explain::side_calls_in(step, l);
                    json!([opt(c), opt(s)])
                }),
            );
            let [nc, ns] = explain::node_events(step);
            m.insert("node".into(), json!([opt(nc), opt(ns)]));
            m.insert(
                "layers".into(),
                per_lang(&langs, |l| json!(explain::layers_in(step, l))),
            );
            m.insert(
                "explanation".into(),
                per_lang(&langs, |l| explain::explain_in(step, l)),
            );
            Value::Object(m)
        })
        .collect();
    let streams: Vec<Value> = tl
        .streams
        .iter()
        .map(|s| json!([s.client.to_string(), s.server.to_string()]))
        .collect();
    let side_names = per_lang(&langs, |l| {
        json!([l.side(Side::Client), l.side(Side::Server)])
    });
    json!({
        "source": tl.source,
        "title": match opts.titles {
            Some((en, zh)) => per_lang(&langs, |l| match l {
                Lang::En => en,
                Lang::Zh => zh,
            }),
            None => json!(tl.title),
        },
        "lang": code(opts.lang),
        "langs": langs.iter().map(|&l| code(l)).collect::<Vec<_>>(),
        "ui": per_lang(&langs, ui_words),
        "sides": side_names,
        "streams": streams,
        "steps": steps,
    })
}

/// JSON that can sit inside `<script>`: `<`, `>` and `&` only ever occur in
/// JSON strings, where their `\u` escapes mean the same, so nothing in the
/// blob can close the element or open a comment.
fn script_safe_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The whole deck as one HTML document.
pub fn render(tl: &Timeline, opts: &HtmlOptions) -> String {
    page(&deck_data(tl, opts))
}

/// The page around deck data made by [`deck_data`] (apart so that tests can
/// put any text, a hostile one included, where a capture's text would go).
pub fn page(data: &Value) -> String {
    let text = |key: &str| data.get(key).and_then(Value::as_str).unwrap_or("");
    let title = esc(&format!("synack - {}", text("source")));
    let lang = if text("lang") == "zh" { "zh" } else { "en" };
    let data = script_safe_json(data);
    let mut out = String::with_capacity(data.len() + CSS.len() + SCRIPT.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(lang);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing may be fetched, not even by a later edit of this file.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n",
    );
    out.push_str("<title>");
    out.push_str(&title);
    out.push_str("</title>\n<style>\n");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(BODY);
    out.push_str("<script type=\"application/json\" id=\"deck-data\">");
    out.push_str(&data);
    out.push_str("</script>\n<script>\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

const BODY: &str = r#"<div id="deck">
<header>
<div class="titles"><h1 id="source"></h1><p id="title"></p></div>
<nav><button id="prev" type="button"></button><span id="counter"></span><button id="next" type="button"></button><span id="langs"></span></nav>
</header>
<main>
<section id="ladder" aria-label="ladder"></section>
<aside id="panel" aria-live="polite"></aside>
</main>
<footer id="keys"></footer>
</div>
<div id="print"></div>
<noscript><p>This deck needs JavaScript to step through the ladder (it loads nothing from the network).</p></noscript>
"#;

const CSS: &str = r#"
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: #fff; color: #111;
  font-family: "DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC",
    "PingFang SC", "Microsoft YaHei", Arial, sans-serif; font-size: 18px; }
.mono, .label, .st, .time, #counter { font-family: "DejaVu Sans Mono", Menlo, Consolas,
  "Noto Sans Mono CJK SC", monospace; }
#deck { display: flex; flex-direction: column; height: 100vh; }
header { display: flex; justify-content: space-between; align-items: center;
  padding: 0.4em 1em; border-bottom: 2px solid #036; }
h1 { font-size: 1.3em; margin: 0; color: #036; }
#title { margin: 0.1em 0 0; color: #444; }
nav { display: flex; gap: 0.5em; align-items: center; white-space: nowrap; }
button { font: inherit; padding: 0.2em 0.7em; border: 1px solid #036; background: #eef3f8;
  color: #036; border-radius: 4px; cursor: pointer; }
button.on { background: #036; color: #fff; }
main { flex: 1; display: flex; min-height: 0; }
#ladder { flex: 3; overflow-y: auto; padding: 0.5em 0.5em 2em; border-right: 1px solid #ccc; }
#panel { flex: 2; overflow-y: auto; padding: 0.5em 1em 2em; }
footer { padding: 0.3em 1em; font-size: 0.8em; color: #555; border-top: 1px solid #ccc; }
.row { display: grid; grid-template-columns: 2em 4em 7em 1fr 7em; align-items: end;
  min-height: 2.3em; cursor: pointer; scroll-margin-top: 3em; }
.row.head { cursor: default; font-weight: bold; align-items: center; position: sticky;
  top: 0; background: #fff; z-index: 1; }
.row.cur { background: #fff4c2; }
.row.future { opacity: 0.35; }
.num, .time { color: #888; font-size: 0.75em; text-align: right; padding-right: 0.4em;
  align-self: center; }
.st { font-weight: bold; color: #036; font-size: 0.8em; align-self: center; }
.st.c { text-align: right; padding-right: 0.5em; }
.st.s { text-align: left; padding-left: 0.5em; }
.lane { position: relative; height: 2.3em; border-left: 3px solid #888;
  border-right: 3px solid #888; }
.head .lane { border: none; text-align: center; }
.head .addr { font-size: 0.8em; }
.sep { grid-column: 1 / -1; text-align: center; color: #a50; font-style: italic;
  border-top: 1px dashed #a50; padding-top: 0.2em; }
.label { position: absolute; left: 0; right: 0; top: 0.05em; text-align: center;
  font-size: 0.85em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.arrow { position: absolute; top: 1.6em; left: 0; right: 10px; height: 0;
  border-top: 2.5px solid currentColor; }
.arrow.lft { left: 10px; right: 0; }
.arrow::after { content: ""; position: absolute; top: -7px; border: 6px solid transparent; }
.arrow.rgt::after { right: -12px; border-left: 10px solid currentColor; }
.arrow.lft::after { left: -12px; border-right: 10px solid currentColor; }
/* Heavier for an RST, as in every view: it shows in black and white too. */
.arrow.rst { border-top-width: 5px; }
.arrow.rst::after { top: -8.5px; }
.arrow.lost { border-top-style: dashed; right: 40%; }
.arrow.udp { border-top-style: dashed; }
.arrow.lost.lft { left: 40%; right: 0; }
.arrow.lost::after { content: "✕"; border: none; top: -0.75em; color: #b00; font-weight: bold; }
.arrow.lost.rgt::after { right: -0.9em; }
.arrow.lost.lft::after { left: -0.9em; }
.syn { color: #05a; } .fin { color: #a50; } .rst { color: #b00; } .plain { color: #222; }
.mark { position: absolute; top: 0.6em; font-style: italic; white-space: nowrap; font-size: 0.85em; }
.mark.c { left: 0.5em; } .mark.s { right: 0.5em; }
.mark.call { color: #063; } .mark.timer { color: #606; }
.mark.c::before { content: "● "; } .mark.s::after { content: " ●"; }
#panel h2 { font-size: 1.1em; margin: 0.2em 0 0.5em; color: #036; }
#panel h3 { font-size: 0.9em; margin: 0.9em 0 0.2em; color: #555; text-transform: uppercase;
  letter-spacing: 0.05em; }
.expl { font-size: 1.15em; line-height: 1.4; margin: 0.2em 0 0.6em; }
table { border-collapse: collapse; }
td, th { padding: 0.15em 0.6em; text-align: left; }
th { color: #555; font-weight: normal; }
td.changed { background: #dff0d8; font-weight: bold; }
ul { margin: 0.2em 0; padding-left: 1.2em; }
li { margin: 0.1em 0; }
.all { color: #a50; font-size: 0.8em; }
#print { display: none; }
body.blank { background: #000; }
body.blank #deck { visibility: hidden; }
@media print {
  @page { size: landscape; margin: 1cm; }
  html, body { height: auto; font-size: 12pt; }
  #deck { display: none; }
  #print { display: block; }
  .slide { break-after: page; page-break-after: always; break-inside: avoid; display: flex; gap: 1em; }
  .slide:last-child { break-after: auto; page-break-after: auto; }
  .slide .ladder { flex: 3; } .slide .panel { flex: 2; }
  .slide h1 { font-size: 1.2em; }
  .slide .panel { font-size: 9.5pt; }
  .slide .expl { font-size: 1.05em; }
  .row.cur { background: #fff4c2; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .row { cursor: default; }
  button, footer { display: none; }
}
"#;

const SCRIPT: &str = r#"(function () {
'use strict';
var blob = document.getElementById('deck-data');
var D = JSON.parse(blob.textContent);
// Out of the document once read: the rows not reached yet exist only in
// the file, not in the page a browser (or --dump-dom) shows.
blob.parentNode.removeChild(blob);
var N = D.steps.length;
var cur = 0;
var lang = D.lang;
var showAll = false;

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined && text !== null) { e.textContent = String(text); }
  return e;
}
function U(key) { return D.ui[lang][key]; }
function T(v) {
  if (v === null || v === undefined) { return ''; }
  if (typeof v === 'string') { return v; }
  return v[lang] !== undefined ? v[lang] : v[D.lang];
}
function side(i) { return D.sides[lang][i]; }

function ends(s) { return s.ends || D.streams[s.stream] || ['', '']; }
function same(a, b) { return a.stream === b.stream && !a.udp === !b.udp; }
function headRow(step) {
  var r = el('div', 'row head');
  var addrs = ends(step);
  r.appendChild(el('div', 'num'));
  r.appendChild(el('div', 'time'));
  var c = el('div', 'st c'); c.appendChild(el('div', '', side(0))); c.appendChild(el('div', 'addr', addrs[0]));
  var s = el('div', 'st s'); s.appendChild(el('div', '', side(1))); s.appendChild(el('div', 'addr', addrs[1]));
  r.appendChild(c); r.appendChild(el('div', 'lane')); r.appendChild(s);
  return r;
}
function initialRow(step) {
  var r = el('div', 'row');
  r.appendChild(el('div', 'num'));
  r.appendChild(el('div', 'time'));
  r.appendChild(el('div', 'st c', T(step.before[0])));
  r.appendChild(el('div', 'lane'));
  r.appendChild(el('div', 'st s', T(step.before[1])));
  r.style.cursor = 'default';
  return r;
}
function stepRow(i, at) {
  var s = D.steps[i];
  var cls = 'row' + (i === at ? ' cur' : '') + (i > at ? ' future' : '');
  var r = el('div', cls);
  r.setAttribute('data-step', String(i + 1));
  r.appendChild(el('div', 'num', i + 1));
  r.appendChild(el('div', 'time', s.time + 's'));
  r.appendChild(el('div', 'st c', T(s.before[0]) !== T(s.after[0]) ? T(s.after[0]) : ''));
  var lane = el('div', 'lane');
  var label = T(s.label);
  if (s.kind === 'segment' || s.kind === 'datagram') {
    var dir = s.side === 'client' ? 'rgt' : 'lft';
    var lab = el('div', 'label ' + s.colour, label);
    lab.title = label;
    lane.appendChild(lab);
    lane.appendChild(el('div', 'arrow ' + dir + ' ' + s.colour + (s.lost ? ' lost' : '') +
      (s.kind === 'datagram' ? ' udp' : '')));
  } else {
    var sc = s.side === 'client' ? 'c' : 's';
    lane.appendChild(el('div', 'mark ' + sc + ' ' + s.kind, label));
  }
  r.appendChild(lane);
  r.appendChild(el('div', 'st s', T(s.before[1]) !== T(s.after[1]) ? T(s.after[1]) : ''));
  r.addEventListener('click', function () { go(i); });
  return r;
}
function buildLadder(at, all, maxRows) {
  var box = el('div', 'ladder-rows');
  if (N === 0) { return box; }
  var first = maxRows && at + 1 > maxRows ? at + 1 - maxRows : 0;
  box.appendChild(headRow(D.steps[first]));
  if (first > 0) { box.appendChild(el('div', 'sep', '⋮ 1–' + first)); }
  box.appendChild(initialRow(D.steps[first]));
  var last = all ? N - 1 : at;
  for (var i = first; i <= last; i++) {
    if (i > first && !same(D.steps[i], D.steps[i - 1])) {
      var st = D.steps[i].stream;
      var addrs = ends(D.steps[i]);
      var word = D.steps[i].udp ? T(D.steps[i].udp) + ' ' + st :
        U('stream') + ' ' + st + U('colon') + U('newconn');
      box.appendChild(el('div', 'sep', word + ' (' + addrs[0] + ' → ' + addrs[1] + ')'));
      box.appendChild(initialRow(D.steps[i]));
    }
    box.appendChild(stepRow(i, at));
  }
  return box;
}
function counterText(at) {
  if (lang === 'zh') { return U('step') + ' ' + (at + 1) + ' ' + U('of') + ' ' + N + ' 步'; }
  return U('step') + ' ' + (at + 1) + ' ' + U('of') + ' ' + N;
}
function buildPanel(at) {
  var p = el('div', 'panel-body');
  if (N === 0) { p.appendChild(el('p', 'expl', U('empty'))); return p; }
  var s = D.steps[at];
  var who = side(s.side === 'client' ? 0 : 1);
  var head = counterText(at) + ' · ';
  if (s.kind === 'segment' || s.kind === 'datagram') {
    head += who + ' → ' + side(s.side === 'client' ? 1 : 0) + U('colon') + T(s.label);
  } else {
    head += who + U('colon') + T(s.label);
  }
  p.appendChild(el('h2', '', head));
  p.appendChild(el('p', 'expl', T(s.explanation)));

  p.appendChild(el('h3', '', U('states')));
  var t = el('table');
  var hr = el('tr'); hr.appendChild(el('th')); hr.appendChild(el('th', '', side(0))); hr.appendChild(el('th', '', side(1)));
  t.appendChild(hr);
  var rows = [[U('before'), s.before, null], [U('after'), s.after, s.before]];
  if (s.kernel) { rows.push([U('kernel'), s.kernel, null]); }
  rows.forEach(function (row) {
    var tr = el('tr');
    tr.appendChild(el('th', '', row[0]));
    for (var k = 0; k < 2; k++) {
      var changed = row[2] && T(row[2][k]) !== T(row[1][k]);
      tr.appendChild(el('td', 'mono' + (changed ? ' changed' : ''), T(row[1][k])));
    }
    t.appendChild(tr);
  });
  p.appendChild(t);
  var kl = (s.kernel_changes || []).map(T).concat(s.kernel_events || []);
  if (s.kernel_note) { kl.push(s.kernel_note); }
  if (kl.length) {
    p.appendChild(el('h3', '', U('kchanges')));
    var ul = el('ul', 'mono');
    kl.forEach(function (line) { ul.appendChild(el('li', '', line)); });
    p.appendChild(ul);
  }

  p.appendChild(el('h3', '', U('calls')));
  var calls = T(s.calls) || [null, null];
  var ul = el('ul');
  for (var k = 0; k < 2; k++) {
    ul.appendChild(el('li', '', side(k) + U('colon') + (calls[k] || U('none'))));
  }
  p.appendChild(ul);
  if (s.node[0] || s.node[1]) {
    p.appendChild(el('h3', '', U('node')));
    var un = el('ul');
    for (var j = 0; j < 2; j++) {
      if (s.node[j]) { un.appendChild(el('li', 'mono', side(j) + U('colon') + s.node[j])); }
    }
    p.appendChild(un);
  }
  p.appendChild(el('h3', '', U('layers')));
  var ll = el('ul');
  (T(s.layers) || []).forEach(function (l) { ll.appendChild(el('li', 'mono', l)); });
  p.appendChild(ll);
  return p;
}
function langButtons() {
  var box = document.getElementById('langs');
  box.textContent = '';
  if (D.langs.length < 2) { return; }
  D.langs.forEach(function (l) {
    var b = el('button', l === lang ? 'on' : '', l === 'zh' ? '中文' : 'EN');
    b.type = 'button';
    b.addEventListener('click', function () { lang = l; render(); });
    box.appendChild(b);
  });
}
function writeHash() {
  var h = '#step=' + (cur + 1) + (lang !== D.lang ? '&lang=' + lang : '');
  if (location.hash === h) { return; }
  try { history.replaceState(null, '', h); } catch (e) { location.replace(h); }
}
function render() {
  document.documentElement.lang = lang;
  document.getElementById('source').textContent = 'synack - ' + D.source;
  document.getElementById('title').textContent = T(D.title);
  document.getElementById('prev').textContent = U('prev');
  document.getElementById('next').textContent = U('next');
  document.getElementById('counter').textContent = N ? (cur + 1) + ' / ' + N : '0 / 0';
  langButtons();
  var keys = document.getElementById('keys');
  keys.textContent = U('keys');
  if (showAll) { keys.appendChild(document.createTextNode(' · ')); keys.appendChild(el('span', 'all', U('all'))); }
  var ladder = document.getElementById('ladder');
  ladder.textContent = '';
  ladder.appendChild(buildLadder(cur, showAll));
  var panel = document.getElementById('panel');
  panel.textContent = '';
  panel.appendChild(buildPanel(cur));
  var row = ladder.querySelector('.row.cur');
  if (row && row.scrollIntoView) { row.scrollIntoView({ block: 'nearest' }); }
  if (N) { writeHash(); }
}
function go(i) {
  if (N === 0) { return; }
  cur = Math.max(0, Math.min(N - 1, i));
  render();
}
function readHash() {
  var h = location.hash.replace(/^#/, '');
  var step = null;
  h.split('&').forEach(function (part) {
    var kv = part.split('=');
    if (kv[0] === 'step' && /^[0-9]+$/.test(kv[1] || '')) { step = parseInt(kv[1], 10); }
    if (kv[0] === 'lang' && D.langs.indexOf(kv[1]) >= 0) { lang = kv[1]; }
  });
  if (step !== null) { cur = Math.max(0, Math.min(N - 1, step - 1)); }
}
function toggleLang() {
  if (D.langs.length < 2) { return; }
  lang = D.langs[(D.langs.indexOf(lang) + 1) % D.langs.length];
  render();
}
document.addEventListener('keydown', function (e) {
  if (e.ctrlKey || e.metaKey || e.altKey) { return; }
  switch (e.key) {
    case 'ArrowRight': case 'ArrowDown': case 'PageDown': case ' ': case 'n': case 'Enter':
      go(cur + 1); break;
    case 'ArrowLeft': case 'ArrowUp': case 'PageUp': case 'Backspace': case 'p':
      go(cur - 1); break;
    case 'Home': go(0); break;
    case 'End': go(N - 1); break;
    case 'v': showAll = !showAll; render(); break;
    case 'l': toggleLang(); break;
    // A clicker's "blank screen" key: the room looks at the teacher.
    case 'b': case '.': document.body.classList.toggle('blank'); break;
    default: return;
  }
  e.preventDefault();
});
// A clicked button keeps the focus, and space or Enter on a focused button
// would click it again on top of the key's own step: give the focus back.
document.getElementById('prev').addEventListener('click', function (e) { e.currentTarget.blur(); go(cur - 1); });
document.getElementById('next').addEventListener('click', function (e) { e.currentTarget.blur(); go(cur + 1); });
window.addEventListener('hashchange', function () { readHash(); render(); });

// Printing: one page per step, each with the rows up to it. Built only for
// the print and removed after, so the document on screen never holds rows
// the room has not reached yet.
var PRINT_ROWS = 20;
function buildPrint() {
  var box = document.getElementById('print');
  box.textContent = '';
  for (var i = 0; i < N; i++) {
    var slide = el('div', 'slide');
    var lad = el('div', 'ladder');
    // A landscape page holds about 480pt of rows: shrink long ladders to fit
    // and show only the last PRINT_ROWS steps of very long ones.
    var rows = Math.min(i + 1, PRINT_ROWS) + 5;
    for (var j = Math.max(1, i + 1 - PRINT_ROWS); j <= i; j++) {
      if (D.steps[j].stream !== D.steps[j - 1].stream) { rows += 2; }
    }
    lad.style.fontSize = Math.min(12, 480 / (rows * 2.3)).toFixed(1) + 'pt';
    lad.appendChild(el('h1', '', 'synack - ' + D.source));
    if (T(D.title)) { lad.appendChild(el('p', '', T(D.title))); }
    lad.appendChild(buildLadder(i, false, PRINT_ROWS));
    var pan = el('div', 'panel');
    pan.appendChild(buildPanel(i));
    slide.appendChild(lad);
    slide.appendChild(pan);
    box.appendChild(slide);
  }
}
function clearPrint() { document.getElementById('print').textContent = ''; }
window.addEventListener('beforeprint', buildPrint);
window.addEventListener('afterprint', clearPrint);
if (window.matchMedia) {
  var mq = window.matchMedia('print');
  var onChange = function (m) { if (m.matches) { buildPrint(); } };
  if (mq.addEventListener) { mq.addEventListener('change', onChange); }
  else if (mq.addListener) { mq.addListener(onChange); }
}

readHash();
render();
}());
"#;
