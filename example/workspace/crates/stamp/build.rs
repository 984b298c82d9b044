// A build script, as many real crates have: it generates code into OUT_DIR.
use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let profile = env::var("PROFILE").unwrap_or_default();
    fs::write(Path::new(&out).join("stamp.rs"), format!("pub const BUILD_STAMP: &str = \"profile={profile}\";\n")).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}
