//! Byte-identical outputs: `vanban build samples/<each>` with a fixed SOURCE_DATE_EPOCH
//! must write exactly the files, and the bytes, recorded in
//! `tests/fixtures/golden/build-hashes.txt` (see that file's header to regenerate it).

use std::collections::BTreeMap;
use std::hash::Hasher;
use std::path::Path;
use std::process::Command;

use crate::common::*;

const EPOCH: &str = "1700000000";
const SAMPLES: [&str; 3] = ["kim-lien-2025", "nghe-an-2025", "ninh-giang-2022"];

fn hash(bytes: &[u8]) -> String {
    let mut h = siphasher::sip128::SipHasher13::new_with_keys(0, 0);
    h.write(bytes);
    format!("{:032x}", siphasher::sip128::Hasher128::finish128(&h).as_u128())
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(rel, hash(&std::fs::read(&p).unwrap()));
        }
    }
}

fn build_all() -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let mut all = BTreeMap::new();
    for s in SAMPLES {
        let out_dir = dir.path().join(s);
        let out = Command::new(env!("CARGO_BIN_EXE_vanban"))
            .args(["build", &format!("samples/{s}"), "-o"])
            .arg(&out_dir)
            .current_dir(root())
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env_remove("VANBAN_TEMPLATES")
            .env_remove("VANBAN_FONT_PATH")
            .output()
            .expect("run vanban");
        assert_eq!(out.status.code(), Some(0), "{s}: {}", stderr(&out));
        let mut files = BTreeMap::new();
        walk(&out_dir, &out_dir, &mut files);
        all.extend(files.into_iter().map(|(k, v)| (format!("{s}/{k}"), v)));
    }
    all
}

const HEADER: &str = "\
# SipHash-1-3 (128 bits, keys 0, 0) of every file that `vanban build samples/<name> -o <dir>`
# writes with SOURCE_DATE_EPOCH=1700000000, one `<hash>  <name>/<path>` a line.
# An intended change of the outputs: regenerate with
#   VANBAN_BLESS=1 cargo test --release --test it -- golden
# and review the diff of this file.
";

#[test]
fn every_sample_builds_to_the_recorded_bytes() {
    let path = root().join("tests/fixtures/golden/build-hashes.txt");
    let actual = build_all();
    let text: String = HEADER.to_string() + &actual.iter().map(|(k, v)| format!("{v}  {k}\n")).collect::<String>();
    if std::env::var_os("VANBAN_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(&path).expect("stored hashes (VANBAN_BLESS=1 to write them)");
    let expected: BTreeMap<String, String> = stored
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (h, name) = l.split_once("  ").expect("`<hash>  <path>`");
            (name.to_string(), h.to_string())
        })
        .collect();
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&actual), names(&expected), "the set of output files changed");
    let changed: Vec<&String> = actual.iter().filter(|(k, v)| expected.get(*k) != Some(v)).map(|(k, _)| k).collect();
    assert!(changed.is_empty(), "outputs whose bytes changed: {changed:?}");
    assert!(expected.len() >= 17, "every sample output is covered: {}", expected.len());
}
