//! The status line: source, step n/N (or the selected connection), modes,
//! a note from the last key, and the main keys.

use super::app::{App, Screen};
use super::text::{fit, tr, width};
use crate::explain::Lang;
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
    let n = app.conns.len();
    let lang = app.lang;
    let at = if n == 0 {
        tr(lang, "no connections", "没有连接").to_string()
    } else {
        tr(
            lang,
            format!("connection {}/{n}", app.list.selected + 1),
            format!("连接 {}/{n}", app.list.selected + 1),
        )
    };
    // A capture file: waiting for the index, opening, or a lasting note.
    // The second text is for narrow terminals.
    let file_note = app.file.as_ref().and_then(|f| {
        if let Some(s) = f.pending {
            let pct = f.percent();
            Some(tr(
                lang,
                (
                    format!(
                        "indexing… stream {s} opens when the index is done ({pct}%)  Esc cancels"
                    ),
                    format!("stream {s} opens once indexed ({pct}%)"),
                ),
                (
                    format!("正在建立索引… 索引完成后打开流 {s}（{pct}%）  Esc 取消"),
                    format!("索引完成后打开流 {s}（{pct}%）"),
                ),
            ))
        } else if let Some(s) = f.opening {
            let t = tr(
                lang,
                format!("opening stream {s}…"),
                format!("正在打开流 {s}…"),
            );
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
            let k: String = tr(
                lang,
                "↑↓ choose  Enter open  l 中文  ? help  q quit",
                "↑↓ 选择  Enter 打开  l English  ? 帮助  q 退出",
            )
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
        .map(|v| {
            tr(
                lang,
                format!(" · frame {}", v.frame),
                format!(" · 第 {} 帧", v.frame),
            )
        })
        .unwrap_or_default();
    let play = if let (true, Some(left)) = (app.steps.autoplay, app.steps.countdown) {
        // A visible countdown, so the class knows when the next step comes.
        let left = left.as_secs_f64();
        tr(
            lang,
            format!("▶ next in {left:.1} s (space pauses)"),
            format!("▶ {left:.1} 秒后下一步（空格暂停）"),
        )
    } else if app.steps.autoplay {
        tr(
            lang,
            format!("▶ autoplay {:.2}s", app.interval().as_secs_f64()),
            format!("▶ 自动播放 {:.2} 秒", app.interval().as_secs_f64()),
        )
    } else if app.steps.paused {
        tr(lang, "‖ paused (space resumes)", "‖ 已暂停（空格继续）").into()
    } else {
        tr(lang, "‖ paused", "‖ 已暂停").into()
    };
    let seq = match (app.raw_seq, lang) {
        (true, Lang::En) => "seq raw",
        (false, Lang::En) => "seq relative",
        (true, Lang::Zh) => "seq 原始值",
        (false, Lang::Zh) => "seq 相对值",
    };
    let back = if app.has_list {
        tr(lang, "  Esc list", "  Esc 列表")
    } else {
        ""
    };
    let (keys, mid_keys, short_keys) = match &app.message {
        Some(m) => (m.clone(), m.clone(), m.clone()),
        None => tr(
            lang,
            (
                format!(
                    "←/→ step  Tab pane  ↑↓ scroll  a play  s seq  l 中文  ? help{back}  q quit"
                ),
                format!("←/→ step  a play  s seq  l 中文  ? help{back}  q quit"),
                format!("←/→ step  ? help{back}  q quit"),
            ),
            (
                format!(
                    "←/→ 单步  Tab 窗格  ↑↓ 滚动  a 播放  s seq  l English  ? 帮助{back}  q 退出"
                ),
                format!("←/→ 单步  a 播放  s seq  l English  ? 帮助{back}  q 退出"),
                format!("←/→ 单步  ? 帮助{back}  q 退出"),
            ),
        ),
    };
    let stream = match app.stream {
        Some(s) if app.has_list => tr(lang, format!(" │ stream {s}"), format!(" │ 流 {s}")),
        _ => String::new(),
    };
    let step = tr(lang, "step", "步骤");
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
