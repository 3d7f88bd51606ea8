//! cargo-fuzz target `pipeline`: see `synack_fuzz::pipeline`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    synack_fuzz::pipeline(data);
});
