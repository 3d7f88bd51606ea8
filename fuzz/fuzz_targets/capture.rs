//! cargo-fuzz target `capture`: see `synack_fuzz::capture`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    synack_fuzz::capture(data);
});
