//! cargo-fuzz target `decode`: see `synack_fuzz::decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    synack_fuzz::decode(data);
});
