//! The bytes of the lab's application messages: HTTP/1.1 requests and
//! responses and the WebSocket handshake and frames (RFC 9112, RFC 6455),
//! made by hand so each byte on the wire is one the lesson can point at.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha1::{Digest, Sha1};

/// The GUID RFC 6455 §1.3 appends to the key before hashing.
pub const WS_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `N` bytes from the kernel's random source. The keys need no secrecy
/// here, but a fixed masking key would hide why masks exist.
pub fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    let mut got = 0;
    while got < N {
        // SAFETY: writes at most N - got bytes into b[got..].
        let r = unsafe { libc::getrandom(b[got..].as_mut_ptr().cast(), N - got, 0) };
        if r <= 0 {
            // getrandom(2) fails only on old kernels or a bad pointer: a
            // clock-made key still lets the lesson go on.
            let t = super::now_nanos() as u128;
            for (i, x) in b[got..].iter_mut().enumerate() {
                *x = (t >> ((i % 16) * 8)) as u8 ^ i as u8;
            }
            break;
        }
        got += r as usize;
    }
    b
}

/// A fresh `Sec-WebSocket-Key`: 16 random bytes in base64 (RFC 6455 §4.1).
pub fn new_ws_key() -> String {
    BASE64.encode(random::<16>())
}

/// `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + GUID)).
pub fn ws_accept(key: &str) -> String {
    let mut h = Sha1::new();
    h.update(key.as_bytes());
    h.update(WS_GUID.as_bytes());
    BASE64.encode(h.finalize())
}

/// The head of an HTTP message: everything before the empty line.
fn head(msg: &[u8]) -> &[u8] {
    let end = msg
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(msg.len());
    &msg[..end]
}

/// The value of header `name` (any case) in an HTTP message, trimmed.
pub fn header<'a>(msg: &'a [u8], name: &str) -> Option<&'a str> {
    let text = std::str::from_utf8(head(msg)).ok()?;
    text.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The target of a request line (`/` when there is none to read).
pub fn request_path(req: &[u8]) -> &str {
    std::str::from_utf8(head(req))
        .ok()
        .and_then(|t| t.split("\r\n").next())
        .and_then(|line| line.split(' ').nth(1))
        .filter(|p| p.starts_with('/'))
        .unwrap_or("/")
}

pub fn http_get(host: &str, path: &str, close: bool) -> Vec<u8> {
    let mut m =
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: synack\r\nAccept: */*\r\n");
    if close {
        m.push_str("Connection: close\r\n");
    }
    m.push_str("\r\n");
    m.into_bytes()
}

pub fn http_body(path: &str) -> String {
    format!("hello from {path}\n")
}

pub fn http_ok(path: &str, close: bool) -> Vec<u8> {
    let body = http_body(path);
    let mut m = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n",
        body.len()
    );
    if close {
        m.push_str("Connection: close\r\n");
    }
    m.push_str("\r\n");
    m.push_str(&body);
    m.into_bytes()
}

pub fn ws_upgrade(host: &str, key: &str) -> Vec<u8> {
    format!(
        "GET /chat HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .into_bytes()
}

/// The server's answer to the upgrade request it read: `101` with the
/// accept value of the key it found, or `400` when there was none.
pub fn ws_switching(request: &[u8]) -> Vec<u8> {
    match header(request, "sec-websocket-key") {
        Some(key) => format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {}\r\n\r\n",
            ws_accept(key)
        )
        .into_bytes(),
        None => b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec(),
    }
}

/// The client's check of the `101` it read (RFC 6455 §4.1): the status,
/// then the accept value. The error is one line for the student.
pub fn check_accept(response: &[u8], key: &str) -> Result<(), String> {
    if !response.starts_with(b"HTTP/1.1 101 ") {
        let line = String::from_utf8_lossy(head(response));
        let line = line.lines().next().unwrap_or("");
        return Err(format!("expected `HTTP/1.1 101`, got `{line}`"));
    }
    let want = ws_accept(key);
    match header(response, "sec-websocket-accept") {
        Some(got) if got == want => Ok(()),
        Some(got) => Err(format!("Sec-WebSocket-Accept is {got}, expected {want}")),
        None => Err("no Sec-WebSocket-Accept header".to_string()),
    }
}

/// One short, final WebSocket frame (RFC 6455 §5.2): FIN set, `opcode`,
/// and with `mask` the masking key before the XORed payload.
pub fn ws_frame(opcode: u8, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    // The lab's frames are a few bytes: the 7-bit length always fits.
    debug_assert!(payload.len() <= 125);
    let len = payload.len().min(125) as u8;
    let mut f = vec![
        0x80 | (opcode & 0x0f),
        len | if mask.is_some() { 0x80 } else { 0 },
    ];
    match mask {
        Some(k) => {
            f.extend_from_slice(&k);
            f.extend(payload.iter().enumerate().map(|(i, b)| b ^ k[i % 4]));
        }
        None => f.extend_from_slice(payload),
    }
    f
}

/// What the chat server writes to the other clients: the line it read,
/// prefixed with the name of the client it came from (`from`, 0-based).
pub fn chat_relay(from: usize, line: &[u8]) -> Vec<u8> {
    let mut out = format!("client {}: ", from + 1).into_bytes();
    out.extend_from_slice(line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accept_value_is_the_rfc_example() {
        // RFC 6455 §1.3's own example.
        assert_eq!(
            ws_accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn the_server_answers_the_key_it_read_and_the_client_checks_it() {
        let key = new_ws_key();
        assert_eq!(BASE64.decode(&key).unwrap().len(), 16);
        let req = ws_upgrade("127.0.0.1:80", &key);
        let resp = ws_switching(&req);
        assert!(resp.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
        assert_eq!(check_accept(&resp, &key), Ok(()));
        let other = new_ws_key();
        assert_ne!(key, other, "keys are random");
        let err = check_accept(&resp, &other).unwrap_err();
        assert!(err.starts_with("Sec-WebSocket-Accept is "), "{err}");
        assert!(check_accept(b"HTTP/1.1 200 OK\r\n\r\n", &key).is_err());
        assert!(check_accept(b"HTTP/1.1 101 x\r\n\r\n", &key).is_err());
        assert!(ws_switching(b"GET / HTTP/1.1\r\n\r\n").starts_with(b"HTTP/1.1 400"));
    }

    #[test]
    fn a_response_says_how_long_its_body_is() {
        let r = ws_string(http_ok("/two", false));
        assert!(r.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(r.contains("Content-Length: 16\r\n"));
        assert!(!r.contains("Connection"));
        assert!(r.ends_with("\r\n\r\nhello from /two\n"));
        assert!(ws_string(http_ok("/", true)).contains("Connection: close\r\n"));
        let g = http_get("127.0.0.1:8", "/one", false);
        assert_eq!(request_path(&g), "/one");
        assert_eq!(header(&g, "USER-AGENT"), Some("synack"));
        assert_eq!(request_path(b"garbage"), "/");
    }

    fn ws_string(b: Vec<u8>) -> String {
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn client_frames_are_masked_and_server_frames_are_not() {
        let k = [1, 2, 3, 4];
        let f = ws_frame(1, b"hi", Some(k));
        assert_eq!(f, [0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2]);
        assert_eq!(
            ws_frame(8, &1000u16.to_be_bytes(), None),
            [0x88, 2, 0x03, 0xe8]
        );
        let l = crate::wire::l7::websocket_l7(&f, f.len() as u32).unwrap();
        assert_eq!(l.label(), "WS text \"hi\"");
    }
}
