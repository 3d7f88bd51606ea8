//! The layers pane: the current segment's bytes split by layer, each layer
//! mapped to the OSI and TCP/IP models with its header fields (worded by
//! `explain::fields`), and a hex dump coloured by layer to match.

use super::app::{App, HitMap, Pane};
use super::text::{pane_block, wrapped};
use crate::explain::{self, fields};
use crate::i18n::{msg, text};
use crate::timeline::{FrameBytes, Layer};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// "L2", "L3", "L4", "L7": the OSI number used as a tag.
pub fn tag(layer: Layer) -> &'static str {
    match layer {
        Layer::Link => "L2",
        Layer::Network => "L3",
        Layer::Transport => "L4",
        Layer::Application => "L7",
    }
}

fn layer_of(fb: &FrameBytes, i: usize) -> Option<Layer> {
    fb.layers
        .iter()
        .find(|l| l.range.contains(&i))
        .map(|l| l.layer)
}

/// The hex dump, `per` bytes a line, each byte in its layer's colour and
/// the layers present on each line named at its end.
pub fn hex_dump(app: &App, fb: &FrameBytes, per: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let style = |l: Option<Layer>| l.map_or(t.dim(), |l| t.layer(l));
    let mut out = Vec::new();
    for (n, chunk) in fb.data.chunks(per).enumerate() {
        let base = n * per;
        let mut spans = vec![Span::styled(format!("{base:04x}  "), t.dim())];
        let mut tags: Vec<Layer> = Vec::new();
        for (k, b) in chunk.iter().enumerate() {
            let l = layer_of(fb, base + k);
            if let Some(l) = l
                && !tags.contains(&l)
            {
                tags.push(l);
            }
            let sep = if k + 1 == per / 2 { "  " } else { " " };
            spans.push(Span::styled(format!("{b:02x}"), style(l)));
            spans.push(Span::raw(sep));
        }
        let missing = per - chunk.len();
        let pad = missing * 3 + usize::from(chunk.len() < per / 2) + 1;
        spans.push(Span::raw(" ".repeat(pad)));
        for (k, b) in chunk.iter().enumerate() {
            let c = if (0x20..0x7f).contains(b) {
                *b as char
            } else {
                '.'
            };
            spans.push(Span::styled(c.to_string(), style(layer_of(fb, base + k))));
        }
        spans.push(Span::raw(" ".repeat(missing + 1)));
        for l in tags {
            spans.push(Span::styled(format!(" {}", tag(l)), t.layer(l)));
        }
        out.push(Line::from(spans));
    }
    out
}

/// All the lines of the pane for a width of `w`.
pub fn lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let lang = app.lang;
    let Some(step) = app.tl.steps.get(app.current) else {
        return vec![];
    };
    let Some(v) = step.segment.as_ref() else {
        let mut out = wrapped(text(lang, "tui-layers-no-segment"), w, "", t.dim());
        for l in explain::layers_in(step, lang) {
            out.extend(wrapped(&l, w, "   ", Style::new()));
        }
        return out;
    };
    let Some(fb) = v.bytes.as_ref() else {
        let mut out = wrapped(text(lang, "tui-layers-no-bytes"), w, "", t.dim());
        for l in explain::layers_in(step, lang) {
            out.extend(wrapped(&l, w, "   ", Style::new()));
        }
        return out;
    };
    let mut out = wrapped(
        &msg!(
            lang,
            "tui-layers-frame",
            frame = v.frame,
            captured = fb.data.len(),
            wire = fb.orig_len,
            link = fb.link_type,
            link_name = fields::link_type_name_in(fb.link_type, lang),
            lost = if v.lost { "yes" } else { "no" }
        ),
        w,
        "  ",
        t.bold(),
    );
    for span in &fb.layers {
        let style = t.layer(span.layer).patch(t.bold());
        out.push(Line::raw(""));
        out.extend(wrapped(
            &msg!(
                lang,
                "tui-layers-span",
                tag = tag(span.layer),
                name = explain::layer_name(&span.name, lang),
                osi = explain::osi_name(span.layer, lang),
                tcpip = explain::tcpip_name(span.layer, lang),
                start = span.range.start,
                end = span.range.end.saturating_sub(1),
                n = span.range.len()
            ),
            w,
            "  ",
            style,
        ));
        let fields = match span.layer {
            Layer::Link => fields::link(fb, span, lang),
            Layer::Network => fields::network(fb, span, lang),
            Layer::Transport => fields::transport(
                fb,
                span,
                v,
                fields::window_shift(&app.tl, app.current),
                lang,
            ),
            // About four wrapped lines of the pane.
            Layer::Application => {
                let bytes = fb.data.get(span.range.clone()).unwrap_or(&[]);
                // Decoded only where the step was recognised: a WebSocket
                // header is believed only on an upgraded connection.
                let ws =
                    v.l7.as_ref()
                        .is_some_and(|l| l.protocol == crate::wire::l7::Protocol::Websocket);
                let mut out = if v.l7.is_some() {
                    crate::wire::l7::describe(bytes, v.len, ws).unwrap_or_default()
                } else {
                    Vec::new()
                };
                out.extend(fields::payload(
                    fb,
                    span,
                    lang,
                    (w.saturating_sub(6) * 4).max(48),
                ));
                out
            }
        };
        for f in fields {
            out.extend(wrapped(&format!("  {f}"), w, "    ", t.layer(span.layer)));
        }
    }
    out.push(Line::raw(""));
    let per = if w >= 78 { 16 } else { 8 };
    out.extend(hex_dump(app, fb, per));
    if (fb.orig_len as usize) > fb.data.len() {
        let cut = fb.orig_len as usize - fb.data.len();
        out.push(Line::styled(
            msg!(lang, "tui-layers-snap-cut", n = cut),
            t.dim(),
        ));
    }
    out
}

pub fn render(f: &mut Frame, area: Rect, app: &App, hits: &mut HitMap, title: &str) {
    let block = pane_block(app, Pane::Layers, title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let all = lines(app, inner.width as usize);
    let max = all.len().saturating_sub(inner.height as usize) as u16;
    hits.max_scroll[Pane::Layers.index()] = max;
    let off = app.steps.scroll[Pane::Layers.index()].min(max);
    f.render_widget(Paragraph::new(all).scroll((off, 0)), inner);
}
