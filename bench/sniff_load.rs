//! The connection load of `bench/sniff.sh`: N loopback connections to
//! 127.0.0.1:PORT, one after the other, as fast as they can be made, with
//! a server on a second thread. Standalone, no crates:
//! `rustc -O bench/sniff_load.rs -o target/bench/sniff_load`.
//!
//!   sniff_load rst  N PORT   open (SYN, SYN/ACK, ACK), then the client
//!                            aborts (SO_LINGER 0: RST)
//!   sniff_load http N PORT   a small HTTP/1.1 request and response, the
//!                            server closes first (FINs both ways)
//!
//! Prints `connections seconds connections/s` on one line.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::Instant;

#[repr(C)]
struct Linger {
    onoff: i32,
    linger: i32,
}

unsafe extern "C" {
    fn setsockopt(fd: i32, level: i32, name: i32, v: *const Linger, len: u32) -> i32;
}

/// Make `close()` send a RST (SOL_SOCKET 1, SO_LINGER 13 on Linux).
fn abort_on_close(s: &TcpStream) {
    let l = Linger {
        onoff: 1,
        linger: 0,
    };
    // SAFETY: a valid fd and a live struct of the size given.
    unsafe { setsockopt(s.as_raw_fd(), 1, 13, &l, std::mem::size_of::<Linger>() as u32) };
}

const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: sniff_load\r\n\r\n";
const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 || !matches!(args[1].as_str(), "rst" | "http") {
        eprintln!("usage: sniff_load rst|http N PORT");
        std::process::exit(2);
    }
    let http = args[1] == "http";
    let n: u64 = args[2].parse().expect("N");
    let port: u16 = args[3].parse().expect("PORT");
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
    let server = std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        for _ in 0..n {
            let (mut s, _) = listener.accept().expect("accept");
            if http {
                let mut got = 0;
                while !buf[..got].windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf[got..]) {
                        Ok(0) | Err(_) => break,
                        Ok(k) => got += k,
                    }
                }
                let _ = s.write_all(RESPONSE);
                drop(s);
            } else {
                // The client aborts: wait for its RST, then close quietly.
                let _ = s.read(&mut buf);
                abort_on_close(&s);
            }
        }
    });
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    for _ in 0..n {
        let mut c = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        if http {
            c.write_all(REQUEST).expect("write");
            while let Ok(k) = c.read(&mut buf) {
                if k == 0 {
                    break;
                }
            }
        } else {
            abort_on_close(&c);
        }
        drop(c);
    }
    server.join().expect("server");
    let secs = start.elapsed().as_secs_f64();
    println!("{n} {secs:.3} {:.0}", n as f64 / secs);
}
