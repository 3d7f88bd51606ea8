//! Dropping privileges once the raw socket is open.

/// Drop every capability after the raw socket is open: none is needed to
/// read it. `keep_dac_override` keeps CAP_DAC_OVERRIDE, so that a `--save`
/// file can still be renamed into place in a directory root does not own
/// (e.g. `sudo synack live --save lab.pcap` in a home directory). Also
/// sets `no_new_privs`. Best effort: errors are ignored (e.g. not root).
/// Must run before any other thread starts: capabilities are per thread.
pub fn drop_privileges(keep_dac_override: bool) {
    #[repr(C)]
    struct CapHeader {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy, Default)]
    struct CapData {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;
    const CAP_DAC_OVERRIDE: u32 = 1;
    // SAFETY: prctl with integer arguments.
    unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        // The bounding set, while CAP_SETPCAP is still held.
        for cap in 0..64u32 {
            if keep_dac_override && cap == CAP_DAC_OVERRIDE {
                continue;
            }
            libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0);
        }
        // Ambient capabilities: clear all.
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL,
            0,
            0,
            0,
        );
    }
    let mut hdr = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    if keep_dac_override {
        data[0].effective = 1 << CAP_DAC_OVERRIDE;
        data[0].permitted = 1 << CAP_DAC_OVERRIDE;
    }
    // SAFETY: capset with a v3 header and two data structs, as the ABI asks.
    unsafe {
        libc::syscall(
            libc::SYS_capset,
            &mut hdr as *mut CapHeader,
            data.as_mut_ptr(),
        );
    }
}

/// The invoking user's ids when synack runs as root through sudo.
pub fn sudo_user() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let uid = std::env::var("SUDO_UID").ok()?.parse().ok()?;
    let gid = std::env::var("SUDO_GID").ok()?.parse().ok()?;
    Some((uid, gid))
}

