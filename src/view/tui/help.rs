//! The `?` overlay with every key.

use super::app::App;
use super::text::{fit, tr};
use crate::explain::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub const KEYS: [(&str, &str); 19] = [
    (
        "→  space  n  PgDn  Enter",
        "next step (live: at the last, next call)",
    ),
    ("←  p  Backspace  PgUp", "previous step"),
    ("Home g / End G", "first / last step"),
    ("Tab / Shift-Tab", "next / previous pane"),
    ("↑ ↓  (j k)", "scroll the focused pane"),
    ("mouse click", "go to a ladder row; focus a pane"),
    ("mouse wheel", "scroll the pane under the pointer"),
    ("a", "autoplay on / off (stops at the end)"),
    ("+  -", "autoplay faster / slower"),
    ("r", "restart from the first step"),
    ("s", "raw / relative sequence numbers"),
    ("l", "language of the explanations"),
    ("? h F1", "this help (Esc closes it)"),
    ("↑ ↓  Enter", "connection list: choose, open"),
    ("Esc", "back to the connection list"),
    ("q  Esc", "quit"),
    ("Ctrl-C", "quit, always"),
    ("", ""),
    ("C / S", "client / server in the state diagram"),
];

/// The same keys, in Chinese.
pub const KEYS_ZH: [(&str, &str); 19] = [
    (
        "→  space  n  PgDn  Enter",
        "下一步（实验：在最后一步时执行下一个调用）",
    ),
    ("←  p  Backspace  PgUp", "上一步"),
    ("Home g / End G", "第一步 / 最后一步"),
    ("Tab / Shift-Tab", "下一个 / 上一个窗格"),
    ("↑ ↓  (j k)", "滚动当前窗格"),
    ("mouse click", "鼠标点击：跳到时序图的一行；选中窗格"),
    ("mouse wheel", "鼠标滚轮：滚动指针下的窗格"),
    ("a", "自动播放 开 / 关（到最后一步停止）"),
    ("+  -", "自动播放 加快 / 减慢"),
    ("r", "从第一步重新开始"),
    ("s", "原始 / 相对序列号"),
    ("l", "切换语言（English / 中文）"),
    ("? h F1", "本帮助（Esc 关闭）"),
    ("↑ ↓  Enter", "连接列表：选择、打开"),
    ("Esc", "回到连接列表"),
    ("q  Esc", "退出"),
    ("Ctrl-C", "退出（任何时候）"),
    ("", ""),
    ("C / S", "状态图中的客户端 / 服务端"),
];

/// The keys of the stepping view in `lang`.
pub fn keys(lang: Lang) -> &'static [(&'static str, &'static str)] {
    tr(lang, &KEYS[..], &KEYS_ZH[..])
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let title = tr(
        app.lang,
        " Keys (? or Esc to close) ",
        " 按键（? 或 Esc 关闭） ",
    );
    render_keys(f, area, app, title, keys(app.lang));
}

/// An overlay listing `keys`, centred in `area`.
pub fn render_keys(f: &mut Frame, area: Rect, app: &App, title: &str, keys: &[(&str, &str)]) {
    let t = &app.theme;
    let w = 72.min(area.width);
    let h = (keys.len() as u16 + 4).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let mut lines = vec![Line::raw("")];
    for (k, what) in keys {
        lines.push(Line::from(vec![
            Span::styled(format!(" {}", fit(k, 26)), t.bold()),
            Span::raw(*what),
        ]));
    }
    // One more column on the left: a wide (Chinese) character under the
    // left border would otherwise hide it.
    let left = u16::from(r.x > area.x);
    f.render_widget(Clear, Rect::new(r.x - left, r.y, r.width + left, r.height));
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(title.to_string(), t.title()))
                .border_style(t.focus_border()),
        ),
        r,
    );
}
