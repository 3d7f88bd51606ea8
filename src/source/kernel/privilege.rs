//! Giving up privileges once the raw socket is open.
//!
//! The raw socket is the only thing `live` and `sniff` need privilege for.
//! Right after it is open, [`drop_privileges`]:
//!
//! 1. started through sudo (real and effective uid 0, `SUDO_UID`/`SUDO_GID`
//!    set), or installed set-uid/set-gid (the real ids are the caller's; the
//!    environment is then not trusted): clears the supplementary groups
//!    (as root) and becomes the invoking user
//!    (`setgroups(0)`, `setresgid`, `setresuid`, each checked and read back),
//!    so every file synack creates afterwards is created *by* that user and
//!    the kernel's own permission checks apply — nothing is chowned;
//! 2. sets `no_new_privs`, so nothing executed later can gain privilege;
//! 3. empties the bounding (when it may), ambient, inheritable, permitted
//!    and effective capability sets, and reads them back.
//!
//! Run as plain root (no sudo) synack stays uid 0 but holds no capability;
//! run through `setcap cap_net_raw+ep` it loses CAP_NET_RAW. Any failure is
//! fatal: a sniffer that believes it gave up privilege and did not is
//! worse than one that does not start.
//!
//! Capabilities belong to threads, so this runs before any other thread
//! exists; [`drop_privileges`] checks that.

use anyhow::{Context, Result, anyhow, bail};
use std::io;

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;
const CAP_SETPCAP: u32 = 8;

/// The user to become: the one who ran `sudo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SudoUser {
    pub uid: u32,
    pub gid: u32,
}

/// The invoking user's ids when synack runs as root through sudo; `None`
/// when not root or not started by sudo. A `SUDO_UID` that is not a
/// number is an error: guessing would leave the capture owned by root, or
/// by someone else.
pub fn sudo_user() -> Result<Option<SudoUser>> {
    // Only sudo's own environment is trusted: sudo runs its command with
    // real and effective uid 0. A set-uid copy has the caller's real uid,
    // and SUDO_UID is then whatever the caller wrote into it.
    // SAFETY: getuid and geteuid have no preconditions.
    if unsafe { libc::geteuid() } != 0 || unsafe { libc::getuid() } != 0 {
        return Ok(None);
    }
    let var =
        |name: &str| -> Result<Option<u32>> {
            match std::env::var(name) {
                Err(std::env::VarError::NotPresent) => Ok(None),
                Ok(v) => v.trim().parse::<u32>().map(Some).map_err(|_| {
                    anyhow!("{name}={v:?} is not a user or group id; unset it or fix it")
                }),
                Err(_) => bail!("{name} is not valid text; unset it or fix it"),
            }
        };
    match (var("SUDO_UID")?, var("SUDO_GID")?) {
        (None, None) => Ok(None),
        // `sudo` run by root itself: nobody to give the files to but root.
        (Some(0), _) => Ok(None),
        (Some(uid), Some(gid)) => Ok(Some(SudoUser { uid, gid })),
        _ => bail!("SUDO_UID and SUDO_GID must be set together; unset both or set both"),
    }
}

/// Installed set-uid or set-gid (real and effective ids differ): the
/// user to go back to is the real one, whatever the environment says;
/// staying euid 0 without capabilities would still let the caller replace
/// root's files (uid 0 owns them).
fn real_user_of_setid() -> Option<SudoUser> {
    // SAFETY: get*id have no preconditions.
    let (r, e, rg, eg) = unsafe {
        (
            libc::getuid(),
            libc::geteuid(),
            libc::getgid(),
            libc::getegid(),
        )
    };
    (r != e || rg != eg).then_some(SudoUser { uid: r, gid: rg })
}

fn os_check(what: &str, r: libc::c_long) -> Result<()> {
    if r < 0 {
        let e = io::Error::last_os_error();
        bail!("cannot give up privileges: {what} failed ({e})");
    }
    Ok(())
}

fn capget() -> Result<[CapData; 2]> {
    let mut hdr = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    // SAFETY: capget with a v3 header and two data structs, as the ABI asks.
    let r = unsafe {
        libc::syscall(
            libc::SYS_capget,
            &mut hdr as *mut CapHeader,
            data.as_mut_ptr(),
        )
    };
    os_check("capget", r)?;
    Ok(data)
}

