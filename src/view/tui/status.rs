//! The status line: source, step n/N (or the selected connection), modes,
//! a note from the last key, and the main keys.

use super::app::{App, Screen};
use super::text::{fit, width};
use crate::i18n::{self, msg};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// The source, with the live source's own status after it.
fn source(app: &App) -> String {
    match &app.live {
        Some(l) if !l.status.is_empty() => format!(
            "{} · {}",
            crate::explain::source_in(&app.tl.source, app.lang),
            l.status
        ),
        _ => crate::explain::source_in(&app.tl.source, app.lang),
    }
}

fn list_text(app: &App, w: usize) -> String {
    let n = app.list_len();
    let lang = app.lang;
    let at = if n == 0 {
        i18n::text(lang, "tui-status-no-connections").to_string()
    } else {
        msg!(
            lang,
            "tui-status-connection",
            n = app.list.selected + 1,
            total = n
        )
    };
    // A capture file: waiting for the index, opening, or a lasting note.
    // The second text is for narrow terminals.
    let file_note = app.file.as_ref().and_then(|f| {
        if let Some(s) = f.pending {
            let pct = f.percent();
            Some((
                msg!(lang, "tui-status-pending", stream = s, pct = pct),
                msg!(lang, "tui-status-pending-short", stream = s, pct = pct),
            ))
        } else if let Some((udp, s)) = f.opening {
            let t = if udp {
                msg!(lang, "tui-status-opening-udp", stream = s)
            } else {
                msg!(lang, "tui-status-opening", stream = s)
            };
            Some((t.clone(), t))
        } else {
            f.note
                .as_ref()
                .map(|n| (format!("⚠ {n}"), format!("⚠ {n}")))
        }
    });
    let (keys, narrow_keys) = match (app.message.clone(), file_note) {
        (Some(m), _) => (m.clone(), m),
        (None, Some(n)) => n,
        (None, None) => {
            let k: String = if app.has_all {
                i18n::text(lang, "tui-status-list-keys-all")
            } else {
                i18n::text(lang, "tui-status-list-keys")
            }
            .into();
            (k.clone(), k)
        }
    };
    let full = format!(" {} │ {at} │ {keys}", source(app));
    let short = format!(" {at} │ {keys}");
    let narrow = format!(" {at} │ {narrow_keys}");
    if width(&full) <= w {
        fit(&full, w)
    } else if width(&short) <= w {
        fit(&short, w)
    } else {
        fit(&narrow, w)
    }
}

pub fn text(app: &App, w: usize) -> String {
    if app.screen == Screen::List {
        return list_text(app, w);
    }
    let lang = app.lang;
    let (n, total) = app.position();
    let frame = app
        .tl
        .steps
        .get(app.current)
        .and_then(|s| s.segment.as_ref())
        .filter(|_| app.frame_numbers && n > 0)
        .map(|v| msg!(lang, "tui-status-frame", frame = v.frame))
        .unwrap_or_default();
    let play = if let (true, Some(left)) = (app.steps.autoplay, app.steps.countdown) {
        // A visible countdown, so the class knows when the next step comes.
        let left = left.as_secs_f64();
        msg!(lang, "tui-status-countdown", seconds = format!("{left:.1}"))
    } else if app.steps.autoplay {
        msg!(
            lang,
            "tui-status-autoplay",
            seconds = format!("{:.2}", app.interval().as_secs_f64())
        )
    } else if app.steps.paused {
        i18n::text(lang, "tui-status-paused-resumes").into()
    } else {
        i18n::text(lang, "tui-status-paused").into()
    };
    let seq = if app.raw_seq {
        i18n::text(lang, "tui-status-seq-raw")
    } else {
        i18n::text(lang, "tui-status-seq-relative")
    };
    let back = if app.has_list {
        i18n::text(lang, "tui-status-esc-list")
    } else {
        ""
    };
    let (keys, mid_keys, short_keys) = match &app.message {
        Some(m) => (m.clone(), m.clone(), m.clone()),
        None => (
            msg!(lang, "tui-status-keys", back = back),
            msg!(lang, "tui-status-keys-mid", back = back),
            msg!(lang, "tui-status-keys-short", back = back),
        ),
    };
    let stream = match app.stream {
        Some(s) if app.has_list && app.udp => msg!(lang, "tui-status-udp-stream", stream = s),
        Some(s) if app.has_list => msg!(lang, "tui-status-stream", stream = s),
        _ => String::new(),
    };
    let step = i18n::text(lang, "tui-status-step");
    let full = format!(
        " {}{stream} │ {step} {n}/{total}{frame} │ {play} │ {seq} │ {keys}",
        source(app)
    );
    let mid = format!(
        " {}{stream} │ {step} {n}/{total}{frame} │ {play} │ {seq} │ {mid_keys}",
        source(app)
    );
    let short = format!(" {step} {n}/{total}{frame} │ {play} │ {short_keys}");
    // Live: what the source says matters more than the keys.
    let live = app
        .live
        .as_ref()
        .filter(|l| !l.status.is_empty())
        .map(|l| format!(" {} │ {step} {n}/{total}{frame} │ {short_keys}", l.status));
    [Some(full), Some(mid), live, Some(short)]
        .into_iter()
        .flatten()
        .find(|t| width(t) <= w)
        .map_or_else(
            || fit(&format!(" {step} {n}/{total}{frame} │ {short_keys}"), w),
            |t| fit(&t, w),
        )
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let style = Style::new().add_modifier(Modifier::REVERSED);
    f.render_widget(
        Paragraph::new(Line::raw(text(app, area.width as usize))).style(style),
        area,
    );
}
