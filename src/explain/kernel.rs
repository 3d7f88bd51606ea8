//! What this machine's TCP settings (sysctls) mean for the lessons. The
//! values are read at the I/O edge (`live::sysctl`) and passed in; nothing
//! here reads files.

use super::Lang;
use crate::i18n::{msg, text};
use crate::timeline::{KernelTransition, state_name};

/// The `net.ipv4` settings the explanations depend on; `None` when the
/// kernel does not have it (tcp_syn_linear_timeouts is Linux 6.5+).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KernelSettings {
    pub tcp_syn_retries: Option<u32>,
    pub tcp_syn_linear_timeouts: Option<u32>,
    pub tcp_rfc1337: Option<u32>,
    pub tcp_tw_reuse: Option<u32>,
    pub tcp_syncookies: Option<u32>,
}

/// When connect() resends an unanswered SYN, and when it gives up: the
/// times (seconds after the first SYN) of each retry, and of ETIMEDOUT.
/// Linux starts at 1 s (TCP_TIMEOUT_INIT); the first `linear` retries keep
/// that timeout, then each one doubles it (Documentation/networking/
/// ip-sysctl.rst: "1, 1, 1, 1, 1, 2, 4, ..."). It gives up not after
/// `retries` retries but once the time a doubling schedule of `retries`
/// retries would take has passed (`tcp_model_timeout`: 127 s for 6), so
/// linear timeouts make more retries in that time: with the defaults,
/// the last at 67 s and ETIMEDOUT at 131 s, as ip-sysctl.rst says and as
/// measured on Linux 6.18 (docs/lessons/backlog.md).
pub fn syn_schedule(retries: u32, linear: u32) -> (Vec<u32>, u32) {
    const RTO_MAX: u32 = 120;
    let rto = |i: u32| -> u32 {
        if i <= linear {
            1
        } else {
            (1u32 << (i - linear).min(7)).min(RTO_MAX)
        }
    };
    let budget: u32 = (0..=retries).map(|i| (1u32 << i.min(7)).min(RTO_MAX)).sum();
    let mut t = 0;
    let mut sent = Vec::new();
    for i in 0.. {
        t += rto(i);
        if t >= budget {
            break;
        }
        sent.push(t);
    }
    (sent, t)
}

fn list(v: &[u32], lang: Lang) -> String {
    v.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(text(lang, "list-separator"))
}

/// One sentence per setting that was read, saying its value and what this
/// machine therefore does.
pub fn describe(k: &KernelSettings, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(retries) = k.tcp_syn_retries {
        let linear = k.tcp_syn_linear_timeouts.unwrap_or(0);
        let (sent, give_up) = syn_schedule(retries, linear);
        let setting = match k.tcp_syn_linear_timeouts {
            Some(l) => format!(
                "net.ipv4.tcp_syn_retries = {retries}, net.ipv4.tcp_syn_linear_timeouts = {l}"
            ),
            None => format!("net.ipv4.tcp_syn_retries = {retries}"),
        };
        out.push(msg!(
            lang,
            "kernel-syn-retries",
            setting = setting,
            times = list(&sent, lang),
            give_up = give_up
        ));
    }
    if let Some(v) = k.tcp_rfc1337 {
        out.push(match v {
            0 => msg!(lang, "kernel-rfc1337-off"),
            v => msg!(lang, "kernel-rfc1337-on", v = v),
        });
    }
    if let Some(v) = k.tcp_tw_reuse {
        out.push(match v {
            0 => msg!(lang, "kernel-tw-reuse-off", v = v),
            1 => msg!(lang, "kernel-tw-reuse-on", v = v),
            _ => msg!(lang, "kernel-tw-reuse-loopback", v = v),
        });
    }
    if let Some(v) = k.tcp_syncookies {
        out.push(match v {
            0 => msg!(lang, "kernel-syncookies-off"),
            v => msg!(lang, "kernel-syncookies-on", v = v),
        });
    }
    out
}

/// One of the kernel's own state changes, as a tracepoint reported it:
/// `server (connection socket): LISTEN → SYN_RECEIVED at 0.004213 s`.
pub fn transition_in(t: &KernelTransition, lang: Lang) -> String {
    let socket = match t.socket {
        "listener" => text(lang, "kernel-socket-listener"),
        "time_wait" => text(lang, "kernel-socket-time-wait"),
        _ => text(lang, "kernel-socket-connection"),
    };
    msg!(
        lang,
        "kernel-transition",
        side = lang.side(t.side),
        socket = socket,
        from = state_name(t.from),
        to = state_name(t.to),
        t = format!("{:.6}", t.t),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_6_5_keeps_the_first_syn_retries_one_second_apart() {
        // ip-sysctl.rst: RTOs 1, 1, 1, 1, 1, 2, 4 with 4 linear timeouts.
        // ip-sysctl.rst: the last retransmission at 67 s, the final
        // timeout at 131 s; tshark saw exactly these SYNs on Linux 6.18.
        assert_eq!(
            syn_schedule(6, 4),
            (vec![1, 2, 3, 4, 5, 7, 11, 19, 35, 67], 131)
        );
        // Before 6.5 (or with 0): the classic doubling, ETIMEDOUT at 127 s.
        assert_eq!(syn_schedule(6, 0), (vec![1, 3, 7, 15, 31, 63], 127));
    }

    #[test]
    fn each_setting_read_is_named_with_its_value() {
        let k = KernelSettings {
            tcp_syn_retries: Some(6),
            tcp_syn_linear_timeouts: Some(4),
            tcp_rfc1337: Some(0),
            tcp_tw_reuse: Some(2),
            tcp_syncookies: Some(1),
        };
        let text = describe(&k, Lang::En).join("\n");
        assert!(text.contains("tcp_syn_linear_timeouts = 4"), "{text}");
        assert!(
            text.contains("1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s"),
            "{text}"
        );
        assert!(text.contains("after 131 s"), "{text}");
        assert!(
            text.contains("tcp_rfc1337 = 0") && text.contains("RFC 1337"),
            "{text}"
        );
        assert!(text.contains("tcp_tw_reuse = 2: on loopback"), "{text}");
        assert_eq!(
            describe(&KernelSettings::default(), Lang::En),
            Vec::<String>::new()
        );
    }
}
