//! The export formats for slides and docs (SVG, Mermaid), shell completions
//! and the man page.

mod common;
use common::stdout_of as synack;

fn segment_count(scenario: &str) -> usize {
    synack(&["simulate", scenario, "--json"])
        .lines()
        .filter(|l| l.contains(r#""kind":"segment""#))
        .count()
}

#[test]
fn svg_is_well_formed_with_one_arrow_per_segment() {
    for scenario in synack::source::scenario::NAMES {
        let svg = synack(&["simulate", scenario, "--format", "svg"]);
        let doc = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{scenario}: not well-formed XML: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let arrows = doc
            .descendants()
            .filter(|n| n.has_tag_name("line") && n.attribute("marker-end").is_some())
            .count();
        let lost = doc
            .descendants()
            .filter(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.contains("✕ lost")))
            .count();
        assert_eq!(arrows + lost, segment_count(scenario), "{scenario}");
        assert!(
            svg.contains("TIME_WAIT")
                || scenario == "refused"
                || scenario.contains("abort")
                || scenario.contains("unread")
                || scenario == "time-wait"
        );
    }
}

#[test]
fn mermaid_has_one_message_per_segment() {
    for scenario in synack::source::scenario::NAMES {
        let m = synack(&["simulate", scenario, "--format", "mermaid"]);
        assert!(m.starts_with("sequenceDiagram\n"));
        let messages = m
            .lines()
            .filter(|l| {
                let t = l.trim_start();
                t.starts_with("C->>S:")
                    || t.starts_with("S->>C:")
                    || t.starts_with("C-xS:")
                    || t.starts_with("S-xC:")
            })
            .count();
        assert_eq!(messages, segment_count(scenario), "{scenario}");
    }
    let lost = synack(&["simulate", "syn-lost", "--format", "mermaid"]);
    assert!(lost.contains("C-xS: [S] SYN seq=0 (lost)"));
}

#[test]
fn the_readme_picture_is_what_the_code_draws_now() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/handshake.svg"))
            .expect("docs/handshake.svg");
    let now = synack(&["simulate", "handshake", "--format", "svg"]);
    assert_eq!(
        committed, now,
        "regenerate: synack simulate handshake --format svg > docs/handshake.svg"
    );
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = synack(&["completions", shell]);
        for sub in ["simulate", "inspect", "scenarios", "live", "sniff"] {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    let man = synack(&["man"]);
    assert!(man.contains(".TH synack 1"));
    assert!(man.contains("simulate"));
}

/// A capture of two connections without `--stream`: one ladder each (a
/// diagram has one pair of lifelines, and the second connection's arrows
/// must not be drawn between the first one's ends).
#[test]
fn one_ladder_per_connection_without_stream() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/sim-time-wait.pcap");
    let m = synack(&["inspect", file, "--format", "mermaid"]);
    assert_eq!(m.matches("sequenceDiagram\n").count(), 2, "{m}");
    assert!(m.contains("    title stream 1: "), "{m}");
    let one = synack(&["inspect", file, "--format", "mermaid", "--stream", "1"]);
    assert_eq!(one.matches("sequenceDiagram\n").count(), 1, "{one}");
    assert!(!one.contains("title"), "{one}");

    let svg = synack(&["inspect", file, "--format", "svg"]);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let lifelines = doc
        .descendants()
        .filter(|n| n.has_tag_name("line") && n.attribute("stroke") == Some("#888"))
        .count();
    assert_eq!(lifelines, 4, "two lifelines per connection");
    let captions: Vec<&str> = doc
        .descendants()
        .filter(|n| n.is_element())
        .filter_map(|n| n.text())
        .filter(|t| t.starts_with("stream "))
        .collect();
    assert_eq!(captions, ["stream 0", "stream 1"]);
}

/// Several connections to one server (the chat recording): one diagram, a
/// lifeline per client and the server's, each arrow on its own client's.
#[test]
fn one_ladder_with_a_lane_per_client_for_one_server() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/live-chat.pcap");
    let steps: Vec<serde_json::Value> = synack(&["inspect", file, "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Which lane each stream's client is on: in order of first appearance.
    let mut ports: Vec<u64> = Vec::new();
    let mut want = Vec::new();
    for s in &steps {
        let client_port = if s["side"] == "client" {
            &s["sport"]
        } else {
            &s["dport"]
        };
        let port = client_port.as_u64().unwrap();
        if !ports.contains(&port) {
            ports.push(port);
        }
        let k = ports.iter().position(|p| *p == port).unwrap() + 1;
        want.push(if s["side"] == "client" {
            format!("C{k}->>S")
        } else {
            format!("S->>C{k}")
        });
    }
    assert_eq!(ports.len(), 3);

    let m = synack(&["inspect", file, "--format", "mermaid"]);
    assert_eq!(m.matches("sequenceDiagram\n").count(), 1, "{m}");
    for (k, port) in ports.iter().enumerate() {
        assert!(
            m.contains(&format!(
                "participant C{} as client {} 127.0.0.1:{port}",
                k + 1,
                k + 1
            )),
            "{m}"
        );
    }
    let arrows: Vec<String> = m
        .lines()
        .filter_map(|l| l.trim().split(':').next())
        .filter(|l| l.contains("->>"))
        .map(str::to_string)
        .collect();
    assert_eq!(arrows, want);
    // The server's states are per connection: its notes name the client.
    assert!(m.contains("Note right of S: client 3: CLOSE_WAIT"), "{m}");
    // One stream asked for: its own two-party diagram, as before.
    let one = synack(&["inspect", file, "--format", "mermaid", "--stream", "2"]);
    assert!(
        one.contains("participant C as client") && !one.contains("C2"),
        "{one}"
    );

    let svg = synack(&["inspect", file, "--format", "svg"]);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let lifelines = doc
        .descendants()
        .filter(|n| n.has_tag_name("line") && n.attribute("stroke") == Some("#888"))
        .count();
    assert_eq!(lifelines, 4, "three clients and the server");
    let arrows = doc
        .descendants()
        .filter(|n| n.has_tag_name("line") && n.attribute("marker-end").is_some())
        .count();
    assert_eq!(arrows, steps.len(), "one arrow per segment");
}
