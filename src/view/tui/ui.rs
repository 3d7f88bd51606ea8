//! The screen layout: which panes show where for the terminal's size.
//!
//! - wide (≥ 160×45): ladder and explain on the left, states and layers on
//!   the right, all at once;
//! - medium (≥ 110×32): ladder and explain side by side, states / layers as
//!   tabs below;
//! - compact (≥ 60×15, e.g. 80×24): the ladder, both states in two lines,
//!   and one of states / layers / explain as a tab below (`Tab` switches);
//! - smaller: a note asking for a bigger terminal.
//!
//! The connection list (inspect, sniff) takes the whole screen above the
//! status line. In the live lab a hint line above the status line says
//! what the next key will do.

use super::app::{App, HitMap, Pane, Screen};
use super::text::{fit, wrap, wrapped};
use super::{explain, help, ladder, layers, list, menu, present, states, status};
use crate::i18n::{msg, text};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    TooSmall,
    Compact,
    Medium,
    Wide,
}

pub fn mode(area: Rect) -> Mode {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        Mode::TooSmall
    } else if area.width >= 160 && area.height >= 45 {
        Mode::Wide
    } else if area.width >= 110 && area.height >= 32 {
        Mode::Medium
    } else {
        Mode::Compact
    }
}

/// Draw the whole screen; returns where things went, for the mouse.
pub fn draw(f: &mut Frame, app: &App) -> HitMap {
    let area = f.area();
    let mut hits = HitMap::default();
    let m = mode(area);
    if m == Mode::TooSmall {
        too_small(f, area, app);
        return hits;
    }
    // The hint wraps to two lines at most.
    let hint_lines: Vec<String> = hint(app)
        .map(|h| wrap(&h, area.width as usize, "   "))
        .unwrap_or_default()
        .into_iter()
        .take(2)
        .collect();
    let [main, hint_area, status_area] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(hint_lines.len() as u16),
        Constraint::Length(1),
    ])
    .areas(area);
    match (app.screen, m) {
        (Screen::List, _) => list::render(f, main, app, &mut hits),
        (_, _) if app.present => present::render(f, main, app, &mut hits),
        (_, Mode::Wide) => wide(f, main, app, &mut hits),
        (_, Mode::Medium) => medium(f, main, app, &mut hits),
        _ => compact(f, main, app, &mut hits),
    }
    if !hint_lines.is_empty() {
        let style = if app.at_end() {
            app.theme.bold()
        } else {
            app.theme.dim()
        };
        let w = hint_area.width as usize;
        let lines: Vec<Line> = hint_lines
            .iter()
            .map(|l| Line::styled(fit(l, w), style))
            .collect();
        f.render_widget(Paragraph::new(lines), hint_area);
    }
    status::render(f, status_area, app);
    if app.help {
        help::render(f, area, app);
    }
    if let Some(m) = app.menu {
        menu::render(f, area, app, m);
    }
    hits
}

/// "Ladder", and which connection when one was chosen from the list.
pub fn ladder_title(app: &App) -> String {
    let name = Pane::Ladder.title_in(app.lang);
    match app.stream {
        Some(s) if app.has_list && app.udp => msg!(
            app.lang,
            "tui-ui-ladder-title-udp",
            name = name,
            stream = s,
            total = app.udp_conns.len()
        ),
        Some(s) if app.has_list => msg!(
            app.lang,
            "tui-ui-ladder-title-list",
            name = name,
            stream = s,
            total = app.conns.len()
        ),
        Some(s) => msg!(app.lang, "tui-ui-ladder-title", name = name, stream = s),
        None if app.has_all => msg!(
            app.lang,
            "tui-ui-ladder-title-all",
            name = name,
            total = app.list_len()
        ),
        None => name.into(),
    }
}

/// The live lab's hint line: what the next key does.
pub fn hint(app: &App) -> Option<String> {
    let live = app.live.as_ref().filter(|l| l.drives)?;
    if app.screen != Screen::Steps {
        return None;
    }
    let lang = app.lang;
    Some(if !app.at_end() {
        let (n, total) = app.position();
        msg!(lang, "tui-ui-hint-ahead", n = total - n)
    } else if let Some(h) = &live.hint {
        msg!(lang, "tui-ui-hint-next", call = h.as_str())
    } else if live.finished {
        text(lang, "tui-ui-script-done").to_string()
    } else {
        text(lang, "tui-ui-waiting").to_string()
    })
}

