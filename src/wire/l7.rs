//! Application-layer recognition: HTTP/1.x by content on any port and
//! WebSocket frame headers. Pure and bounded: a recogniser looks at no more
//! than [`SCAN`] bytes of a payload and allocates only its short summary,
//! so a hostile or huge payload costs the same as a small one.

pub use crate::timeline::l7::{L7, Protocol};

/// Bytes of a payload a recogniser looks at. A request or status line
/// longer than this is not labelled (Wireshark would, but a label that
/// long is no use on an arrow anyway).
pub const SCAN: usize = 512;

/// Characters of a request target or a WebSocket text kept in a summary.
const SHOWN: usize = 40;

const METHODS: [&[u8]; 9] = [
    b"GET", b"POST", b"PUT", b"DELETE", b"HEAD", b"OPTIONS", b"PATCH", b"CONNECT", b"TRACE",
];

/// The first line of `p` within [`SCAN`]: up to CRLF (or a bare LF), or
/// everything looked at when the segment ends first.
fn first_line(p: &[u8]) -> &[u8] {
    let w = &p[..p.len().min(SCAN)];
    let end = w.iter().position(|&b| b == b'\n').unwrap_or(w.len());
    let line = &w[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn is_version(v: &[u8]) -> bool {
    v.len() == 8 && v.starts_with(b"HTTP/1.") && v[7].is_ascii_digit()
}

fn shorten(s: &str, out: &mut String) {
    for (n, c) in s.chars().enumerate() {
        if n == SHOWN {
            out.push('…');
            return;
        }
        out.push(c);
    }
}

/// An HTTP/1.x request line with a known method or a status line.
pub fn http(p: &[u8]) -> Option<L7> {
    // Every method and `HTTP/` start with one of these: most binary
    // payloads are turned away on their first byte.
    if !matches!(
        p.first(),
        Some(b'G' | b'P' | b'H' | b'D' | b'O' | b'C' | b'T')
    ) {
        return None;
    }
    let line = first_line(p);
    if !line.iter().all(|&b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    let text = std::str::from_utf8(line).ok()?;
    if let Some(rest) = text.strip_prefix("HTTP/1.") {
        let mut it = rest.splitn(3, ' ');
        let minor = it.next()?;
        let code = it.next()?;
        if minor.len() != 1
            || !minor.as_bytes()[0].is_ascii_digit()
            || code.len() != 3
            || !code.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let reason = it.next().unwrap_or("");
        let mut summary = String::from(code);
        if !reason.is_empty() {
            summary.push(' ');
            shorten(reason, &mut summary);
        }
        let upgrade = code == "101" && upgrades_to_websocket(p);
        return Some(L7 {
            protocol: Protocol::Http,
            summary,
            upgrade,
        });
    }
    let mut it = text.split(' ');
    let method = it.next()?;
    let target = it.next()?;
    // A request line longer than what is looked at (long query strings
    // are common): its version is out of sight, the method and a target
    // starting with `/` are taken as enough.
    let beyond = line.len() == SCAN && p.len() > SCAN && target.starts_with('/');
    let version = if beyond { "" } else { it.next()? };
    if it.next().is_some()
        || !METHODS.contains(&method.as_bytes())
        || target.is_empty()
        || !(beyond || is_version(version.as_bytes()))
    {
        return None;
    }
    let mut summary = String::with_capacity(method.len() + SHOWN + 12);
    summary.push_str(method);
    summary.push(' ');
    shorten(target, &mut summary);
    if !version.is_empty() {
        summary.push(' ');
        summary.push_str(version);
    }
    Some(L7 {
        protocol: Protocol::Http,
        summary,
        upgrade: false,
    })
}

/// The header lines after the first line, within [`SCAN`], and whether the
/// blank line that ends them was seen (false: cut at the segment end or
/// beyond what is looked at).
pub fn headers(p: &[u8]) -> (Vec<&[u8]>, bool) {
    let w = &p[..p.len().min(SCAN)];
    let mut out = Vec::new();
    let mut lines = w.split(|&b| b == b'\n').peekable();
    lines.next();
    let mut ended = false;
    while let Some(l) = lines.next() {
        // The last piece has no LF after it: a line the segment cut.
        let terminated = lines.peek().is_some();
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        if l.is_empty() {
            ended = terminated;
            break;
        }
        out.push(l);
    }
    (out, ended)
}

fn upgrades_to_websocket(p: &[u8]) -> bool {
    headers(p).0.iter().any(|h| {
        let Some(colon) = h.iter().position(|&b| b == b':') else {
            return false;
        };
        h[..colon].trim_ascii().eq_ignore_ascii_case(b"upgrade")
            && h[colon + 1..]
                .windows(9)
                .any(|w| w.eq_ignore_ascii_case(b"websocket"))
    })
}

/// A WebSocket frame header (RFC 6455 section 5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WsFrame {
    pub fin: bool,
    /// RSV1-3 as the top three bits' value (RSV1 is permessage-deflate).
    pub rsv: u8,
    pub opcode: u8,
    pub key: Option<[u8; 4]>,
    pub len: u64,
    /// Bytes of header before the payload (2 to 14).
    pub header_len: usize,
}

pub fn opcode_name(op: u8) -> &'static str {
    match op {
        0 => "continuation",
        1 => "text",
        2 => "binary",
        8 => "close",
        9 => "ping",
        10 => "pong",
        _ => "reserved",
    }
}

/// A frame header that is well formed and whose frame fits in `seg_len`
/// payload bytes. Lengths must use their shortest encoding, as the RFC
/// requires, which keeps random binary from passing too easily.
pub fn websocket(p: &[u8], seg_len: u32) -> Option<WsFrame> {
    let (&b0, &b1) = (p.first()?, p.get(1)?);
    let fin = b0 & 0x80 != 0;
    let rsv = (b0 >> 4) & 0x07;
    let opcode = b0 & 0x0f;
    // Only RSV1 has a registered use (compression), never on control frames.
    if rsv & 0x03 != 0 || !matches!(opcode, 0..=2 | 8..=10) {
        return None;
    }
    let masked = b1 & 0x80 != 0;
    let short = u64::from(b1 & 0x7f);
    let (len, mut at) = match short {
        126 => {
            let l = u64::from(u16::from_be_bytes([*p.get(2)?, *p.get(3)?]));
            if l < 126 {
                return None;
            }
            (l, 4)
        }
        127 => {
            let b: [u8; 8] = p.get(2..10)?.try_into().ok()?;
            let l = u64::from_be_bytes(b);
            if l < 65536 || l >> 63 != 0 {
                return None;
            }
            (l, 10)
        }
        l => (l, 2),
    };
    if opcode >= 8 && (!fin || len > 125 || rsv != 0) {
        return None;
    }
    let key = if masked {
        let k: [u8; 4] = p.get(at..at + 4)?.try_into().ok()?;
        at += 4;
        Some(k)
    } else {
        None
    };
    if (at as u64).saturating_add(len) > u64::from(seg_len) {
        return None;
    }
    Some(WsFrame {
        fin,
        rsv,
        opcode,
        key,
        len,
        header_len: at,
    })
}

impl WsFrame {
    /// The payload bytes the segment holds, unmasked, at most `max`.
    pub fn unmasked(&self, p: &[u8], max: usize) -> Vec<u8> {
        let start = self.header_len.min(p.len());
        let end = p
            .len()
            .min(start.saturating_add(usize::try_from(self.len).unwrap_or(usize::MAX)))
            .min(start + max);
        p[start..end]
            .iter()
            .enumerate()
            .map(|(i, b)| self.key.map_or(*b, |k| b ^ k[i % 4]))
            .collect()
    }

    fn l7_from(&self, p: &[u8]) -> L7 {
        let mut summary = String::from(opcode_name(self.opcode));
        match self.opcode {
            1 => {
                summary.push_str(" \"");
                let text = self.unmasked(p, SHOWN * 4);
                let text = String::from_utf8_lossy(&text);
                for (n, c) in text.chars().enumerate() {
                    if n == SHOWN || c == '\u{fffd}' {
                        summary.push('…');
                        break;
                    }
                    match c {
                        '"' => summary.push_str("\\\""),
                        c if c.is_control() => summary.push(' '),
                        c => summary.push(c),
                    }
                }
                summary.push('"');
            }
            0 | 2 => summary.push_str(&format!(" {} bytes", self.len)),
            8 if self.len >= 2 => {
                let c = self.unmasked(p, 2);
                if c.len() == 2 {
                    summary.push_str(&format!(" {}", u16::from_be_bytes([c[0], c[1]])));
                }
            }
            _ => {}
        }
        L7 {
            protocol: Protocol::Websocket,
            summary,
            upgrade: false,
        }
    }
}

/// The label of the WebSocket frame at the start of `p`, with its text.
pub fn websocket_l7(p: &[u8], seg_len: u32) -> Option<L7> {
    websocket(p, seg_len).map(|f| f.l7_from(p))
}

/// HTTP first, then a WebSocket frame that fits `seg_len` (the segment's
/// payload length). The caller decides whether a WebSocket candidate is
/// believable: only after an upgrade on its connection.
pub fn recognise(p: &[u8], seg_len: u32) -> Option<L7> {
    http(p).or_else(|| websocket_l7(p, seg_len))
}

/// Lines for the layers pane: the HTTP start line and headers, or the
/// WebSocket frame header's fields; `None` when not recognised (the pane
/// shows bytes).
pub fn describe(p: &[u8], seg_len: u32, websocket_ok: bool) -> Option<Vec<String>> {
    if http(p).is_some() {
        let mut out = vec![format!("HTTP: {}", String::from_utf8_lossy(first_line(p)))];
        let (hs, ended) = headers(p);
        for l in hs {
            out.push(format!("  {}", String::from_utf8_lossy(l)));
        }
        if !ended {
            out.push("  (headers go on beyond what is shown)".into());
        }
        return Some(out);
    }
    if !websocket_ok {
        return None;
    }
    let f = websocket(p, seg_len)?;
    let mut out = vec![
        format!(
            "WebSocket: FIN {}, opcode {} ({}), RSV {}",
            u8::from(f.fin),
            f.opcode,
            opcode_name(f.opcode),
            f.rsv
        ),
        format!(
            "  mask {}, payload length {}",
            u8::from(f.key.is_some()),
            f.len
        ),
    ];
    if let Some(k) = f.key {
        out.push(format!(
            "  masking key {:02x}{:02x}{:02x}{:02x}",
            k[0], k[1], k[2], k[3]
        ));
    }
    let data = f.unmasked(p, 64);
    if f.opcode == 1 {
        let what = if f.key.is_some() {
            "unmasked text"
        } else {
            "text"
        };
        out.push(format!("  {what}: {}", String::from_utf8_lossy(&data)));
    } else if !data.is_empty() {
        let hex: Vec<String> = data.iter().map(|b| format!("{b:02x}")).collect();
        out.push(format!("  payload: {}", hex.join(" ")));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(fin_op: u8, payload: &[u8], key: Option<[u8; 4]>) -> Vec<u8> {
        let mut f = vec![fin_op];
        let m = if key.is_some() { 0x80 } else { 0 };
        match payload.len() {
            n if n < 126 => f.push(m | n as u8),
            n if n < 65536 => {
                f.push(m | 126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(m | 127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        if let Some(k) = key {
            f.extend_from_slice(&k);
            f.extend(payload.iter().enumerate().map(|(i, b)| b ^ k[i % 4]));
        } else {
            f.extend_from_slice(payload);
        }
        f
    }

    #[test]
    fn http_request_and_status_lines() {
        let r = http(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
        assert_eq!(
            (r.protocol, r.summary.as_str()),
            (Protocol::Http, "GET / HTTP/1.1")
        );
        let s = http(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi").unwrap();
        assert_eq!(s.summary, "200 OK");
        assert!(!s.upgrade);
        let u = http(
            b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nupgrade: WebSocket\r\n\r\n",
        )
        .unwrap();
        assert_eq!(u.summary, "101 Switching Protocols");
        assert!(u.upgrade);
        // A bare LF ends a line too; a status without a reason is legal.
        assert_eq!(http(b"HTTP/1.0 204\n\n").unwrap().summary, "204");
        assert_eq!(
            http(b"POST /upload HTTP/1.0\r\n").unwrap().summary,
            "POST /upload HTTP/1.0"
        );
    }

    #[test]
    fn not_http() {
        for p in [
            &b"FOO / HTTP/1.1\r\n"[..],
            b"GET / HTTP/2.0\r\n",
            b"GET /\r\n",
            b"GET  / HTTP/1.1\r\n",
            b"HTTP/1.1 20 OK\r\n",
            b"HTTP/1.1 2000 OK\r\n",
            b"HTTP/1.x 200 OK\r\n",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
            b"SSH-2.0-OpenSSH_8.9\r\n",
            b"hello",
            b"",
            b"GET / HTTP/1.1\x00\r\n",
        ] {
            assert_eq!(http(p), None, "{:?}", String::from_utf8_lossy(p));
        }
    }

    #[test]
    fn headers_cut_at_the_segment_end() {
        let p = b"GET /a HTTP/1.1\r\nHost: example.org\r\nAccept: te";
        assert_eq!(http(p).unwrap().summary, "GET /a HTTP/1.1");
        let (h, ended) = headers(p);
        assert_eq!(h, vec![&b"Host: example.org"[..], b"Accept: te"]);
        assert!(!ended);
        let (h, ended) = headers(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nbody");
        assert_eq!(h, vec![&b"Host: a"[..]]);
        assert!(ended);
        let lines = describe(p, p.len() as u32, false).unwrap();
        assert_eq!(lines[0], "HTTP: GET /a HTTP/1.1");
        assert!(lines.last().unwrap().contains("beyond"));
        // The request line itself cut before its version: not labelled.
        assert_eq!(http(b"GET /a HT"), None);
    }

    #[test]
    fn long_targets_are_shortened_and_long_lines_still_named() {
        let mut p = b"GET /".to_vec();
        p.extend(std::iter::repeat_n(b'a', 2000));
        p.extend_from_slice(b" HTTP/1.1\r\n\r\n");
        let l = http(&p).unwrap();
        assert!(l.summary.starts_with("GET /aaaa"));
        assert!(l.summary.ends_with('…'));
        assert!(l.summary.chars().count() < 60);
    }

    #[test]
    fn websocket_lengths_masks_and_text() {
        let key = [0x37, 0xfa, 0x21, 0x3d];
        for (payload, masked) in [
            (b"hi".to_vec(), true),
            (b"hi".to_vec(), false),
            (vec![b'x'; 300], true),
            (vec![b'y'; 70_000], false),
        ] {
            let k = masked.then_some(key);
            let f = ws(0x81, &payload, k);
            let h = websocket(&f, f.len() as u32).unwrap();
            assert!(h.fin);
            assert_eq!(h.opcode, 1);
            assert_eq!(h.len, payload.len() as u64);
            assert_eq!(h.key, k);
            assert_eq!(
                h.header_len,
                match payload.len() {
                    2 => 2,
                    300 => 4,
                    _ => 10,
                } + if masked { 4 } else { 0 }
            );
            assert_eq!(h.unmasked(&f, 8), payload[..payload.len().min(8)]);
            // One byte short of the frame: it does not fit the segment.
            assert_eq!(websocket(&f, f.len() as u32 - 1), None);
        }
        let f = ws(0x81, b"say \"hi\"", Some(key));
        let l = recognise(&f, f.len() as u32).unwrap();
        assert_eq!(l.protocol, Protocol::Websocket);
        assert_eq!(l.summary, r#"text "say \"hi\"""#);
        assert_eq!(l.label(), r#"WS text "say \"hi\"""#);
        let f = ws(0x82, &[1, 2, 3], None);
        assert_eq!(recognise(&f, 5).unwrap().summary, "binary 3 bytes");
        let f = ws(0x88, &[0x03, 0xe8], Some(key));
        assert_eq!(recognise(&f, f.len() as u32).unwrap().summary, "close 1000");
        let d = describe(&ws(0x81, b"hi", Some(key)), 8, true).unwrap();
        assert!(d[0].contains("FIN 1, opcode 1 (text)"), "{d:?}");
        assert!(d[1].contains("mask 1, payload length 2"));
        assert!(d[2].contains("37fa213d"));
        assert!(d[3].ends_with("unmasked text: hi"));
    }

    #[test]
    fn websocket_rejects_malformed_headers() {
        // Reserved opcode, RSV2, a fragmented ping, a long ping, a 16-bit
        // length that fits in 7 bits, the top bit of a 64-bit length.
        for f in [
            vec![0x83, 0x00],
            vec![0xa1, 0x00],
            vec![0x09, 0x00],
            {
                let mut v = vec![0x89, 126, 0, 200];
                v.resize(204, 0);
                v
            },
            vec![0x81, 126, 0, 5, 1, 2, 3, 4, 5],
            vec![0x82, 127, 0x80, 0, 0, 0, 0, 1, 0, 0],
            vec![0x81],
            vec![0x81, 0x85, 1, 2],
        ] {
            assert_eq!(websocket(&f, u32::MAX), None, "{f:?}");
        }
    }

    #[test]
    fn hostile_payloads_cost_what_small_ones_do() {
        // Megabytes with no line end, a claimed 2^62-byte frame, and
        // printable noise: answered from the first SCAN bytes, no panic.
        let big = vec![b'A'; 8 << 20];
        assert_eq!(http(&big), None);
        assert_eq!(headers(&big).0.len(), 0);
        let mut f = vec![0x82, 127];
        f.extend_from_slice(&(1u64 << 62).to_be_bytes());
        f.resize(64, 0);
        assert_eq!(websocket(&f, u32::MAX), None);
        let mut nested = b"GET / HTTP/1.1\r\n".to_vec();
        nested.extend(std::iter::repeat_n(b"X: y\r\n".iter().copied(), 1 << 20).flatten());
        let (h, ended) = headers(&nested);
        assert!(h.len() <= SCAN / 2 && !ended);
        let l = describe(&nested, u32::MAX, false).unwrap();
        assert!(l.len() <= SCAN / 2);
        let mut text = ws(0x81, &vec![b'z'; 60_000], None);
        text.truncate(4000);
        let l = websocket_l7(&text, 60_004).unwrap();
        assert!(l.summary.chars().count() < 60);
    }
}
