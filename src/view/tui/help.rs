//! The `?` overlay with every key.

use super::app::App;
use super::text::{fit, tr};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// One row of the overlay: the keys, what they do in English and in
/// Chinese, and in which screens they mean something.
struct Key {
    /// The keys; "english|中文" where the key's name is a word.
    keys: &'static str,
    en: &'static str,
    zh: &'static str,
    when: When,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum When {
    Always,
    /// Only where there is a connection list (captures, the sniffer).
    List,
    /// Only where there is none: Esc then quits.
    NoList,
    /// Only in the live lab, whose "next" at the last step makes a call.
    Lab,
    /// Only in a simulation, which can be played again.
    Sim,
}

const KEYS: [Key; 22] = [
    Key {
        keys: "→  space  n  PgDn  Enter",
        en: "next step",
        zh: "下一步",
        when: When::Always,
    },
    Key {
        keys: "",
        en: "  (at the last step: the next socket call)",
        zh: "  （在最后一步时：执行下一个套接字调用）",
        when: When::Lab,
    },
    Key {
        keys: "←  p  Backspace  PgUp",
        en: "previous step",
        zh: "上一步",
        when: When::Always,
    },
    Key {
        keys: "Home g / End G",
        en: "first / last step",
        zh: "第一步 / 最后一步",
        when: When::Always,
    },
    Key {
        keys: "v",
        en: "show / hide the steps still to come",
        zh: "显示 / 隐藏后面的步骤",
        when: When::Always,
    },
    Key {
        keys: "Tab Shift-Tab  ↑ ↓ j k",
        en: "next / previous pane; scroll it",
        zh: "下一个 / 上一个窗格；滚动它",
        when: When::Always,
    },
    Key {
        keys: "click / wheel|鼠标点击 / 滚轮",
        en: "go to a row, focus a pane / scroll it",
        zh: "跳到时序图的一行、选中窗格 / 滚动它",
        when: When::Always,
    },
    Key {
        keys: "a  + -",
        en: "autoplay on / off, faster / slower",
        zh: "自动播放 开 / 关，加快 / 减慢",
        when: When::Always,
    },
    Key {
        keys: "space",
        en: "while autoplaying: pause / resume",
        zh: "自动播放时：暂停 / 继续",
        when: When::Always,
    },
    Key {
        keys: "P",
        en: "presenter layout (large, for a projector)",
        zh: "演示布局（大字，适合投影）",
        when: When::Always,
    },
    Key {
        keys: "t",
        en: "time-proportional gaps in the ladder",
        zh: "时序图的间隔随步骤之间的时间变长",
        when: When::Always,
    },
    Key {
        keys: "x",
        en: "what if: lose, delay or double this segment",
        zh: "假如这个报文段丢失、迟到或重复？",
        when: When::Sim,
    },
    Key {
        keys: "c",
        en: "choose another scenario",
        zh: "选择另一个场景",
        when: When::Sim,
    },
    Key {
        keys: "r",
        en: "restart from the first step",
        zh: "从第一步重新开始",
        when: When::Always,
    },
    Key {
        keys: "s",
        en: "raw / relative sequence numbers",
        zh: "原始 / 相对序列号",
        when: When::Always,
    },
    Key {
        keys: "l",
        en: "language of the explanations",
        zh: "切换语言（English / 中文）",
        when: When::Always,
    },
    Key {
        keys: "? h F1",
        en: "this help (? or Esc closes it)",
        zh: "本帮助（? 或 Esc 关闭）",
        when: When::Always,
    },
    Key {
        keys: "↑ ↓  Enter",
        en: "connection list: choose, open",
        zh: "连接列表：选择、打开",
        when: When::List,
    },
    Key {
        keys: "Esc",
        en: "back to the connection list (in the list: quit)",
        zh: "回到连接列表（在列表中：退出）",
        when: When::List,
    },
    Key {
        keys: "q  Esc",
        en: "quit",
        zh: "退出",
        when: When::NoList,
    },
    Key {
        keys: "q",
        en: "quit",
        zh: "退出",
        when: When::List,
    },
    Key {
        keys: "Ctrl-C",
        en: "quit, always",
        zh: "退出（任何时候）",
        when: When::Always,
    },
];

/// The legend under the keys: what the letters in the panes mean. Not
/// keys, so not in the key column.
const LEGEND: (&str, &str) = (
    "In the state diagram C marks the client, S the server.",
    "状态图中 C 表示客户端，S 表示服务端。",
);

/// The keys that mean something in `app`'s mode, in its language.
pub fn keys(app: &App) -> Vec<(&'static str, &'static str)> {
    let lab = app.live.as_ref().is_some_and(|l| l.drives);
    KEYS.iter()
        .filter(|k| match k.when {
            When::Always => true,
            When::List => app.has_list,
            When::NoList => !app.has_list,
            When::Lab => lab,
            When::Sim => app.replay.is_some(),
        })
        .map(|k| {
            let keys = match k.keys.split_once('|') {
                Some((en, zh)) => tr(app.lang, en, zh),
                None => k.keys,
            };
            (keys, tr(app.lang, k.en, k.zh))
        })
        .collect()
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let title = tr(
        app.lang,
        " Keys (? or Esc to close) ",
        " 按键（? 或 Esc 关闭） ",
    );
    let legend = tr(app.lang, LEGEND.0, LEGEND.1);
    render_keys(f, area, app, title, &keys(app), Some(legend));
}

/// An overlay listing `keys`, centred in `area`.
/// `footer` is a line of its own under the keys, across the whole width.
pub fn render_keys(
    f: &mut Frame,
    area: Rect,
    app: &App,
    title: &str,
    keys: &[(&str, &str)],
    footer: Option<&str>,
) {
    let t = &app.theme;
    let w = 72.min(area.width);
    // A blank line above the keys and the footer below them only where
    // there is room: every key must show at 80×24.
    let rows = keys.len() as u16 + 2;
    let top = u16::from(rows < area.height);
    let footer = footer.filter(|_| rows + top + 2 <= area.height);
    let extra = if footer.is_some() { 2 } else { 0 };
    let h = (rows + top + extra).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let mut lines = vec![Line::raw(""); top as usize];
    for (k, what) in keys {
        lines.push(Line::from(vec![
            Span::styled(format!(" {}", fit(k, 26)), t.bold()),
            Span::raw(*what),
        ]));
    }
    if let Some(footer) = footer {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!(" {footer}"), t.dim()));
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