fn pane(f: &mut Frame, pane: Pane, area: Rect, app: &App, hits: &mut HitMap, title: &str) {
    hits.panes.push((pane, area));
    match pane {
        Pane::Ladder => ladder::render(f, area, app, hits, title),
        Pane::States => states::render(f, area, app, hits, title),
        Pane::Layers => layers::render(f, area, app, hits, title),
        Pane::Explain => explain::render(f, area, app, hits, title),
    }
}

/// One slot showing one of `tabs`: the focused one if it is a tab, else
/// the last detail pane focused, else the first.
fn shown_tab(tabs: &[Pane], app: &App) -> Pane {
    [app.steps.focus, app.steps.detail]
        .into_iter()
        .find(|p| tabs.contains(p))
        .unwrap_or(tabs[0])
}

fn tabbed(f: &mut Frame, tabs: &[Pane], area: Rect, app: &App, hits: &mut HitMap) {
    let shown = shown_tab(tabs, app);
    let title: Vec<String> = tabs
        .iter()
        .map(|&p| {
            if p == shown {
                format!("▸{}", p.title_in(app.lang))
            } else {
                p.title_in(app.lang).to_lowercase()
            }
        })
        .collect();
    let title = format!("{}  (Tab)", title.join(" │ "));
    if shown == Pane::States && tabs == COMPACT_TABS {
        // Compact: the two summary lines are above already.
        hits.panes.push((shown, area));
        states::render_with(f, area, app, hits, &title, false);
    } else {
        pane(f, shown, area, app, hits, &title);
    }
}

fn wide(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap) {
    // One server's several connections: the lanes take more of the width,
    // and the states pane grows by its table (a header, a row each, a
    // blank line) so the diagram still shows.
    let lanes = super::lanes::Lanes::of(app);
    let left_w = if lanes.is_some() {
        (area.width * 55 / 100).clamp(70, 130)
    } else {
        (area.width * 45 / 100).clamp(70, 100)
    };
    let table_h = lanes.map_or(0, |l| l.streams.len().min(8) as u16 + 2);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Fill(1)]).areas(area);
    let [lad, exp] = Layout::vertical([Constraint::Fill(1), Constraint::Length(14)]).areas(left);
    let [st, lay] =
        Layout::vertical([Constraint::Length(19 + table_h), Constraint::Fill(1)]).areas(right);
    pane(f, Pane::Ladder, lad, app, hits, &ladder_title(app));
    pane(
        f,
        Pane::Explain,
        exp,
        app,
        hits,
        Pane::Explain.title_in(app.lang),
    );
    pane(
        f,
        Pane::States,
        st,
        app,
        hits,
        Pane::States.title_in(app.lang),
    );
    pane(
        f,
        Pane::Layers,
        lay,
        app,
        hits,
        Pane::Layers.title_in(app.lang),
    );
}

fn medium(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap) {
    let [top, bottom] = Layout::vertical([Constraint::Fill(1), Constraint::Length(19)]).areas(area);
    let [lad, exp] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Fill(1)]).areas(top);
    pane(f, Pane::Ladder, lad, app, hits, &ladder_title(app));
    pane(
        f,
        Pane::Explain,
        exp,
        app,
        hits,
        Pane::Explain.title_in(app.lang),
    );
    tabbed(f, &[Pane::States, Pane::Layers], bottom, app, hits);
}

const COMPACT_TABS: [Pane; 3] = [Pane::Explain, Pane::States, Pane::Layers];

fn compact(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap) {
    // Explain needs a few lines; the diagram and the bytes want all the
    // room the ladder can spare (it keeps four rows).
    let detail_h = if shown_tab(&COMPACT_TABS, app) == Pane::Explain {
        (area.height * 45 / 100).max(6)
    } else {
        area.height.saturating_sub(2 + 7).max(6)
    };
    let [lad, now, detail] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(2),
        Constraint::Length(detail_h),
    ])
    .areas(area);
    pane(f, Pane::Ladder, lad, app, hits, &ladder_title(app));
    let now_lines = states::summary(app, now.width as usize);
    f.render_widget(Paragraph::new(now_lines), now);
    tabbed(f, &COMPACT_TABS, detail, app, hits);
}

pub fn too_small(f: &mut Frame, area: Rect, app: &App) {
    let text = msg!(
        app.lang,
        "tui-ui-too-small",
        need_w = MIN_WIDTH,
        need_h = MIN_HEIGHT,
        w = area.width,
        h = area.height
    );
    let mut lines: Vec<Line> = wrapped(&text, area.width as usize, "", app.theme.bold());
    let h = lines.len() as u16;
    if area.height > h {
        let pad = (area.height - h) / 2;
        let mut padded = vec![Line::raw(""); pad as usize];
        padded.append(&mut lines);
        lines = padded;
    }
    f.render_widget(Paragraph::new(lines), area);
}
