//! cargo-fuzz target `tracker`: see `synack_fuzz::tracker`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    synack_fuzz::tracker(data);
});