fn threads() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|v| v.trim().parse().ok())
}

fn switch_user(user: SudoUser) -> Result<()> {
    // Groups first: once the uid is not 0, setgroups and setresgid are no
    // longer allowed. Not root (a set-gid copy): the groups are the
    // caller's own already, and may not be changed.
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        // SAFETY: setgroups with an empty list.
        os_check(
            "setgroups(0)",
            unsafe { libc::setgroups(0, std::ptr::null()) } as libc::c_long,
        )?;
    }
    // SAFETY: set*id with plain integers.
    os_check(
        "setresgid",
        unsafe { libc::setresgid(user.gid, user.gid, user.gid) } as libc::c_long,
    )?;
    os_check(
        "setresuid",
        unsafe { libc::setresuid(user.uid, user.uid, user.uid) } as libc::c_long,
    )?;
    let (mut r, mut e, mut s) = (0, 0, 0);
    // SAFETY: three valid out-pointers each.
    os_check(
        "getresuid",
        unsafe { libc::getresuid(&mut r, &mut e, &mut s) } as libc::c_long,
    )?;
    if (r, e, s) != (user.uid, user.uid, user.uid) {
        bail!(
            "cannot give up privileges: the user ids are {r}/{e}/{s}, not {}",
            user.uid
        );
    }
    os_check(
        "getresgid",
        unsafe { libc::getresgid(&mut r, &mut e, &mut s) } as libc::c_long,
    )?;
    if (r, e, s) != (user.gid, user.gid, user.gid) {
        bail!(
            "cannot give up privileges: the group ids are {r}/{e}/{s}, not {}",
            user.gid
        );
    }
    // SAFETY: getgroups(0, NULL) only counts.
    let n = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
    if root && n != 0 {
        bail!("cannot give up privileges: {n} supplementary groups are left");
    }
    Ok(())
}

/// Become the sudo user (if any), set `no_new_privs`, empty every
/// capability set. Call once, right after opening the raw socket and
/// before anything else: no file, no thread.
pub fn drop_privileges() -> Result<()> {
    if let Some(n) = threads()
        && n != 1
    {
        bail!("cannot give up privileges: {n} threads already run (capabilities are per thread)");
    }
    let user = match real_user_of_setid() {
        Some(u) => Some(u),
        None => sudo_user()?,
    };
    let before = capget()?;
    // The bounding set limits what an exec could gain. Emptying it needs
    // CAP_SETPCAP (root has it; a `setcap cap_net_raw+ep` binary does not,
    // and then no_new_privs below already forbids any gain).
    if before[0].effective & (1 << CAP_SETPCAP) != 0 {
        let last: u32 = std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(40);
        for cap in 0..=last {
            // SAFETY: prctl with integer arguments.
            let r = unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) };
            os_check("dropping the capability bounding set", r as libc::c_long)?;
        }
    }
    // SAFETY: prctl with integer arguments.
    let r = unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL,
            0,
            0,
            0,
        )
    };
    // EINVAL: a kernel before 4.3, which has no ambient set to clear.
    if r < 0 && io::Error::last_os_error().raw_os_error() != Some(libc::EINVAL) {
        os_check("clearing the ambient capabilities", r as libc::c_long)?;
    }
    if let Some(u) = user {
        switch_user(u).with_context(|| {
            format!(
                "synack becomes the user who started it (uid {} gid {}) once the raw socket is open",
                u.uid, u.gid
            )
        })?;
    }
    // SAFETY: prctl with integer arguments.
    let r = unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
    os_check("PR_SET_NO_NEW_PRIVS", r as libc::c_long)?;
    let mut hdr = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut none = [CapData::default(); 2];
    // SAFETY: capset with a v3 header and two data structs, as the ABI asks.
    let r = unsafe {
        libc::syscall(
            libc::SYS_capset,
            &mut hdr as *mut CapHeader,
            none.as_mut_ptr(),
        )
    };
    os_check("capset", r)?;
    let after = capget()?;
    if after != [CapData::default(); 2] {
        bail!("cannot give up privileges: capabilities are still held after capset ({after:?})");
    }
    Ok(())
}
