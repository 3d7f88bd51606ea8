//! Views render a timeline. They never parse packets or decide states.

pub mod html;
pub mod json;
pub mod mermaid;
pub mod plain;
pub mod quiz;
pub mod svg;
pub mod tui;

/// The steps of `tl` (or of its stream `only`) grouped by connection, in
/// order of first appearance, each group in step order: for the views that
/// draw one ladder per connection.
pub fn by_stream(
    tl: &crate::timeline::Timeline,
    only: Option<u32>,
) -> Vec<Vec<&crate::timeline::Step>> {
    // A UDP conversation's number is apart from TCP's: keyed by both.
    let mut index: std::collections::HashMap<(bool, u32), usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<&crate::timeline::Step>> = Vec::new();
    for step in tl
        .steps
        .iter()
        .filter(|s| only.is_none_or(|n| s.in_tcp_stream(n)))
    {
        let key = (step.is_udp(), step.stream);
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(step);
    }
    groups
}
