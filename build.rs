//! Embeds the worked-example library (`prompts/library/*.json`) into the binary: each file is
//! an `include_str!`, so a library edit is a rebuild, and the binary reads no file at run time.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts/library");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let mut code = String::from("/// `(file stem, JSON text)` of every library example, sorted by name.\npub const LIBRARY: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("library file names are UTF-8");
        code.push_str(&format!("    ({stem:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("library.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
